"""
Hostile values, as Hypothesis strategies: what a careless import, a fuzzer or an attacker
sends where a form or the API expects a name, a number, an id or a choice.
"""

import json

from hypothesis import strategies as st

# Picked by hand from what broke this academy or others like it (issue 12).
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "王\x00芳",
    "KF\x009104",
    "\x1b[31m红\x1b[0m",
    "\t\r\n",
    "\x7f\x85\u2028",
    "٣",  # Arabic-Indic three: str.isdigit() says yes, int() reads 3
    "１２",  # full-width digits
    "99999999999999999999999",
    "-99999999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "sNaN",
    "1.5",
    "0x10",
    "[]",
    "{}",
    "null",
    "true",
    '{"a": [1, {"b": null}]}',
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "'; DROP TABLE lms_user; --",
    "%00",
    "%s%n",
    "🙂" * 50,
    "客" * 3000,
    "x" * 70_000,
]

# Control characters a pasted or imported value carries (NUL first: PostgreSQL refuses it).
CONTROL = ["\x00", "\x1b", "\x07", "\x7f", "\x0b", "\x00\x00"]

# Text drawn by Hypothesis from control characters, digits of every script and Chinese.
drawn_text = st.text(
    alphabet=st.characters(
        categories=("Cc", "Cf", "Nd", "No", "Zs", "Lo", "Po"), exclude_characters="\ud800"
    ),
    max_size=30,
)
huge_numbers = st.integers(min_value=-(2**80), max_value=2**80).map(str)
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), drawn_text, huge_numbers)

# A form field may also arrive several times (a list), or not at all.
form_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))

# Ids in addresses: the real one, ones that name nothing, and ones past 64 bits.
unknown_ids = st.sampled_from([0, 1, 999_999, 2**31, 2**63 - 1, 2**63, 10**22])

# Any JSON at all, for endpoints that read a JSON body: wrong types at every level.
json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(hostile_text, st.sampled_from(["revision", "answers"])), children, max_size=4
        ),
    ),
    max_leaves=12,
)


def json_body(keys: list[str]):
    """A JSON object with the keys the endpoint reads (values of any type), or any JSON."""
    shaped = st.fixed_dictionaries({}, optional=dict.fromkeys(keys, json_value))
    return st.one_of(shaped, json_value).map(lambda value: json.dumps(value).encode())


def raw_bytes():
    """A body that is not JSON at all: broken UTF-8, NUL, truncated JSON."""
    return st.one_of(
        st.binary(max_size=64),
        st.sampled_from([b"{", b'{"answers": {"1": ', b"\xff\xfe\x00", b'{"revision": NaN}']),
    )

"""
Finding and masking customer personal data (个人信息保护法) in case text: phone numbers,
ID-card numbers, e-mail addresses, bank cards and street addresses. What was masked is
reported by kind and in its masked form only, never the original.
"""

import re
from collections import Counter

from django.utils.text import slugify
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from lms.formatting import list_display

KINDS = {
    "id_card": _("ID-card number"),
    "bank_card": _("bank card number"),
    "mobile": _("mobile number"),
    "landline": _("landline number"),
    "email": _("e-mail address"),
    "address": _("street address"),
}

_NOT_DIGIT_BEFORE, _NOT_DIGIT_AFTER = r"(?<![0-9])", r"(?![0-9])"
PATTERNS = [
    # Order matters: an 18-digit ID number would otherwise also look like a bank card.
    (
        "id_card",
        re.compile(
            _NOT_DIGIT_BEFORE + r"\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx]" + _NOT_DIGIT_AFTER
        ),
    ),
    ("bank_card", re.compile(_NOT_DIGIT_BEFORE + r"(?:\d ?){15,18}\d" + _NOT_DIGIT_AFTER)),
    ("mobile", re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])")),
    ("landline", re.compile(_NOT_DIGIT_BEFORE + r"0\d{2,3}-\d{7,8}" + _NOT_DIGIT_AFTER)),
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    (
        "address",
        re.compile(
            r"[\u4e00-\u9fa5]{2,5}(?:路|街|大道|巷|弄|胡同)\s*\d+\s*号"
            r"(?:[\dA-Za-z\u4e00-\u9fa5-]{0,12}(?:室|楼|单元|栋|层|座))?"
        ),
    ),
    (
        "address",
        re.compile(
            r"[\u4e00-\u9fa5]{2,6}(?:小区|花园|公寓|大厦)\s*\d+\s*(?:栋|幢|号楼)[\d\s单元室层-]*"
        ),
    ),
]


def _luhn_ok(digits: str) -> bool:
    """Bank card numbers pass the Luhn check; most order and ticket numbers do not."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _masked(kind: str, value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if kind == "mobile":
        return f"{digits[-11:-8]}****{digits[-4:]}"
    if kind == "id_card":
        return f"{'*' * (len(value) - 4)}{value[-4:]}"
    if kind == "bank_card":
        return f"{'*' * (len(digits) - 4)}{digits[-4:]}"
    if kind == "landline":
        return f"{value.split('-')[0]}-****"
    if kind == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return "【地址已遮盖】"


# Full-width forms (１３８…, ＠, －, the ideographic space) as typed in a Chinese input
# method's full-width mode, read as their ASCII twins. One character for one, so a match in
# the folded text marks the same span of the text as written.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}


def _masked_spans(pattern, text: str, replace) -> str:
    """
    pattern.sub over the text as read with full-width forms folded: each span `replace`
    masks is replaced; a span it declines (returns None) and the rest stay as written.
    """
    parts, last = [], 0
    for match in pattern.finditer(text.translate(_FOLD)):
        masked = replace(match)
        if masked is not None:
            parts += [text[last : match.start()], masked]
            last = match.end()
    return "".join(parts) + text[last:]


def mask_pii(
    text: str, *, in_slug: bool = False, listed: list | None = None
) -> tuple[str, Counter]:
    """
    Return the text with personal data masked, and how many of each kind were found.
    in_slug=True masks for a page's slug (its address), which allows only letters, digits
    and hyphens: 138****5678 becomes 138xxxx5678, so a slug holding a phone number still
    saves, without the number. The rest of the slug is left as the trainer wrote it.
    `listed`, when given, receives (kind, masked form) for each find, so the trainer can
    be shown what was masked: the masked form only, never the original.
    """
    found: Counter = Counter()
    if not text:
        return text, found
    for kind, pattern in PATTERNS:

        def replace(match, kind=kind):
            value = match.group(0)
            if kind == "bank_card" and not _luhn_ok(re.sub(r"\D", "", value)):
                return None
            found[kind] += 1
            masked = _masked(kind, value)
            if listed is not None:
                listed.append((kind, masked))
            return slugify(masked.replace("*", "x"), allow_unicode=True) if in_slug else masked

        text = _masked_spans(pattern, text, replace)
    return text, found


def mask_in(data, found: Counter):
    """Mask every string inside nested lists and dicts (a StreamField's raw data)."""
    if isinstance(data, str):
        masked, counts = mask_pii(data)
        found.update(counts)
        return masked
    if isinstance(data, list):
        return [mask_in(item, found) for item in data]
    if isinstance(data, dict):
        return {
            key: mask_in(value, found) if key not in ("id", "type") else value
            for key, value in data.items()
        }
    return data


def describe(found: dict) -> str:
    """'手机号 2 处、邮箱 1 处' in the reader's language."""
    return list_display(
        (
            _g("%(kind)s × %(count)s") % {"kind": KINDS[kind], "count": count}
            for kind, count in found.items()
            if count
        ),
        enumeration=True,
    )

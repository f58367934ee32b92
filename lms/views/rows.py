"""
Helpers for pages that list many rows. Django's template engine spends most of a long
table's time on per-row tags: a `{% url %}` is a reverse() each, and a lazy choice label
is translated again on every `get_FOO_display`. These do that work once per page.
"""

from django.urls import reverse

_SLOT = 987654321  # stands for a primary key while the address is reversed


def url_for_pk(viewname: str):
    """A function giving `viewname`'s address for a primary key, reversed only once."""
    template = reverse(viewname, args=[_SLOT]).replace(str(_SLOT), "{}")
    return template.format


def labels(choices) -> dict[str, str]:
    """A choices class's labels, translated once: {value: label}."""
    return {value: str(label) for value, label in choices.choices}

"""
The one place numbers shown to people are formatted: a score reads the same on the result
page, the quiz overview, the team pages and in a notice (92.31%, never 92% here and 92.31%
there), and a wait reads as days, hours and minutes rather than "1440 minutes".
"""

from decimal import Decimal

from django.utils.translation import ngettext, pgettext


def number_display(value) -> str:
    """6, 6.5, 92.31: at most two decimals, none that are zero."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{number.normalize():f}"
    return text


def percent_display(value) -> str:
    """A score as a percentage, exact to the two decimals it is stored with: rounding 79.99
    up to 80% would show a pass mark reached that was not."""
    return "" if value is None else f"{number_display(value)}%"


def points_display(points, max_points) -> str:
    """Points given out of the points possible: "6 / 10"."""
    return f"{number_display(points)} / {number_display(max_points)}"


def duration_display(minutes: int | None) -> str:
    """1440 → "1 day", 90 → "1 hour 30 minutes" (in the active language)."""
    if not minutes:
        return ngettext("%(count)s minute", "%(count)s minutes", 0) % {"count": 0}
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if mins:
        parts.append(ngettext("%(count)s minute", "%(count)s minutes", mins) % {"count": mins})
    return " ".join(parts)


def choice_label(choices, code) -> str:
    """
    A stored choice code in the reader's language (`choices`: a Choices class or its
    `.choices`); a code no longer among the choices shows as itself rather than as nothing.
    """
    pairs = getattr(choices, "choices", choices)
    return str(dict(pairs).get(code, code if code is not None else ""))


def list_display(items, *, enumeration: bool = False) -> str:
    """
    Several things in one sentence, with the reader's punctuation: "；" (or "、" for a plain
    enumeration) in Chinese, "; " (or ", ") in English, never a full-width mark in English.
    """
    if enumeration:
        separator = pgettext("between items of an enumeration", ", ")
    else:
        separator = pgettext("between clauses of a list", "; ")
    return separator.join(str(item) for item in items)

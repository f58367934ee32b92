"""Template filters for the academy's one number format (lms.formatting)."""

from django import template

from lms.formatting import (
    duration_display,
    list_display,
    number_display,
    percent_display,
    points_display,
)

register = template.Library()

register.filter("percent", percent_display)
register.filter("number", number_display)
register.filter("duration", duration_display)


@register.filter
def clauses(items) -> str:
    """Items joined with the reader's "；" or "; " (lms.formatting.list_display)."""
    return list_display(items)


@register.filter
def enumeration(items) -> str:
    """Items joined with the reader's "、" or ", "."""
    return list_display(items, enumeration=True)


@register.filter
def points_of(item) -> str:
    """An attempt item's (or attempt's) points out of its maximum: "6 / 10"."""
    return points_display(item.points, item.max_points)

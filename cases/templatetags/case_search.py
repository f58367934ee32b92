"""Template filters of the case search's results page."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: a result's snippet by its case's id."""
    return mapping.get(key) if mapping else None

"""Template filters for the academy's one number format (lms.formatting), and permissions."""

import re

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


PERMISSION_ACTIONS = {
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "view": _("View"),
    "choose": _("Choose"),
    "lock": _("Lock"),
    "unlock": _("Unlock"),
    "publish": _("Publish"),
}
DEFAULT_PERMISSION = re.compile(r"^Can (\w+) ")


@register.filter
def permission_label(permission) -> str:
    """
    A permission's name in the reader's language. Django stores names in English when it
    creates the rows ("Can add cohort"); the academy's own are msgids in its catalogue, and
    Django's default ones are worded here from the action and the model's verbose name.
    """
    translated = gettext(permission.name)
    if translated != permission.name:
        return translated
    match = DEFAULT_PERMISSION.match(permission.name)
    model = permission.content_type.model_class()
    if match and match.group(1) in PERMISSION_ACTIONS and model is not None:
        return gettext("%(action)s %(object)s") % {
            "action": PERMISSION_ACTIONS[match.group(1)],
            "object": model._meta.verbose_name,
        }
    return translated

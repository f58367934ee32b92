"""The core's own entries in the main menu (features add theirs from their AppConfig)."""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.features import NavItem, register_nav_item
from lms.selectors.learning import can_review_written
from lms.selectors.people import can_view_teams
from lms.selectors.todos import menu_badge_replies, menu_badge_team


def url_of(name: str):
    """A menu entry's address, reversed once per worker (URLs do not change while it runs)."""
    return cache(lambda: reverse(name))


def register_core_nav_items() -> None:
    register_nav_item(NavItem("learning", _("My learning"), url_of("lms:dashboard"), order=10))
    register_nav_item(
        NavItem(
            "team",
            _("My team"),
            url_of("lms:team_roster"),
            order=40,
            visible=can_view_teams,
            badge=menu_badge_team,
        )
    )
    register_nav_item(
        NavItem(
            "reviews",
            _("Scoring"),
            url_of("lms:review_queue"),
            order=60,
            visible=can_review_written,
            badge=menu_badge_replies,
        )
    )
    register_nav_item(
        NavItem(
            "cms",
            _("Content admin"),
            url_of("wagtailadmin_home"),
            order=90,
            visible=lambda user: user.has_perm("wagtailadmin.access_admin"),
            active=lambda path, url: False,
        )
    )

from django.conf import settings

from lms.selectors.learning import can_review_written
from lms.selectors.people import can_view_teams


def academy(request):
    """What the base layout needs on every page: the centre's name and the user's menus."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "nav_case_library_url": signed_in and _case_library_url(),
        "academy_name": settings.ACADEMY_NAME,
        "nav_can_view_teams": signed_in and can_view_teams(user),
        "nav_can_use_cms": signed_in and user.has_perm("wagtailadmin.access_admin"),
        "nav_can_review": signed_in and can_review_written(user),
    }


def _case_library_url() -> str | None:
    """The library page's address, cached: the menu shows it on every page."""
    from django.core.cache import cache

    from cases.models import CaseLibraryPage

    def lookup():
        library = CaseLibraryPage.objects.live().first()
        return library.url if library else ""

    return cache.get_or_set("nav:case_library_url", lookup, 300) or None

from django.conf import settings

from lms.memo import LocalMemo
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


_library_url = LocalMemo(size=1)


def _case_library_url() -> str | None:
    """The library page's address, kept by each worker for five minutes: the menu shows it
    on every page, and it changes only when the library page is moved."""
    from cases.models import CaseLibraryPage

    url = _library_url.get("url")
    if url is None:
        library = CaseLibraryPage.objects.live().first()
        url = library.url if library else ""
        _library_url.set("url", url, 300)
    return url or None

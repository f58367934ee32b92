from django.conf import settings

from lms.features import nav_items
from lms.selectors.notices import notices_unread_count
from lms.selectors.people import can_view_teams


def academy(request):
    """
    What the base layout needs on every page: the centre's name and the person's menu,
    built from the entries the core and each feature registered (lms.features).
    """
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    nav = []
    if signed_in:
        path = request.path
        for item in nav_items():
            if not item.visible(user):
                continue
            url = item.url()
            if url:
                nav.append(
                    {
                        "label": item.label,
                        "url": url,
                        "current": item.active(path, url),
                        "badge": item.badge(user) if item.badge else None,
                    }
                )
    return {
        "academy_name": settings.ACADEMY_NAME,
        "nav": nav,
        # The phone's folded menu shows what waits behind it.
        "nav_badges_total": sum(item["badge"] or 0 for item in nav),
        "nav_can_view_teams": signed_in and can_view_teams(user),
        "nav_can_use_cms": signed_in and user.has_perm("wagtailadmin.access_admin"),
        # The bell's count, kept in the shared cache until a notice reaches or is read by
        # the person (lms.selectors.notices).
        "notices_unread": notices_unread_count(user) if signed_in else 0,
    }

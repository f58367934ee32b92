"""Read-only JSON API for workforce and routing systems (token) and the site (session)."""

from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import APIToken

from lms.models import GoLiveState
from lms.selectors.people import can_view_teams, staff_visible_to
from lms.views.people import person_as_json

API_PAGE_SIZE = 200


def _token_user(request):
    """The active owner of a valid `Authorization: Bearer <token>` (Wagtail API tokens)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    token = token.strip()
    if not APIToken.validate_token_format(token):
        return AnonymousUser()
    api_token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return AnonymousUser()
    now = timezone.now()
    # Record use at most once a minute, so a polling routing system costs no write per call.
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() >= 60:
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


def api_view(view):
    """
    Authenticate by bearer token when one is sent (a token never falls back to the
    session), otherwise by session; the caller's scope is that person's scope.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token_user = _token_user(request)
        if token_user is not None:
            request.user = token_user
        if not request.user.is_authenticated:
            response = JsonResponse({"detail": "authentication required"}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        return view(request, *args, **kwargs)

    return require_GET(wrapper)


@api_view
def people(request):
    if not can_view_teams(request.user):
        return JsonResponse({"detail": "permission denied"}, status=403)
    people = staff_visible_to(request.user).select_related("team").order_by("employee_no", "pk")
    if request.GET.get("team"):
        people = (
            people.filter(team_id=request.GET["team"])
            if request.GET["team"].isdigit()
            else people.none()
        )
    page = Paginator(people, API_PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [person_as_json(person) for person in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@api_view
def live(request):
    """Who may take live customer contacts, for routing and workforce systems."""
    if not can_view_teams(request.user):
        return JsonResponse({"detail": "permission denied"}, status=403)
    people = (
        staff_visible_to(request.user)
        .filter(is_active=True, golive__state=GoLiveState.LIVE)
        .select_related("team", "golive")
        .order_by("employee_no", "pk")
    )
    page = Paginator(people, API_PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [
                {
                    "employee_no": person.employee_no,
                    "display_name": person.get_full_name(),
                    "team": person.team.name if person.team else None,
                    "live_since": person.golive.live_since.isoformat()
                    if person.golive.live_since
                    else None,
                }
                for person in page
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )

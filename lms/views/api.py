"""
Read-only JSON API for workforce and routing systems (a Wagtail API token) and the site (a
session), built on django-ninja: typed query parameters and answers, and the OpenAPI schema
at /api/v1/openapi.json with its documentation page beside it, for people signed in.

The caller's scope is the owner's scope (lms.selectors.people), exactly as on the pages. A
token that is sent is the only credential looked at: a revoked or malformed one, or one
whose owner left, is refused even when the browser also has a session.
"""

from datetime import date, datetime
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, AuthorizationError, ValidationError
from ninja.openapi.views import openapi_json
from ninja.pagination import PaginationBase, paginate
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from lms.converters import LARGEST_ID
from lms.models import GoLiveState
from lms.selectors.people import can_view_teams, staff_visible_to

API_PAGE_SIZE = 200


class AcademyTokenAuth(BearerTokenAuth):
    """
    Wagtail's API token authentication (it refuses a revoked token and an inactive owner,
    and records use at most once a minute), with a malformed token refused before any
    query: the format carries a checksum.
    """

    def authenticate(self, request, token: str):
        token = token.strip()
        if not APIToken.validate_token_format(token):
            # As the parent does for an unknown token: no session can stand in for it.
            request.user = AnonymousUser()
            return None
        return super().authenticate(request, token)


class UnicodeJSONRenderer(JSONRenderer):
    """Names stay readable Chinese in the answer instead of \\uXXXX escapes."""

    json_dumps_params = {"ensure_ascii": False}


class ResultsPage(PaginationBase):
    """`?page=N` of API_PAGE_SIZE results, with the count and the number of pages."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=LARGEST_ID, description="Page number, from 1.")

    class Output(Schema):
        count: int
        page: int
        pages: int
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        # A page past the end is the last page, as on the site's own lists.
        page = Paginator(queryset, API_PAGE_SIZE).get_page(pagination.page)
        return {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": page.object_list,
        }


def _signed_in_only(view):
    """The schema and its documentation page: for people signed in, or a token's owner."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.headers.get("Authorization"):
            AcademyTokenAuth()(request)
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(view, "func", None) is openapi_json:
            return _unauthenticated(request, None)
        return redirect_to_login(request.get_full_path())

    return wrapper


api = NinjaAPI(
    title="Kefu Academy API",
    version="1",
    description="People and go-live status within the caller's teams.",
    # Mounted inside the lms URL namespace: lms:api_people, lms:openapi-json, ...
    urls_namespace="lms",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    docs_decorator=_signed_in_only,
    auth=[AcademyTokenAuth(), SessionAuth()],
    renderer=UnicodeJSONRenderer(),
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"detail": _("Sign in, or send an API token as “Authorization: Bearer <token>”.")},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(AuthorizationError)
def _refused(request, exc):
    return api.create_response(
        request, {"detail": _("Only team leads, supervisors and administrators.")}, status=403
    )


def _message(error: dict) -> str:
    """A query parameter's error in the reader's language."""
    ctx = error.get("ctx") or {}
    if error["type"] in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number written with the digits 0-9.")
    if error["type"] == "greater_than_equal":
        return _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if error["type"] == "less_than_equal":
        return _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le")}
    return error["msg"]


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [
        {"loc": list(error["loc"]), "type": error["type"], "msg": _message(error)}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": errors}, status=422)


class PersonOut(Schema):
    id: int
    employee_no: str | None
    display_name: str
    team: str | None
    position: str
    hire_date: date | None
    active: bool

    @staticmethod
    def resolve_display_name(person) -> str:
        return person.get_full_name()

    @staticmethod
    def resolve_team(person) -> str | None:
        return person.team.name if person.team else None

    @staticmethod
    def resolve_active(person) -> bool:
        return person.is_active


class LivePersonOut(Schema):
    employee_no: str | None
    display_name: str
    team: str | None
    live_since: datetime | None

    @staticmethod
    def resolve_display_name(person) -> str:
        return person.get_full_name()

    @staticmethod
    def resolve_team(person) -> str | None:
        return person.team.name if person.team else None

    @staticmethod
    def resolve_live_since(person) -> datetime | None:
        return person.golive.live_since


class PeopleFilter(Schema):
    team: int | None = Field(None, ge=1, le=LARGEST_ID, description="Only this team (its id).")


def _team_viewer(request):
    if not can_view_teams(request.user):
        raise AuthorizationError


@api.get("/people/", response=list[PersonOut], url_name="api_people", summary="People")
@paginate(ResultsPage)
def people(request, filters: Query[PeopleFilter]):
    """Everyone in the caller's teams, by employee number; `team` narrows to one of them."""
    _team_viewer(request)
    people = staff_visible_to(request.user).select_related("team").order_by("employee_no", "pk")
    if filters.team is not None:
        people = people.filter(team_id=filters.team)
    return people


@api.get("/live/", response=list[LivePersonOut], url_name="api_live", summary="People live")
@paginate(ResultsPage)
def live(request):
    """Who may take live customer contacts, for routing and workforce systems."""
    _team_viewer(request)
    return (
        staff_visible_to(request.user)
        .filter(is_active=True, golive__state=GoLiveState.LIVE)
        .select_related("team", "golive")
        .order_by("employee_no", "pk")
    )

"""Staff-facing pages about people: the team roster, a person's profile, exports."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.exports import spreadsheet_text, table_response
from lms.filters import RosterFilter
from lms.kept_pages import kept_render, kept_team_part
from lms.models import GoLiveState, Position
from lms.selectors.learning import completed_lessons_by_person, live_lesson_ids_by_curriculum
from lms.selectors.people import can_view_teams, staff_visible_to, teams_visible_to
from lms.services.staff_import import STAFF_FILE_HEADERS
from lms.views.rows import labels, url_for_pk

# A team (12-25 people in a contact centre) fits one page; supervisors page through. Rows
# cost the template ~0.4 ms each, and 50 leads at once pushed p95 past 150 ms at 50 a page.
ROSTER_PAGE_SIZE = 25


def team_viewer_required(view):
    """Signed in, and a lead, supervisor or administrator (403 for everyone else)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_teams(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _roster(request):
    """The filtered people the viewer may see, with the filter form."""
    # Always bound: with no filters chosen the defaults (active people) apply.
    filterset = RosterFilter(request.GET, queryset=staff_visible_to(request.user), request=request)
    people = filterset.qs.select_related("team").order_by("team__name", "employee_no", "username")
    return filterset.form, teams_visible_to(request.user), people


def _team_roster_html(request) -> str:
    form, teams, people = _roster(request)
    people = people.select_related("golive").order_by(
        Case(When(golive__state=GoLiveState.READY, then=0), default=1),
        "team__name",
        "employee_no",
        "username",
    )
    page = Paginator(people, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(page)
    _attach_onboarding_progress(members)
    _attach_row_labels(members)
    query = request.GET.copy()
    query.pop("page", None)
    return kept_render(
        "lms/team_roster_body.html",
        {
            "request": request,
            "user": request.user,
            "form": form,
            "teams": teams.prefetch_related("leads"),
            "page": page,
            "members": members,
            "query": query.urlencode(),
            "can_sign_off": request.user.has_perm("lms.sign_off_golive"),
        },
    )


@team_viewer_required
def team_roster(request):
    """
    The lead's team page: every member with their onboarding progress and go-live status,
    people awaiting sign-off first. A fixed number of queries whatever the team's size.
    Kept for the lead per filter (lms.kept_pages) until a member's rows or the academy's
    change.
    """
    body = kept_team_part(request, "team_roster", lambda: _team_roster_html(request))
    return render(request, "lms/team_roster.html", {"body": body})


def _attach_row_labels(members) -> None:
    """Each row's links and labels, reversed and translated once for the page."""
    detail, history, sign_off = (
        url_for_pk("lms:person_detail"),
        url_for_pk("lms:golive_history"),
        url_for_pk("lms:golive_sign_off"),
    )
    positions, states = labels(Position), labels(GoLiveState)
    for member in members:
        member.detail_url = detail(member.pk)
        member.golive_url = history(member.pk)
        member.sign_off_url = sign_off(member.pk)
        member.position_label = positions.get(member.position, member.position)
        if member.golive_status is not None:
            member.golive_label = states.get(member.golive_status.state, "")


def _attach_onboarding_progress(members) -> None:
    """Set member.golive_status and member.onboarding_percent (a few queries in all)."""
    for member in members:
        # A missing reverse one-to-one raises an AttributeError subclass: getattr's default.
        member.golive_status = getattr(member, "golive", None)
        member.onboarding_percent = None
    in_onboarding = [m for m in members if m.golive_status is not None]
    lessons = live_lesson_ids_by_curriculum({m.golive_status.curriculum_id for m in in_onboarding})
    all_lessons = set().union(*lessons.values()) if lessons else set()
    done_by_person = completed_lessons_by_person(
        user_ids=[m.pk for m in in_onboarding], lesson_ids=all_lessons
    )
    for member in in_onboarding:
        wanted = lessons.get(member.golive_status.curriculum_id, set())
        done = len(done_by_person.get(member.pk, set()) & wanted)
        member.onboarding_percent = round(100 * done / len(wanted)) if wanted else 0


@team_viewer_required
def person_detail(request, pk):
    # 404 rather than 403 for people outside the viewer's teams: their existence is private.
    person = get_object_or_404(staff_visible_to(request.user).select_related("team"), pk=pk)
    return render(request, "lms/person_detail.html", {"person": person})


def _export_rows(people):
    """Rows in the same shape the staff import reads, so an export can be edited and re-imported."""
    for person in people.iterator(chunk_size=1000):
        yield [
            person.employee_no or "",
            spreadsheet_text(person.get_full_name()),
            spreadsheet_text(person.team.name) if person.team else "",
            person.get_position_display(),
            person.hire_date.isoformat() if person.hire_date else "",
            "是" if person.is_active else "否",
            spreadsheet_text(person.email),
        ]


@team_viewer_required
def team_export(request, fmt):
    _form, _teams, people = _roster(request)
    return table_response(
        fmt=fmt,
        filename=f"staff-{timezone.localdate().isoformat()}.{fmt}",
        headers=[label for _key, label in STAFF_FILE_HEADERS],
        rows=_export_rows(people),
        sheet_title=_("Staff"),
    )

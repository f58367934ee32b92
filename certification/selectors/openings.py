"""
Quarterly internal selection (内部竞聘): who may apply to an opening, and the ability-to-
position matrix (能力-岗位匹配矩阵) of its applicants against its requirements, ranked. The
matrix costs the same queries for 3 applicants as for 300: each requirement kind measures
everyone at once (certification.requirements).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import OpeningApplication, OpeningRequirement, PositionOpening, TrackStep
from certification.requirements import requirement_kind
from lms.models import GoLiveState
from lms.models.golive import GoLiveStatus
from lms.refusals import Refused

# Who opens positions and decides on applicants (a role's permission, lms.roles).
DECIDE = "certification.decide_positionopening"


def application_refusal(
    person, opening: PositionOpening, today: dt.date | None = None, *, applied: bool | None = None
) -> Refused | None:
    """
    Why `person` may not apply to `opening` now, or None when they may. The one home of the
    rule: open and not past its closing day; not already in the position; a career track
    (certification.TrackStep) leads from their position to it; past go-live (a new hire
    still in onboarding takes no new post); one application each. `applied` spares the
    query when the caller already knows.
    """
    today = today or timezone.localdate()
    if opening.status != PositionOpening.Status.OPEN or today > opening.closes_on:
        return Refused("closed", _("Applications for this opening are closed."))
    if person.position == opening.position:
        return Refused("same_position", _("You already hold this position."))
    if not TrackStep.objects.filter(
        from_position=person.position, to_position=opening.position
    ).exists():
        return Refused("no_track", _("No career track leads from your position to this one."))
    if GoLiveStatus.objects.filter(user_id=person.pk).exclude(state=GoLiveState.LIVE).exists():
        return Refused(
            "not_live", _("Finish onboarding and go live before applying for a new position.")
        )
    if applied is None:
        applied = OpeningApplication.objects.filter(opening=opening, applicant=person).exists()
    if applied:
        return Refused("applied", _("You have applied to this opening."))
    return None


def openings_for(viewer, today: dt.date | None = None) -> list[PositionOpening]:
    """
    The openings a person sees, newest quarter first: every opening for those who decide,
    open ones (and those they applied to) for everyone else. Each carries `applied` (the
    viewer's application or None) and `applicants` (how many). Three queries.
    """
    today = today or timezone.localdate()
    openings = PositionOpening.objects.annotate(applicants=Count("applications"))
    mine = {a.opening_id: a for a in OpeningApplication.objects.filter(applicant_id=viewer.pk)}
    if not viewer.has_perm(DECIDE):
        openings = openings.filter(
            Q(status=PositionOpening.Status.OPEN, closes_on__gte=today) | Q(pk__in=list(mine))
        )
    result = list(openings.prefetch_related("requirements"))
    for opening in result:
        opening.applied = mine.get(opening.pk)
    return result


@dataclass
class Cell:
    """One applicant against one requirement: met, short (with how far) or missing."""

    verdict: str  # "met", "short" or "missing"
    shown: str = ""
    gap: str = ""
    fraction: float = 0.0


@dataclass
class Column:
    requirement: OpeningRequirement
    heading: str


@dataclass
class MatrixRow:
    application: OpeningApplication
    cells: list[Cell] = field(default_factory=list)
    rank: int = 0

    @property
    def team_name(self) -> str:
        team = self.application.applicant.team
        return team.name if team else ""

    @property
    def met(self) -> int:
        return sum(cell.verdict == "met" for cell in self.cells)

    @property
    def match_percent(self) -> int:
        if not self.cells:
            return 100
        return round(100 * sum(cell.fraction for cell in self.cells) / len(self.cells))

    @property
    def meets_all(self) -> bool:
        return self.met == len(self.cells)


def _cell(kind, requirement, value: Decimal | None) -> Cell:
    if value is None:
        return Cell("missing", _("none"))
    shown = kind.show(value, requirement)
    if value >= requirement.target:
        return Cell("met", shown, fraction=1.0)
    gap = kind.gap(value, requirement) if kind.gap else ""
    return Cell("short", shown, gap, float(value / requirement.target))


def opening_matrix(
    opening: PositionOpening, today: dt.date | None = None
) -> tuple[list[Column], list[MatrixRow]]:
    """
    The matrix: a column per requirement (of a registered kind) and a row per applicant,
    ranked: most requirements met first, then the closest overall (the mean of how far
    each requirement is reached, capped at 100 %), then who applied first. Two queries
    plus one or two per requirement kind, whatever the number of applicants.
    """
    today = today or timezone.localdate()
    requirements = [
        r
        for r in OpeningRequirement.objects.filter(opening=opening)
        if requirement_kind(r.kind) is not None
    ]
    for requirement in requirements:
        requirement.opening = opening  # kinds read the position; no query per requirement
    applications = list(
        OpeningApplication.objects.filter(opening=opening).select_related(
            "applicant", "applicant__team"
        )
    )
    people = [a.applicant for a in applications]
    values: dict[tuple[int, int], Decimal | None] = {}
    by_kind: dict[str, list[OpeningRequirement]] = {}
    for requirement in requirements:
        by_kind.setdefault(requirement.kind, []).append(requirement)
    if people:
        for code, of_kind in by_kind.items():
            values.update(requirement_kind(code).measure(people, of_kind, today))
    columns = [Column(r, requirement_kind(r.kind).heading(r)) for r in requirements]
    rows = []
    for application in applications:
        row = MatrixRow(application)
        for requirement in requirements:
            value = values.get((application.applicant_id, requirement.pk))
            row.cells.append(_cell(requirement_kind(requirement.kind), requirement, value))
        rows.append(row)
    rows.sort(key=lambda row: (-row.met, -row.match_percent, row.application.applied_at))
    for number, row in enumerate(rows, start=1):
        row.rank = number
    return columns, rows

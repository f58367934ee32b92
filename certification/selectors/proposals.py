"""
Improvement proposals (改进提案): who is expected to hand one in each quarter, who sees
whose, and a quarter's proposals with the people who have not submitted. One home for
"a supervisor sees their own teams' leads and QA".
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from certification.models import ImprovementProposal
from lms.models import Position, User
from lms.selectors.people import teams_visible_to

PROPOSING_POSITIONS = (Position.TEAM_LEAD, Position.QA)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarters_back(today: dt.date | None = None, count: int = 4) -> list[str]:
    """This quarter and the `count - 1` before it, newest first."""
    today = today or timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _i in range(count):
        quarters.append(f"{year}Q{quarter}")
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return quarters


def quarter_after(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[5])
    return f"{year + 1}Q1" if number == 4 else f"{year}Q{number + 1}"


def expected_to_propose(person) -> bool:
    """Management training asks team leads and QA specialists for a proposal a quarter."""
    return person.is_active and person.position in PROPOSING_POSITIONS


def may_review_proposals(viewer) -> bool:
    return viewer.is_authenticated and viewer.has_perm("certification.review_improvementproposal")


def proposal_authors_visible_to(viewer) -> QuerySet[User]:
    """
    The leads and QA specialists whose proposals the viewer sees: everyone's for those who
    see all staff; for a supervisor, the leads of their teams and the QA specialists of
    their teams or of none (QA work across the centre); otherwise only the viewer.
    """
    expected = User.objects.filter(is_active=True, position__in=PROPOSING_POSITIONS)
    if viewer.has_perm("lms.view_all_staff"):
        return expected
    if may_review_proposals(viewer):
        teams = teams_visible_to(viewer).values("pk")
        return expected.filter(
            Q(position=Position.TEAM_LEAD, team__in=teams)
            | Q(position=Position.TEAM_LEAD, led_teams__in=teams)
            | Q(position=Position.QA, team__in=teams)
            | Q(position=Position.QA, team__isnull=True)
        ).distinct()
    return expected.filter(pk=viewer.pk)


def proposals_visible_to(viewer) -> QuerySet[ImprovementProposal]:
    """The viewer's own proposals and those of the authors they see."""
    return ImprovementProposal.objects.filter(
        Q(author_id=viewer.pk) | Q(author__in=proposal_authors_visible_to(viewer).values("pk"))
    ).select_related("author", "author__team")


def may_review(viewer, proposal: ImprovementProposal) -> bool:
    """A reviewer reviews the proposals of the authors they see, never their own."""
    return (
        may_review_proposals(viewer)
        and proposal.author_id != viewer.pk
        and proposal_authors_visible_to(viewer).filter(pk=proposal.author_id).exists()
    )


@dataclass
class QuarterProposals:
    quarter: str
    proposals: list[ImprovementProposal]
    missing: list[User]
    counts: dict[str, int]
    mine: ImprovementProposal | None


def quarter_proposals(viewer, quarter: str) -> QuarterProposals:
    """
    A quarter's proposals the viewer sees, the expected authors in their sight who have not
    submitted, counts by status, and the viewer's own. Three queries for any number of
    people.
    """
    proposals = list(proposals_visible_to(viewer).filter(quarter=quarter))
    submitted = {p.author_id for p in proposals}
    missing = [
        person
        for person in proposal_authors_visible_to(viewer)
        .select_related("team")
        .order_by("position", "employee_no")
        if person.pk not in submitted
    ]
    counts = dict.fromkeys(ImprovementProposal.Status.values, 0)
    for proposal in proposals:
        counts[proposal.status] += 1
    mine = next((p for p in proposals if p.author_id == viewer.pk), None)
    return QuarterProposals(quarter, proposals, missing, counts, mine)


def adopted_proposal_counts(user_ids) -> dict[int, int]:
    """Adopted proposals per author (one query), the evidence the supervisor track counts."""
    rows = (
        ImprovementProposal.objects.filter(
            author_id__in=list(user_ids), status=ImprovementProposal.Status.ADOPTED
        )
        .values("author_id")
        .annotate(n=Count("pk"))
    )
    return {row["author_id"]: row["n"] for row in rows}

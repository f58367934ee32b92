"""
The demo's improvement proposals and internal selection (data/careers.yaml), written
through the real services so the audit trail and the notices are those a real quarter
leaves. Loaded once: a second run finds them and adds nothing.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from certification.models import (
    LEVEL_RANK,
    ImprovementProposal,
    OpeningApplication,
    PositionOpening,
    QADimension,
    QAScore,
)
from certification.requirements import requirement_kind
from certification.selectors.promotion import latest_qa_scores
from certification.selectors.proposals import quarters_back
from certification.services.openings import (
    application_decide,
    opening_apply,
    opening_close,
    opening_create,
)
from certification.services.proposals import (
    proposal_outcome_record,
    proposal_review,
    proposal_submit,
)
from lms.demo.data import DemoFile, entries, fields, known, of_type, one_of
from lms.models import Position

CAREERS_FILE = Path(__file__).parent / "data" / "careers.yaml"
PEOPLE = "lms/demo/data/people.yaml"


def careers_ensure(people: dict, today: dt.date | None = None, path: Path = CAREERS_FILE) -> None:
    today = today or timezone.localdate()
    data = DemoFile(path)
    reviewer = known(
        data.section("reviewer", str), people, data.where, "reviewer", defined_in=PEOPLE
    )
    if not ImprovementProposal.objects.exists():
        _proposals(data, people, reviewer, today)
    _qa_dimensions(data, people)
    if not PositionOpening.objects.exists():
        _openings(data, people, reviewer, today)


def _proposals(data, people, reviewer, today):
    quarters = quarters_back(today, 4)
    for where, entry in entries(data.section("proposals"), data.where.child("proposals")):
        item = fields(
            entry,
            where,
            required=("author", "quarters_ago", "title", "problem", "data", "proposal"),
            optional={"expected_effect": "", "review": "", "comment": "", "outcome": ""},
        )
        author = known(item["author"], people, where, "author", defined_in=PEOPLE)
        proposal = proposal_submit(
            author=author,
            quarter=quarters[one_of(item["quarters_ago"], range(4), where, "quarters_ago")],
            **{k: item[k] for k in ("title", "problem", "data", "proposal", "expected_effect")},
        )
        if item["review"]:
            one_of(item["review"], ("accept", "return", "adopt"), where, "review")
            proposal = proposal_review(
                proposal=proposal, by=reviewer, action=item["review"], comment=item["comment"]
            )
        if item["outcome"]:
            proposal_outcome_record(proposal=proposal, by=reviewer, outcome=item["outcome"])


def _qa_dimensions(data, people):
    here = data.where.child("qa_dimensions")
    wanted = {
        known(number, people, here, "person", defined_in=PEOPLE): of_type(
            scores, dict, here.child(number), "scores"
        )
        for number, scores in data.section("qa_dimensions", dict).items()
    }
    latest = latest_qa_scores([person.pk for person in wanted])
    for person, scores in wanted.items():
        score = latest.get(person.pk)
        if score is None or score.attitude is not None:
            continue
        for dimension, value in scores.items():
            one_of(dimension, QADimension, here, "dimension")
            setattr(score, dimension, Decimal(str(value)))
        QAScore.objects.filter(pk=score.pk).update(
            **{d: getattr(score, d) for d in QADimension.values}
        )


def _requirements(items, where) -> list:
    chosen = []
    for here, entry in entries(items, where.child("requirements")):
        requirement = fields(entry, here, required=("kind", "target"), optional={"option": ""})
        if requirement_kind(requirement["kind"]) is None:
            raise here.error(f"unknown requirement kind {requirement['kind']!r}")
        target = requirement["target"]
        if requirement["kind"] == "certification_level":
            target = LEVEL_RANK[one_of(target, tuple(LEVEL_RANK), here, "target")]
        chosen.append((requirement["kind"], requirement["option"], Decimal(str(target))))
    return chosen


def _openings(data, people, reviewer, today):
    from certification.selectors.proposals import quarter_of

    for where, entry in entries(data.section("openings"), data.where.child("openings")):
        item = fields(
            entry,
            where,
            required=("position", "closes_in_days", "requirements", "applicants"),
            optional={"places": 1, "description": "", "closed": False, "decisions": []},
        )
        opening = opening_create(
            by=reviewer,
            position=one_of(item["position"], Position, where, "position"),
            quarter=quarter_of(today),
            closes_on=today + dt.timedelta(days=item["closes_in_days"]),
            places=item["places"],
            description=item["description"],
            requirements=_requirements(item["requirements"], where),
        )
        for here, applicant in entries(item["applicants"], where.child("applicants")):
            applicant = fields(applicant, here, required=("person",), optional={"statement": ""})
            opening_apply(
                person=known(applicant["person"], people, here, "person", defined_in=PEOPLE),
                opening=opening,
                statement=applicant["statement"],
                today=today,
            )
        if item["closed"]:
            opening_close(opening=opening, by=reviewer)
        for here, decision in entries(item["decisions"], where.child("decisions")):
            decision = fields(decision, here, required=("person", "selected", "reason"))
            person = known(decision["person"], people, here, "person", defined_in=PEOPLE)
            application = OpeningApplication.objects.get(opening=opening, applicant=person)
            application_decide(
                application=application,
                by=reviewer,
                selected=decision["selected"],
                reason=decision["reason"],
            )

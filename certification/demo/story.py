"""
The demo centre's certification story from data/people.yaml: time in position, past results
and their certificates (current, lapsing, lapsed, superseded, one revoked), sign-ups for the
open cycle, QA scores, leads' recommendations and authored cases. Certificates are issued
through the real services, so serials, supersession and the audit trail are what production
would write. Each part looks for what exists first, so loading twice changes nothing.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from wagtail.models import ModelLogEntry, Page

from cases.models import CasePage, Channel
from certification.audit import CertAction
from certification.demo.levels import moment
from certification.models import (
    Certificate,
    Cycle,
    LevelCode,
    QAScore,
    Registration,
    Result,
)
from certification.selectors import registration_missing
from certification.services import (
    certificate_issue,
    certificate_revoke,
    recommendation_create,
    registration_create,
    result_record_exceptional,
)
from lms.audit import audit_trail
from lms.demo.data import DemoFile, entries, fields, known, of_type, one_of
from lms.models import Position
from lms.routing import pages_changed

STORY_FILE = Path(__file__).parent / "data" / "people.yaml"


class Story:
    """The file, checked, with people resolved to the demo centre's users by employee number."""

    def __init__(self, people: dict, path: Path = STORY_FILE):
        data = DemoFile(path)
        self.where = data.where
        self.people = people

        def person(number, where, key="person"):
            return known(number, people, where, key, defined_in="lms/demo/data/people.yaml")

        self.administrator = person(data.section("administrator", str), data.where, "administrator")
        here = data.where.child("in_position_days")
        self.in_position_days = {
            person(n, here): of_type(days, int, here.child(n), "days")
            for n, days in data.section("in_position_days", dict).items()
        }
        self.results = []  # (person, where, {cycles_ago, level, percent, exceptional, revoked})
        for number, history in data.section("results", dict).items():
            here = data.where.child(f"results › {number}")
            for where, entry in entries(history, here):
                result = fields(
                    entry,
                    where,
                    required=("cycles_ago", "level", "percent"),
                    optional={"exceptional": "", "revoked": ""},
                )
                one_of(result["level"], LevelCode, where, "level")
                one_of(result["cycles_ago"], (1, 2), where, "cycles_ago")
                result["percent"] = Decimal(str(of_type(result["percent"], int, where, "percent")))
                self.results.append((person(number, here), where, result))
        here = data.where.child("open_registrations")
        self.open_registrations = [
            (person(number, here.child(level)), one_of(level, LevelCode, here, "level"))
            for level, numbers in data.section("open_registrations", dict).items()
            for number in numbers
        ]
        here = data.where.child("qa_scores")
        self.qa_scores = {
            person(n, here): of_type(scores, list, here.child(n), "scores")
            for n, scores in data.section("qa_scores", dict).items()
        }
        self.recommendations = []
        for where, entry in entries(
            data.section("recommendations"), self.where.child("recommendations")
        ):
            rec = fields(entry, where, required=("person", "from", "to", "by", "note"))
            one_of(rec["from"], Position, where, "from")
            one_of(rec["to"], Position, where, "to")
            rec["person"], rec["by"] = person(rec["person"], where), person(rec["by"], where, "by")
            self.recommendations.append((where, rec))
        self.cases_authored = []
        for where, entry in entries(
            data.section("cases_authored"), self.where.child("cases_authored")
        ):
            owned = fields(entry, where, required=("person", "cases"), optional={"channels": []})
            for channel in owned["channels"]:
                one_of(channel, Channel, where, "channels")
            owned["person"] = person(owned["person"], where)
            self.cases_authored.append(owned)


def positions_since(story: Story, today: dt.date) -> None:
    for person, days in story.in_position_days.items():
        if person.position_since is None:
            person.position_since = today - dt.timedelta(days=days)
            person.save(update_fields=["position_since"])


def _result(person, cycle, data, *, levels, admin) -> Result:
    code, percent, reason = data["level"], data["percent"], data["exceptional"]
    passed = percent >= levels[code].exam.pass_mark_percent
    Registration.objects.get_or_create(
        user=person,
        cycle=cycle,
        level=code,
        defaults={"registered_at": moment(cycle.registration_opens + dt.timedelta(days=5))},
    )
    if reason:
        result = result_record_exceptional(
            user=person,
            cycle=cycle,
            level=code,
            passed=passed,
            percent=percent,
            reason=reason,
            actor=admin,
        )
        # Recorded a few days after the exam closed, as the administrator would have.
        when = moment(cycle.exam_closes + dt.timedelta(days=3), 15)
        Result.objects.filter(pk=result.pk).update(recorded_at=when)
        audit_trail(result).filter(action=CertAction.EXCEPTIONAL_RESULT).update(timestamp=when)
        return result
    return Result.objects.create(
        user=person,
        cycle=cycle,
        level=code,
        passed=passed,
        percent=percent,
        recorded_at=moment(cycle.exam_closes, 18),
    )


def _backdate_issue(certificate: Certificate, cycle: Cycle) -> None:
    """The audit trail says the certificate was issued when the cycle's results came out."""
    when = moment(cycle.results_published_on, 9)
    audit_trail(certificate).filter(action=CertAction.ISSUED).update(timestamp=when)
    ModelLogEntry.objects.filter(
        action=CertAction.SUPERSEDED, data__serial=certificate.serial
    ).update(timestamp=when)


def histories_ensure(story: Story, levels, past: dict[int, Cycle], admin) -> None:
    """Results and certificates of past cycles; a person with results is left as they are."""
    people = [person for person, _where, _result in story.results]
    with_results = set(Result.objects.filter(user__in=people).values_list("user_id", flat=True))
    # Cycle by cycle, oldest first: serials count up and later certificates supersede.
    for ago in sorted(past, reverse=True):
        cycle = past[ago]
        for person, _where, data in story.results:
            if data["cycles_ago"] != ago or person.pk in with_results:
                continue
            result = _result(person, cycle, data, levels=levels, admin=admin)
            if not result.passed:
                continue
            certificate = certificate_issue(result_id=result.pk, today=cycle.results_published_on)
            _backdate_issue(certificate, cycle)
            if data["revoked"]:
                certificate_revoke(certificate=certificate, actor=admin, reason=data["revoked"])


def open_registrations_ensure(story: Story, levels, cycle: Cycle, today: dt.date) -> None:
    """Sign-ups for the open cycle, through the real rules (prerequisites are checked)."""
    if not cycle.registration_is_open(today):
        return
    for person, code in story.open_registrations:
        if Registration.objects.filter(user=person, cycle=cycle, level=code).exists():
            continue
        if registration_missing(user=person, level=levels[code], today=today):
            continue  # loaded on another day: this person no longer qualifies
        registration_create(user=person, level=levels[code], today=today)


def quarters_before(today: dt.date, count: int = 2) -> list[str]:
    """The `count` quarters before today's, oldest first (e.g. 2026Q2, 2026Q3)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        periods.append(f"{year}Q{quarter}")
    return periods[::-1]


def qa_scores_ensure(story: Story, today: dt.date) -> None:
    scored = set(QAScore.objects.values_list("user_id", flat=True))
    rows = []
    for person, scores in story.qa_scores.items():
        periods = quarters_before(today, len(scores))
        if person.pk not in scored:
            rows += [
                QAScore(user=person, period=period, score=Decimal(str(score)))
                for period, score in zip(periods, scores, strict=True)
            ]
    QAScore.objects.bulk_create(rows)


def recommendations_ensure(story: Story, steps) -> None:
    for where, rec in story.recommendations:
        step = known((rec["from"], rec["to"]), steps, where, "from/to", defined_in="levels.yaml")
        recommendation_create(person=rec["person"], step=step, by=rec["by"], note=rec["note"])


def cases_assign(story: Story) -> None:
    """Give senior agents authorship of published demo cases (as if they had written them)."""
    for owned in story.cases_authored:
        owner, count = owned["person"], owned["cases"]
        if CasePage.objects.filter(owner=owner).exists():
            continue
        free = CasePage.objects.live().filter(owner__isnull=True).order_by("path")
        picked = list(
            free.filter(channel__in=owned["channels"]).values_list("pk", flat=True)[:count]
        )
        if len(picked) < count:
            rest = free.exclude(pk__in=picked).values_list("pk", flat=True)
            picked += list(rest[: count - len(picked)])
        Page.objects.filter(pk__in=picked).update(owner=owner)
        pages_changed()

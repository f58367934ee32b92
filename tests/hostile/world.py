"""
The academy the hostile-input test attacks: the shared academy (tests.conftest) with one of
everything a form or an API call can name — a lesson, a quiz with an attempt in progress,
a written reply waiting for a score, a notice, a case, a certification cycle with a rendered
certificate, a promotion step, a staff import.
"""

from dataclasses import dataclass

from certification.models import BulkIssue, Certificate, Cycle, LevelCode, TrackStep
from lms.models import (
    Attempt,
    AttemptItem,
    GoLiveState,
    GoLiveStatus,
    LessonPage,
    Notice,
    Position,
    Quiz,
    StaffImport,
)
from lms.services.quiz import attempt_start, attempt_submit
from tests.conftest import Academy, build_academy
from tests.factories import certification as cert
from tests.factories.cases import build_case
from tests.factories.learning import build_curriculum, build_quiz


@dataclass
class World:
    academy: Academy
    lesson: LessonPage
    quiz: Quiz
    attempt: Attempt  # agent_a's, in progress
    review_item: AttemptItem  # newhire_a's written reply, awaiting a score
    notice: Notice
    case: object
    cycle: Cycle
    certificate: Certificate  # agent_a's, rendered
    step: TrackStep
    staff_import: StaffImport
    bulk_issue: BulkIssue | None

    def ids(self) -> dict[str, int]:
        """The primary key each kind of path names, by the path's own word for it."""
        return {
            "person": self.academy.agent_a.pk,
            "newhire": self.academy.newhire_a.pk,  # ready to be signed off
            "lesson": self.lesson.pk,
            "quiz": self.quiz.pk,
            "attempt": self.attempt.pk,
            "item": self.review_item.pk,
            "notice": self.notice.pk,
            "case": self.case.pk,
            "cycle": self.cycle.pk,
            "certificate": self.certificate.pk,
            "staff_import": self.staff_import.pk,
        }


def build_world() -> World:
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=1)
    lesson = LessonPage.objects.descendant_of(curriculum).first()
    GoLiveStatus.objects.create(
        user=academy.newhire_a, curriculum=curriculum, state=GoLiveState.READY
    )
    quiz = build_quiz(singles=2, written=1, time_limit_minutes=None)
    attempt = attempt_start(user=academy.agent_a, quiz=quiz)
    written = build_quiz(singles=0, written=1, title="书面回复")
    handed = attempt_start(user=academy.newhire_a, quiz=written)
    item = handed.items.get()
    attempt_submit(
        attempt_id=handed.pk, user=academy.newhire_a, revision=0, answers={item.pk: "您好"}
    )
    notice = Notice.objects.create(
        user=academy.agent_a, key="hostile", kind="legacy", params={"title": "通知"}, url="/"
    )
    case = build_case(title="物流延误投诉")
    cycle = cert.cycle(2026, 2)
    cert.level(LevelCode.JUNIOR)
    cert.level(LevelCode.INTERMEDIATE)
    certificate = cert.certificate(academy.agent_a, cycle, LevelCode.JUNIOR)
    step = TrackStep.objects.create(
        from_position=Position.AGENT,
        to_position=Position.SENIOR_AGENT,
        kind=TrackStep.Kind.VERTICAL,
    )
    staff_import = StaffImport.objects.create(
        created_by=academy.admin, original_name="staff.csv", content=b"KF1,a"
    )
    return World(
        academy=academy,
        lesson=lesson,
        quiz=quiz,
        attempt=attempt,
        review_item=item,
        notice=notice,
        case=case,
        cycle=cycle,
        certificate=certificate,
        step=step,
        staff_import=staff_import,
        bulk_issue=BulkIssue.objects.filter(cycle=cycle).first(),
    )

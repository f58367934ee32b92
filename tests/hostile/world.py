"""
The academy the hostile-input test attacks: the shared academy (tests.conftest) with one of
everything a form or an API call can name — a lesson, a quiz with an attempt in progress,
a written reply waiting for a score, a notice, a case, a certification cycle with a rendered
certificate, a promotion step, a staff import.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.models import Product
from cases.practice.services import practice_run_start
from cases.refreshers.services import product_change_mark
from certification.models import (
    BulkIssue,
    Certificate,
    Cycle,
    LevelCode,
    OpeningApplication,
    TrackStep,
)
from certification.services.openings import opening_create
from certification.services.proposals import proposal_submit
from lms.models import (
    Attempt,
    AttemptItem,
    GoLiveState,
    GoLiveStatus,
    LessonCompletion,
    LessonPage,
    Notice,
    Position,
    Quiz,
    StaffImport,
)
from lms.services.quiz import attempt_start, attempt_submit
from tests.conftest import Academy, build_academy
from tests.factories import certification as cert
from tests.factories import practice
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
    simulation: object = None  # live, slug "parcel"
    practice_run: object = None  # agent_a's, open
    opening: object = None  # a QA opening, open
    application: object = None  # agent_a's, to that opening
    proposal: object = None  # lead_a's, awaiting review
    product: object = None  # 宽带套餐, its lesson the world's lesson
    product_change: object = None  # agent_a owes its refresher

    def ids(self) -> dict[str, int]:
        """The primary key each kind of path names, by the path's own word for it."""
        return {
            "person": self.academy.agent_a.pk,
            "newhire": self.academy.newhire_a.pk,  # ready to be signed off
            "lesson": self.lesson.pk,
            "module": self.lesson.get_parent().pk,
            "quiz": self.quiz.pk,
            "attempt": self.attempt.pk,
            "item": self.review_item.pk,
            "notice": self.notice.pk,
            "case": self.case.pk,
            "cycle": self.cycle.pk,
            "certificate": self.certificate.pk,
            "staff_import": self.staff_import.pk,
            "simulation": self.simulation.pk,
            "practice_run": self.practice_run.pk,
            "opening": self.opening.pk,
            "application": self.application.pk,
            "proposal": self.proposal.pk,
            "product": self.product.pk,
            "refresher": self.product_change.pk,  # a refresher's address names its change
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
    simulation = practice.simulation()
    practice_run = practice_run_start(user=academy.agent_a, simulation=simulation)
    opening = opening_create(
        by=academy.supervisor, position=Position.QA, quarter="2026Q4", requirements=[],
        closes_on=timezone.localdate() + dt.timedelta(days=10), description="质检专员",
    )  # fmt: skip
    application = OpeningApplication.objects.create(opening=opening, applicant=academy.agent_a)
    proposal = proposal_submit(
        author=academy.lead_a, title="产品类工单直派", problem="多转派", data="1,284单",
        proposal="直派产品部门", expected_effect="少转派",
    )  # fmt: skip
    LessonCompletion.objects.create(user=academy.agent_a, lesson=lesson)
    product = Product.objects.create(name="宽带套餐")
    product.lessons.set([lesson])
    product_change = product_change_mark(
        product=product, summary="资费调整", lessons=[lesson], questions=[], due_days=7,
        by=academy.trainer, now=timezone.now() + dt.timedelta(seconds=1),
    )  # fmt: skip
    return World(
        academy=academy,
        product=product,
        product_change=product_change,
        simulation=simulation,
        practice_run=practice_run,
        opening=opening,
        application=application,
        proposal=proposal,
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

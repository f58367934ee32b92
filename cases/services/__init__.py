"""Changing the case library: reading, the weekly edition, self-check quizzes; producing
cases at the weekly pace is in cases.services.production."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from cases.models import CasePage, CaseRead, CaseWeek, SecondPersonApprovalTask
from cases.selectors import cases_published_in_week, week_start_of
from lms.models import Quiz, QuizSection, User
from lms.roles import Role
from lms.routing import pages_changed
from lms.services.notices import notices_send


def case_mark_read(*, user, case: CasePage) -> CaseRead:
    """Mark a case read; get_or_create absorbs a double click racing on the unique row."""
    return CaseRead.objects.get_or_create(user=user, case=case)[0]


def case_week_open(*, now=None) -> CaseWeek | None:
    """
    Open this week's edition (本周案例) and announce it once: an in-app notice for every
    active person and an e-mail to those with an address. Running it again in the same
    week, or on two workers at once, announces nothing twice: the week is unique and the
    announcement is claimed with a conditional update.
    """
    now = now or timezone.now()
    week_start = week_start_of(timezone.localdate(now))
    week, _created = CaseWeek.objects.get_or_create(week_start=week_start)
    cases = list(cases_published_in_week(week_start))
    if not cases:
        return week  # nothing to announce yet; a later run this week will
    with transaction.atomic():
        claimed = CaseWeek.objects.filter(pk=week.pk, announced_at__isnull=True).update(
            announced_at=now
        )
        if not claimed:
            return week
        return _announce(week, cases)


def _announce(week: CaseWeek, cases) -> CaseWeek:
    """A notice for every active person (kind case_week, cases.plugins), mailed through the
    core's outbox after the commit; each reads it in their own language."""
    notices_send(
        users=User.objects.filter(is_active=True).values_list("pk", flat=True),
        kind="case_week",
        key=f"case_week:{week.week_start}",
        params={"count": len(cases), "cases": [case.title for case in cases]},
        url=reverse("cases:week"),
    )
    return week


def case_check_quiz(case: CasePage) -> Quiz | None:
    """
    The self-check quiz made from a case's check questions: created the first time, kept
    on the case, and brought up to date when the trainer changes the questions.
    """
    question_ids = []
    for block in case.body:
        if block.block_type == "check_questions":
            question_ids.extend(question.pk for question in block.value if question)
    if not question_ids:
        return None
    with transaction.atomic():
        quiz = case.check_quiz
        if quiz is None:
            quiz = Quiz.objects.create(
                title=(_("Case check: %(title)s") % {"title": case.title})[:120],
                time_limit_minutes=None,
                pass_mark_percent=60,
                shuffle_questions=False,
                review_when=Quiz.ReviewWhen.AFTER_SUBMIT,
                review_shows_answers=True,
            )
            CasePage.objects.filter(pk=case.pk).update(check_quiz=quiz)
            pages_changed()  # the case page offers its check from the next request
        current = list(quiz.sections.order_by("sort_order").values_list("question_id", flat=True))
        if current != question_ids:
            quiz.sections.all().delete()
            QuizSection.objects.bulk_create(
                QuizSection(quiz=quiz, question_id=qid, sort_order=i)
                for i, qid in enumerate(question_ids)
            )
    return quiz


REVIEW_WORKFLOW_NAME = "案例审核"


@transaction.atomic
def case_review_workflow_ensure(library) -> None:
    """
    The library's review workflow (idempotent): QA or an administrator approves each case,
    and never the person who submitted it.
    """
    workflow, created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    if created:
        task = SecondPersonApprovalTask.objects.create(name=_("Second-person review"))
        task.groups.set(Group.objects.filter(name__in=[Role.QA.value, Role.ADMINISTRATOR.value]))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=library, defaults={"workflow": workflow})

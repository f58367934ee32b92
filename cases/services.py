"""Changing the case library: reading, the weekly edition, self-check quizzes."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from cases.models import CasePage, CaseRead, CaseWeek, SecondPersonApprovalTask
from cases.selectors import cases_published_in_week, week_start_of
from lms.models import Notice, Quiz, QuizSection, User
from lms.roles import Role


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
    # Written once for everyone, in the centre's language, whatever the worker had active.
    with translation.override(settings.LANGUAGE_CODE):
        return _announce_in_active_language(week, cases)


def _announce_in_active_language(week: CaseWeek, cases) -> CaseWeek:
    week_start = week.week_start
    title = _("This week's cases: %(count)s new front-line cases") % {"count": len(cases)}
    url = reverse("cases:week")
    people = list(User.objects.filter(is_active=True).only("pk", "email"))
    Notice.objects.bulk_create(
        [
            Notice(user=person, key=f"case_week:{week_start}", title=title, url=url)
            for person in people
        ],
        ignore_conflicts=True,
    )
    lines = "\n".join(f"· {case.title}" for case in cases)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    body = _("This week's cases are online:\n\n%(cases)s\n\nRead them in the academy: %(link)s") % {
        "cases": lines,
        "link": link,
    }
    messages = [
        (title, body, settings.DEFAULT_FROM_EMAIL, [person.email])
        for person in people
        if person.email
    ]
    if messages:
        # After the commit, so a rolled-back run sends nothing; the in-app notices stand
        # even if the mail server is down.
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
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

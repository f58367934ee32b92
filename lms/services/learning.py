"""Learners' progress through lessons, and enrolling people in curricula."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import CurriculumKind, Enrolment, LessonCompletion, LessonPage, User
from lms.refusals import Refused
from lms.selectors.course import module_lock
from lms.services.golive import golive_status_ensure


def lesson_complete(
    *, user, lesson: LessonPage, now: dt.datetime | None = None
) -> LessonCompletion:
    """
    Mark a lesson read. The first time makes the person's one completion of it (completed_at
    and read_at both `now`); each later time is a re-read and moves only read_at on, which
    recurring training asks for once a round (lms.selectors.recurring). Two marks at once
    keep one row: the losing insert meets the unique constraint and becomes a re-read, and
    read_at never moves back. A lesson of a module still locked behind an earlier module's
    quiz cannot be read yet.
    """
    lock = module_lock(user=user, module=lesson.get_parent())
    if lock is not None:
        raise Refused(
            "module_locked",
            _("This module opens once you have passed “%(quiz)s” in “%(module)s”.")
            % {"quiz": lock.quiz.title, "module": lock.module_title},
        )
    now = now or timezone.now()
    completion, created = LessonCompletion.objects.get_or_create(
        user=user, lesson=lesson, defaults={"completed_at": now, "read_at": now}
    )
    # Conditional: of two re-reads at once, the later time stays.
    if not created and LessonCompletion.objects.filter(pk=completion.pk, read_at__lt=now).update(
        read_at=now
    ):
        completion.read_at = now
    return completion


def enrolment_people(enrolment: Enrolment):
    if enrolment.user_id:
        return User.objects.filter(pk=enrolment.user_id)
    if enrolment.team_id:
        return User.objects.filter(team_id=enrolment.team_id, is_active=True)
    return enrolment.cohort.members.filter(is_active=True)


@transaction.atomic
def enrolment_create(**fields) -> Enrolment:
    """Assign a curriculum; for onboarding, start tracking each new hire's go-live."""

    enrolment = Enrolment(**fields)
    enrolment.full_clean()
    enrolment.save()
    enrolment_sync_golive(enrolment)
    return enrolment


def enrolment_sync_golive(enrolment: Enrolment) -> None:
    """
    New hires arrive in cohorts (or one by one): their onboarding enrolment starts the
    go-live check. A whole team enrolled in onboarding material (a refresher) is already on
    the floor, so a team enrolment starts no go-live checks.
    """
    if enrolment.curriculum.kind != CurriculumKind.ONBOARDING or enrolment.team_id:
        return
    for person in enrolment_people(enrolment):
        golive_status_ensure(user=person, curriculum=enrolment.curriculum)

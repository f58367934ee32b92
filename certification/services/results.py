"""
Results: the exam attempt that counts decides a person's result at a level in a cycle;
an administrator may record an exceptional one instead. A pass queues the certificate.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import PracticeRun
from certification.audit import CertAction
from certification.models import Certificate, Cycle, Level, Registration, Result
from certification.selectors import exam_attempts, exam_practice_pass
from lms.audit import audit_record
from lms.models import Attempt
from lms.queue import enqueue
from lms.refusals import Refused
from lms.selectors.quiz import quiz_result


def exam_result_follow(sender, attempt: Attempt, **kwargs) -> None:
    """
    Receiver of lms.signals.attempt_graded: if the quiz is a certification exam, bring the
    result up to date once the grade is committed. One cheap query for other quizzes; a
    failure here is logged and never undoes or hides the grade the learner already has.
    """
    if not Level.objects.filter(exam_id=attempt.quiz_id).exists():
        return
    attempt_id = attempt.pk
    transaction.on_commit(lambda: result_record_from_attempt(attempt_id), robust=True)


def exam_practice_follow(sender, run: PracticeRun, **kwargs) -> None:
    """
    Receiver of cases.signals.practice_run_scored: if the simulation is a level's exam
    conversation, bring the results up to date once the run's score is committed.
    """
    if run.finished_at is None:
        return
    if not Level.objects.filter(simulation_id=run.simulation_id).exists():
        return
    run_id = run.pk
    transaction.on_commit(lambda: result_record_from_practice(run_id), robust=True)


def result_record_from_attempt(attempt_id: int) -> Result | None:
    """The result an exam attempt concerns, brought up to date after it was graded."""
    attempt = Attempt.objects.select_related("user").get(pk=attempt_id)
    levels = {
        level.code: level
        for level in Level.objects.filter(exam_id=attempt.quiz_id).select_related("exam")
    }
    if not levels:
        return None
    started = timezone.localdate(attempt.started_at)
    registration = (
        Registration.objects.filter(
            user=attempt.user,
            level__in=list(levels),
            cycle__exam_opens__lte=started,
            cycle__exam_closes__gte=started,
        )
        .select_related("cycle")
        .first()
    )
    if registration is None:
        return None
    return result_record(
        user=attempt.user, level=levels[registration.level], cycle=registration.cycle
    )


def result_record_from_practice(run_id: int) -> list[Result]:
    """The results a finished exam conversation concerns, brought up to date."""
    run = PracticeRun.objects.select_related("user").get(pk=run_id)
    if run.finished_at is None:
        return []
    levels = {
        level.code: level
        for level in Level.objects.filter(simulation_id=run.simulation_id).select_related("exam")
    }
    finished = timezone.localdate(run.finished_at)
    registrations = Registration.objects.filter(
        user=run.user,
        level__in=list(levels),
        cycle__exam_opens__lte=finished,
        cycle__exam_closes__gte=finished,
    ).select_related("cycle")
    results = [
        result_record(user=run.user, level=levels[registration.level], cycle=registration.cycle)
        for registration in registrations
    ]
    return [result for result in results if result is not None]


def result_record(*, user, level: Level, cycle: Cycle) -> Result | None:
    """
    Bring a person's result at a level in a cycle up to date: the exam attempt that counts
    under the quiz's grading rule, among this cycle's attempts, decides, and where the
    level names a practice conversation, a passed run of it among the person's first tries
    in the exam window (as many as the quiz's attempt limit) is needed too. No result
    before an attempt counts. An exceptional result recorded by an administrator is never
    overwritten by the exam.
    """
    with transaction.atomic():
        # One at a time per person, cycle and level, and read only once in line: a graded
        # attempt and a finished run following at once must not write back what the other
        # had not yet seen.
        Registration.objects.select_for_update().filter(
            user=user, cycle=cycle, level=level.code
        ).first()
        counted = quiz_result(
            user=user,
            quiz=level.exam,
            attempts=exam_attempts(user=user, quiz=level.exam, cycle=cycle),
        ).counted
        if counted is None:
            return None
        # Only a pass among the person's first tries in the window counts (see
        # certification.selectors.ExamPracticeTries): replaying is practice, not an exam.
        practice_id = exam_practice_pass(user=user, level=level, cycle=cycle)
        passed = bool(counted.passed) and (level.simulation_id is None or practice_id is not None)
        follows = {
            "passed": passed,
            "percent": counted.percent,
            "attempt": counted,
            "practice_run_id": practice_id,
        }
        result, created = Result.objects.select_for_update().get_or_create(
            user=user, cycle=cycle, level=level.code, defaults=follows
        )
        # A certificate once issued stays: a later, worse attempt under "last attempt
        # counts" does not take back a pass that was already certified.
        changed = (result.passed, result.percent, result.attempt_id, result.practice_run_id) != (
            passed,
            counted.percent,
            counted.pk,
            practice_id,
        )
        if (
            not created
            and result.source == Result.Source.EXAM
            and changed
            and not Certificate.objects.filter(result=result).exists()
        ):
            for field, value in follows.items():
                setattr(result, field, value)
            result.recorded_at = timezone.now()
            result.save(update_fields=[*follows, "recorded_at"])
        if result.passed:
            result_issue_on_commit(result)
    return result


@transaction.atomic
def result_record_exceptional(
    *, user, cycle: Cycle, level: str, passed: bool, percent: Decimal, reason: str, actor
) -> Result:
    """An administrator's result outside the exam (a paper sitting, an appeal), audited."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("Give the reason for an exceptional result."))
    if not actor.has_perm("certification.record_exceptional_result"):
        raise Refused("forbidden", _("You may not record exceptional results."))
    if actor.pk == user.pk:
        raise Refused("own_result", _("Nobody records their own result."))
    existing = (
        Result.objects.select_for_update().filter(user=user, cycle=cycle, level=level).first()
    )
    if existing:
        issued = Certificate.objects.filter(result=existing)
        if issued.filter(revoked_at=None).exists():
            raise Refused(
                "already_issued",
                _("A certificate was already issued for this result; revoke it first."),
            )
        # A revoked certificate stays on record as it was; the new result may issue anew.
        issued.update(result=None)
    result, _created = Result.objects.update_or_create(
        user=user,
        cycle=cycle,
        level=level,
        defaults={
            "passed": passed,
            "percent": percent,
            "source": Result.Source.EXCEPTIONAL,
            "attempt": None,
            "reason": reason,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    audit_record(
        result,
        CertAction.EXCEPTIONAL_RESULT,
        actor=actor,
        cycle=cycle.code,
        level=str(level),
        passed=bool(passed),
        percent=str(percent),
        reason=reason,
    )
    if passed:
        result_issue_on_commit(result)
    return result


def result_issue_on_commit(result: Result) -> None:
    """Queue the certificate of a passed result once the result is committed."""
    result_id = result.pk
    transaction.on_commit(lambda: enqueue("certification.tasks.certificate_issue", result_id))

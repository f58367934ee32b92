"""
Results: the exam attempt that counts decides a person's result at a level in a cycle;
an administrator may record an exceptional one instead. A pass queues the certificate.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.audit import CertAction
from certification.models import Certificate, Cycle, Level, Registration, Result
from certification.selectors import exam_attempts
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


def result_record_from_attempt(attempt_id: int) -> Result | None:
    """
    Bring the person's result up to date after an exam attempt was graded: the attempt
    that counts under the quiz's grading rule, among this cycle's attempts, decides. An
    exceptional result recorded by an administrator is never overwritten by the exam.
    """
    attempt = Attempt.objects.select_related("quiz", "user").get(pk=attempt_id)
    levels = list(Level.objects.filter(exam=attempt.quiz))
    if not levels:
        return None
    started = timezone.localdate(attempt.started_at)
    registration = (
        Registration.objects.filter(
            user=attempt.user,
            level__in=[level.code for level in levels],
            cycle__exam_opens__lte=started,
            cycle__exam_closes__gte=started,
        )
        .select_related("cycle")
        .first()
    )
    if registration is None:
        return None
    cycle = registration.cycle
    counted = quiz_result(
        user=attempt.user,
        quiz=attempt.quiz,
        attempts=exam_attempts(user=attempt.user, quiz=attempt.quiz, cycle=cycle),
    ).counted
    if counted is None:
        return None
    with transaction.atomic():
        result, created = Result.objects.select_for_update().get_or_create(
            user=attempt.user,
            cycle=cycle,
            level=registration.level,
            defaults={"passed": counted.passed, "percent": counted.percent, "attempt": counted},
        )
        # A certificate once issued stays: a later, worse attempt under "last attempt
        # counts" does not take back a pass that was already certified.
        if (
            not created
            and result.source == Result.Source.EXAM
            and result.attempt_id != counted.pk
            and not Certificate.objects.filter(result=result).exists()
        ):
            result.passed, result.percent, result.attempt = (
                counted.passed,
                counted.percent,
                counted,
            )
            result.recorded_at = timezone.now()
            result.save(update_fields=["passed", "percent", "attempt", "recorded_at"])
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

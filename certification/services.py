"""
Certification rules, each in one place: who may register and sit an exam, how a result
follows from the exam attempts, issuing (exactly once), rendering, revoking, superseding
and lapse reminders.
"""

import datetime as dt
import hashlib
import logging
import secrets
from base64 import b32encode
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from certification.models import (
    LEVEL_NAME_EN,
    LEVEL_NAME_ZH,
    LEVEL_RANK,
    LEVEL_SERIAL,
    BulkIssue,
    Certificate,
    CertificationEvent,
    Cycle,
    Level,
    LevelCode,
    Registration,
    Result,
    certificate_status,
)
from certification.selectors import Standing, standing_of, tenure_months
from lms.memo import LocalMemo
from lms.models import Attempt, Notice

log = logging.getLogger(__name__)

# Bump when the certificate's look changes; issued certificates keep the version they had.
TEMPLATE_VERSION = "2026.1"


class CertificationRefused(Exception):
    """A request the certification rules do not allow; `message` is for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _audit(kind, *, user, certificate=None, actor=None, detail=""):
    CertificationEvent.objects.create(
        kind=kind,
        user=user,
        certificate=certificate,
        actor=actor,
        actor_name=actor.get_full_name() if actor else "",
        detail=detail,
    )


# --- Cycles and registration ------------------------------------------------------------


def cycle_open_for_registration(today: dt.date | None = None) -> Cycle | None:
    today = today or timezone.localdate()
    return Cycle.objects.filter(
        registration_opens__lte=today, registration_closes__gte=today
    ).first()


def cycle_with_open_exam(today: dt.date | None = None) -> Cycle | None:
    today = today or timezone.localdate()
    return Cycle.objects.filter(exam_opens__lte=today, exam_closes__gte=today).first()


def registration_missing(*, user, level: Level, today: dt.date, certificates=None) -> list[str]:
    """What stands between this person and registering for `level` (empty: may register)."""
    if certificates is None:
        certificates = list(Certificate.objects.filter(user=user))
    standing = standing_of(certificates, today)
    missing = []
    if standing.rank > level.rank:
        missing.append(
            _("You already hold the higher %(level)s certification")
            % {"level": standing.level_name}
        )
    elif standing.rank == level.rank and standing.status == Standing.VALID:
        # Recertifying is for a certificate about to lapse, not one with a year to run.
        missing.append(
            _("You hold this certification until %(date)s; register again closer to then")
            % {"date": standing.certificate.expires_on.isoformat()}
        )
    if level.required_level and standing.rank < LEVEL_RANK[level.required_level]:
        missing.append(
            _("A valid %(level)s certification") % {"level": LevelCode(level.required_level).label}
        )
    months = tenure_months(user.hire_date, today)
    if months < level.min_tenure_months:
        missing.append(
            _("%(required)s months since hire (now %(months)s)")
            % {"required": level.min_tenure_months, "months": months}
        )
    return missing


def registration_create(*, user, level: Level, today: dt.date | None = None) -> Registration:
    """Register for a level in the cycle whose registration is open; twice is once."""
    today = today or timezone.localdate()
    cycle = cycle_open_for_registration(today)
    if cycle is None:
        raise CertificationRefused(_("Registration is not open at the moment."))
    missing = registration_missing(user=user, level=level, today=today)
    if missing:
        raise CertificationRefused(
            _("You cannot register for this level yet: %(missing)s.")
            % {"missing": "；".join(missing)}
        )
    return Registration.objects.get_or_create(user=user, cycle=cycle, level=level.code)[0]


@dataclass
class ExamRules:
    """What certification adds to a quiz's own rules (nothing for a quiz that is no exam)."""

    refusal: str | None = None
    # Attempts before this moment belong to earlier cycles: they neither use up this
    # cycle's attempts nor count towards its result.
    counts_from: dt.datetime | None = None


def _exam_window(cycle: Cycle) -> tuple[dt.datetime, dt.datetime]:
    """The exam window as moments: from the first day's start to the last day's end."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(cycle.exam_opens, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(cycle.exam_closes + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def exam_rules(*, user, quiz, now=None) -> ExamRules:
    """
    The certification rules for `quiz` now. An exam opens only in a cycle's exam window, to
    people registered for its level in that cycle, and only that window's attempts count.
    """
    levels = [level.code for level in Level.objects.filter(exam=quiz)]
    if not levels:
        return ExamRules()
    today = timezone.localdate(now or timezone.now())
    cycle = cycle_with_open_exam(today)
    if cycle is None:
        return ExamRules(refusal=_("This certification exam is not open at the moment."))
    counts_from = _exam_window(cycle)[0]
    if not Registration.objects.filter(user=user, cycle=cycle, level__in=levels).exists():
        return ExamRules(
            refusal=_("Register for this level in %(cycle)s before taking the exam.")
            % {"cycle": cycle.label},
            counts_from=counts_from,
        )
    return ExamRules(counts_from=counts_from)


# --- Results ------------------------------------------------------------------------------


def _exam_attempts(*, user, quiz, cycle: Cycle) -> list[Attempt]:
    start, end = _exam_window(cycle)
    return list(
        Attempt.objects.filter(
            user=user, quiz=quiz, started_at__gte=start, started_at__lt=end
        ).order_by("number")
    )


def exam_result_follow(attempt: Attempt) -> None:
    """
    After any graded attempt: if its quiz is a certification exam, bring the result up to
    date once the grade is committed. One cheap query for other quizzes; a failure here is
    logged and never undoes or hides the grade the learner already has.
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
    from lms.services.quiz import quiz_result

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
        attempts=_exam_attempts(user=attempt.user, quiz=attempt.quiz, cycle=cycle),
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
            _enqueue_issue(result)
    return result


@transaction.atomic
def result_record_exceptional(
    *, user, cycle: Cycle, level: str, passed: bool, percent: Decimal, reason: str, actor
) -> Result:
    """An administrator's result outside the exam (a paper sitting, an appeal), audited."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificationRefused(_("Give the reason for an exceptional result."))
    if not actor.has_perm("certification.record_exceptional_result"):
        raise CertificationRefused(_("You may not record exceptional results."))
    if actor.pk == user.pk:
        raise CertificationRefused(_("Nobody records their own result."))
    existing = (
        Result.objects.select_for_update().filter(user=user, cycle=cycle, level=level).first()
    )
    if existing:
        issued = Certificate.objects.filter(result=existing)
        if issued.filter(revoked_at=None).exists():
            raise CertificationRefused(
                _("A certificate was already issued for this result; revoke it first.")
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
    _audit(
        CertificationEvent.Kind.RESULT_EXCEPTIONAL,
        user=user,
        actor=actor,
        detail=f"{cycle.code} {level} {'passed' if passed else 'failed'} {percent}%: {reason}",
    )
    if passed:
        _enqueue_issue(result)
    return result


def _enqueue_issue(result: Result) -> None:
    result_id = result.pk
    transaction.on_commit(lambda: _enqueue("certification.tasks.certificate_issue", result_id))


# --- Issuing --------------------------------------------------------------------------


def verification_code_new() -> str:
    """160 random bits in lower-case base32: 32 characters, easy to type from paper."""
    return b32encode(secrets.token_bytes(20)).decode().lower()


def verification_url(code: str) -> str:
    """The absolute public address that verifies a certificate (printed and in the QR)."""
    path = reverse("certification:verify", args=[code])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _serial(cycle: Cycle, level: str) -> str:
    prefix = f"{LEVEL_SERIAL[level]}-{cycle.code}-"
    last = (
        Certificate.objects.filter(serial__startswith=prefix)
        .order_by("-serial")
        .values_list("serial", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def certificate_issue(
    *, result_id: int, today: dt.date | None = None, render: bool = True
) -> Certificate | None:
    """
    Issue the certificate for a passed result, exactly once: a retried job or a second
    worker finds the certificate already there (a revoked one included: a revoked pass
    issues nothing until an administrator records a new result). Earlier certificates of
    the person at the same or a lower level are superseded. The PDF is rendered afterwards
    in the background (`render=False` when the caller queues the renders itself).
    """
    today = today or timezone.localdate()
    result = Result.objects.select_related("user", "cycle").get(pk=result_id)
    if not result.passed:
        return None
    try:
        with transaction.atomic():
            # Serial numbers count per cycle and level: one issuer at a time per cycle.
            cycle = Cycle.objects.select_for_update().get(pk=result.cycle_id)
            existing = (
                Certificate.objects.filter(result=result).first()
                or Certificate.objects.filter(
                    user=result.user, cycle=cycle, level=result.level, revoked_at=None
                ).first()
            )
            if existing:
                return existing
            certificate = Certificate.objects.create(
                serial=_serial(cycle, result.level),
                verification_code=verification_code_new(),
                user=result.user,
                cycle=cycle,
                level=result.level,
                result=result,
                holder_name=result.user.get_full_name(),
                holder_employee_no=result.user.employee_no or "",
                level_name_zh=LEVEL_NAME_ZH[result.level],
                level_name_en=LEVEL_NAME_EN[result.level],
                cycle_name_zh=cycle.name_zh,
                cycle_name_en=cycle.name_en,
                percent=result.percent,
                issued_on=today,
                expires_on=cycle.valid_until,
                template_version=TEMPLATE_VERSION,
                issuer_name=settings.ACADEMY_NAME,
            )
            _audit(
                CertificationEvent.Kind.ISSUED,
                user=result.user,
                certificate=certificate,
                detail=certificate.serial,
            )
            _supersede_earlier(certificate)
            if render:
                certificate_id = certificate.pk
                transaction.on_commit(lambda: _enqueue_render(certificate_id), robust=True)
    except IntegrityError:
        # Two issuers raced past the checks (SQLite has no row locks): the first one won.
        return Certificate.objects.get(
            user=result.user, cycle=result.cycle, level=result.level, revoked_at=None
        )
    return certificate


def _enqueue(func_path: str, *args) -> None:
    from lms.tasks import enqueue

    enqueue(func_path, *args)


def _enqueue_render(certificate_id: int) -> None:
    _enqueue("certification.tasks.certificate_render", certificate_id)


def _supersede_earlier(certificate: Certificate) -> None:
    """Mark the person's earlier current certificates at this level or below superseded."""
    rank = LEVEL_RANK[certificate.level]
    cycle = certificate.cycle
    earlier = (
        Certificate.objects.filter(
            user=certificate.user,
            revoked_at=None,
            superseded_by=None,
            level__in=[code for code, r in LEVEL_RANK.items() if r <= rank],
        )
        .filter(
            Q(cycle__year__lt=cycle.year) | Q(cycle__year=cycle.year, cycle__half__lte=cycle.half)
        )
        .exclude(pk=certificate.pk)
    )
    for old in earlier:
        old.superseded_by = certificate
        old.save(update_fields=["superseded_by"])
        _audit(
            CertificationEvent.Kind.SUPERSEDED,
            user=old.user,
            certificate=old,
            detail=certificate.serial,
        )
        _verification_cache_clear_on_commit(old)


# --- Rendering ------------------------------------------------------------------------------


def _claim_window() -> dt.timedelta:
    # A claimed render is someone else's for this long (well past the render time limit).
    return dt.timedelta(seconds=2 * settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS + 30)


def certificate_render(*, certificate_id: int, now=None) -> Certificate | None:
    """
    Render and store the certificate's PDF once. A worker first claims the certificate in
    one UPDATE, so a second worker given the same job skips it; the render itself runs
    outside any transaction (it takes a tenth of a second to seconds, and SQLite would
    hold its write lock that long). A failure is recorded on the certificate, which stays
    intact, and retried by the sweeper until the attempts run out.
    """
    from certification.rendering import certificate_pdf

    now = now or timezone.now()
    claimed = (
        Certificate.objects.filter(pk=certificate_id, render_state=Certificate.RenderState.PENDING)
        .filter(Q(render_tried_at__isnull=True) | Q(render_tried_at__lt=now - _claim_window()))
        .update(render_tried_at=now)
    )
    if not claimed:
        return None  # already rendered, given up on, or being rendered right now
    certificate = Certificate.objects.get(pk=certificate_id)
    try:
        pdf = certificate_pdf(certificate)
    except Exception as exc:
        log.exception("certificate %s failed to render", certificate.serial)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        attempts = certificate.render_attempts + 1
        gave_up = attempts >= settings.CERTIFICATE_RENDER_MAX_ATTEMPTS
        with transaction.atomic():
            Certificate.objects.filter(pk=certificate_id).update(
                render_attempts=attempts,
                render_error=error,
                render_state=Certificate.RenderState.FAILED
                if gave_up
                else Certificate.RenderState.PENDING,
            )
            if gave_up:
                _audit(
                    CertificationEvent.Kind.RENDER_FAILED,
                    user=certificate.user,
                    certificate=certificate,
                    detail=error,
                )
        certificate.refresh_from_db()
        return certificate
    name = certificate.pdf.storage.save(
        f"certificates/{certificate.serial}-{certificate.verification_code[:8]}.pdf",
        ContentFile(pdf),
    )
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate_id).update(
            pdf=name,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            render_state=Certificate.RenderState.READY,
            render_attempts=certificate.render_attempts + 1,
            render_error="",
        )
        _audit(CertificationEvent.Kind.RENDERED, user=certificate.user, certificate=certificate)
        _verification_cache_clear_on_commit(certificate)
    certificate.refresh_from_db()
    return certificate


def certificates_render_pending(now=None) -> int:
    """
    The sweeper: queue a render for every certificate still waiting (after a crash or a
    failed try, once the back-off has passed). Returns how many were queued.
    """
    now = now or timezone.now()
    backoff = dt.timedelta(seconds=settings.CERTIFICATE_RENDER_RETRY_SECONDS)
    waiting = Certificate.objects.filter(render_state=Certificate.RenderState.PENDING).filter(
        Q(render_tried_at__isnull=True, created_at__lt=now - dt.timedelta(minutes=1))
        | Q(render_tried_at__lt=now - backoff)
    )
    ids = list(waiting.values_list("pk", flat=True)[:500])
    for certificate_id in ids:
        _enqueue_render(certificate_id)
    return len(ids)


def certificate_render_again(*, certificate: Certificate, actor) -> None:
    """An administrator retries a failed render (after fixing fonts, say); audited."""
    with transaction.atomic():
        again = Certificate.objects.filter(
            pk=certificate.pk, render_state=Certificate.RenderState.FAILED
        ).update(
            render_state=Certificate.RenderState.PENDING, render_attempts=0, render_tried_at=None
        )
        if again:
            _audit(
                CertificationEvent.Kind.RENDER_REQUESTED,
                user=certificate.user,
                certificate=certificate,
                actor=actor,
            )
            certificate_id = certificate.pk
            transaction.on_commit(lambda: _enqueue_render(certificate_id))


# --- Bulk issue at the close of a cycle -----------------------------------------------------


def cycle_bulk_issue_start(*, cycle: Cycle, actor) -> BulkIssue:
    """Queue issuing and rendering every certificate of the cycle; progress is visible."""
    with transaction.atomic():
        running = BulkIssue.objects.filter(
            cycle=cycle, status__in=[BulkIssue.Status.QUEUED, BulkIssue.Status.RUNNING]
        ).first()
        if running:
            return running
        bulk = BulkIssue.objects.create(cycle=cycle, started_by=actor)
        bulk_id = bulk.pk
        transaction.on_commit(lambda: _enqueue("certification.tasks.cycle_bulk_issue", bulk_id))
    return bulk


def cycle_bulk_issue_run(*, bulk_id: int, chunk: int = 25) -> BulkIssue | None:
    """
    Issue every passed result of the cycle that has no certificate yet, then hand the
    rendering to the queue in chunks, so every worker of the cluster renders in parallel.
    Progress is read from the certificates themselves (see `bulk_issue_progress`).
    """
    claimed = BulkIssue.objects.filter(pk=bulk_id, status=BulkIssue.Status.QUEUED).update(
        status=BulkIssue.Status.RUNNING
    )
    if not claimed:
        return None
    bulk = BulkIssue.objects.select_related("cycle").get(pk=bulk_id)
    try:
        waiting = Result.objects.filter(cycle=bulk.cycle, passed=True, certificate__isnull=True)
        for result_id in waiting.values_list("pk", flat=True).iterator():
            certificate_issue(result_id=result_id, render=False)
        pending = list(
            Certificate.objects.filter(
                cycle=bulk.cycle, render_state=Certificate.RenderState.PENDING
            ).values_list("pk", flat=True)
        )
        BulkIssue.objects.filter(pk=bulk_id).update(
            total=Certificate.objects.filter(cycle=bulk.cycle).count()
        )
        for start in range(0, len(pending), chunk):
            _enqueue(
                "certification.tasks.certificates_render_batch", pending[start : start + chunk]
            )
    except Exception as exc:
        BulkIssue.objects.filter(pk=bulk_id).update(
            status=BulkIssue.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return bulk_issue_progress(BulkIssue.objects.get(pk=bulk_id))


def bulk_issues_refresh(*, certificate_ids) -> None:
    """After a batch of renders: a running bulk issue of their cycle may now be done."""
    cycles = Certificate.objects.filter(pk__in=certificate_ids).values("cycle_id")
    for bulk in BulkIssue.objects.filter(status=BulkIssue.Status.RUNNING, cycle_id__in=cycles):
        bulk_issue_progress(bulk)


def bulk_issue_progress(bulk: BulkIssue) -> BulkIssue:
    """Fill in done/failed from the cycle's certificates; mark the run done when all are."""
    if bulk.status not in (BulkIssue.Status.RUNNING, BulkIssue.Status.DONE):
        return bulk
    states = dict(
        Certificate.objects.filter(cycle_id=bulk.cycle_id)
        .order_by()
        .values_list("render_state")
        .annotate(n=Count("pk"))
    )
    bulk.done = states.get(Certificate.RenderState.READY, 0)
    bulk.failed = states.get(Certificate.RenderState.FAILED, 0)
    if bulk.status == BulkIssue.Status.RUNNING and bulk.done + bulk.failed >= bulk.total:
        bulk.status = BulkIssue.Status.DONE
        bulk.finished_at = timezone.now()
        BulkIssue.objects.filter(pk=bulk.pk).update(
            done=bulk.done, failed=bulk.failed, status=bulk.status, finished_at=bulk.finished_at
        )
    return bulk


# --- Promotion recommendations -------------------------------------------------------------


def recommendation_create(*, person, step, by, note: str = ""):
    """
    A lead's or supervisor's recommendation of `person` for a track step, audited once;
    recommending again changes nothing. Whether `person` is in `by`'s scope is the
    caller's check (pages answer 404 for people outside it).
    """
    from certification.models import Recommendation

    if not by.has_perm("certification.add_recommendation") or by.pk == person.pk:
        raise CertificationRefused(_("You may not recommend this person."))
    if step.from_position != person.position:
        raise CertificationRefused(_("This step does not start from the person's position."))
    recommendation, created = Recommendation.objects.get_or_create(
        user=person,
        step=step,
        defaults={
            "recommended_by": by,
            "recommended_by_name": by.get_full_name(),
            "note": note[:500],
        },
    )
    if created:
        _audit(CertificationEvent.Kind.RECOMMENDED, user=person, actor=by, detail=str(step))
    return recommendation, created


# --- Revoking and reminders ------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """
    Revoke with a reason (audited); the verification page says so from now on. What the
    revoked certificate had superseded stands again: the person did pass those.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificationRefused(_("Give the reason for revoking."))
    if not actor.has_perm("certification.revoke_certificate"):
        raise CertificationRefused(_("You may not revoke certificates."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at:
        raise CertificationRefused(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    _audit(
        CertificationEvent.Kind.REVOKED,
        user=certificate.user,
        certificate=certificate,
        actor=actor,
        detail=reason,
    )
    for earlier in Certificate.objects.filter(superseded_by=certificate):
        earlier.superseded_by = None
        earlier.save(update_fields=["superseded_by"])
        _audit(
            CertificationEvent.Kind.REINSTATED,
            user=earlier.user,
            certificate=earlier,
            actor=actor,
            detail=certificate.serial,
        )
        _verification_cache_clear_on_commit(earlier)
    _verification_cache_clear_on_commit(certificate)
    return certificate


def certificates_lapsing(today: dt.date | None = None, days: int | None = None):
    """Current certificates (valid, not superseded) that lapse within `days`."""
    today = today or timezone.localdate()
    days = settings.CERTIFICATE_LAPSE_WARNING_DAYS if days is None else days
    return Certificate.objects.filter(
        revoked_at=None,
        superseded_by=None,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=days),
        user__is_active=True,
    )


def certificates_remind_lapsing(today: dt.date | None = None) -> int:
    """Tell each holder once that their certification lapses soon (notice and e-mail)."""
    from django.core.mail import send_mail

    today = today or timezone.localdate()
    reminded = 0
    for certificate in (
        certificates_lapsing(today).filter(lapse_reminded_at=None).select_related("user")
    ):
        with transaction.atomic():
            claimed = Certificate.objects.filter(pk=certificate.pk, lapse_reminded_at=None).update(
                lapse_reminded_at=timezone.now()
            )
            if not claimed:
                continue
            with override(settings.LANGUAGE_CODE):
                title = _(
                    "Your %(level)s certification lapses on %(date)s: register for the "
                    "next cycle to keep it."
                ) % {"level": LevelCode(certificate.level).label, "date": certificate.expires_on}
            Notice.objects.get_or_create(
                user=certificate.user,
                key=f"cert_lapse:{certificate.pk}",
                defaults={"title": title, "url": reverse("certification:mine")},
            )
            _audit(CertificationEvent.Kind.REMINDED, user=certificate.user, certificate=certificate)
            email = certificate.user.email
            if email:
                transaction.on_commit(
                    lambda title=title, email=email: send_mail(
                        title, title, None, [email], fail_silently=True
                    )
                )
        reminded += 1
    return reminded


# --- Public verification (cached) ------------------------------------------------------------


def _verification_cache_key(code: str) -> str:
    return f"cert-verify:{code}"


# Anonymous visitors' verification pages, kept by each worker for a few seconds in front of
# the shared cache (CERTIFICATE_VERIFY_LOCAL_SECONDS: how long a change may take to show in
# other workers; the worker that makes the change forgets its copy on commit).
verification_pages_local = LocalMemo(size=2048)


def verification_page_cache_key(code: str, language: str) -> str:
    """Where the public page for `code`, as an anonymous visitor sees it, is kept."""
    return f"cert-verify-page:{code}:{language}"


def verification_cache_seconds(now: dt.datetime | None = None) -> int:
    """How long a public answer may be kept: the configured time, but never past local
    midnight, when a certificate's day of expiry turns it from valid to expired."""
    now = timezone.localtime(now)
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    until_midnight = int((timezone.make_aware(tomorrow) - now).total_seconds())
    return max(1, min(settings.CERTIFICATE_VERIFY_CACHE_SECONDS, until_midnight))


def verification_cache_keys(code: str) -> list[str]:
    """Everything the shared cache keeps about a code: its answer and its page per language."""
    return [_verification_cache_key(code)] + [
        verification_page_cache_key(code, language) for language, _name in settings.LANGUAGES
    ]


def _verification_cache_clear_on_commit(certificate: Certificate) -> None:
    """Forget the cached public answer and pages once the change is committed (not before:
    a request in between would cache the old answer again)."""
    from django.core.cache import caches

    keys = verification_cache_keys(certificate.verification_code)

    def forget():
        verification_pages_local.discard(*keys)
        caches["shared"].delete_many(keys)

    transaction.on_commit(forget)


def verification_lookup(code: str) -> dict | None:
    """
    What the public verification page shows for a code, cached in the shared cache (all
    workers see a revocation at once: every change above clears the entry).
    """
    from django.core.cache import caches

    cache = caches["shared"]
    key = _verification_cache_key(code)
    found = cache.get(key)
    if found is not None:
        return found or None
    certificate = (
        Certificate.objects.filter(verification_code=code).select_related("superseded_by").first()
    )
    if certificate is None:
        found = {}
    else:
        found = {
            "pk": certificate.pk,
            "serial": certificate.serial,
            "holder_name": certificate.holder_name,
            "level": certificate.level,
            "level_name_zh": certificate.level_name_zh,
            "level_name_en": certificate.level_name_en,
            "cycle_name_zh": certificate.cycle_name_zh,
            "cycle_name_en": certificate.cycle_name_en,
            "issued_on": certificate.issued_on,
            "expires_on": certificate.expires_on,
            "revoked_at": certificate.revoked_at,
            "superseded": bool(certificate.superseded_by_id),
            "superseded_on": certificate.superseded_by.issued_on
            if certificate.superseded_by_id
            else None,
            "pdf_sha256": certificate.pdf_sha256,
            # A revoked certificate's PDF is no longer handed out; its fingerprint still
            # lets anyone match a copy they were shown against this answer.
            "pdf_ready": certificate.render_state == Certificate.RenderState.READY
            and not certificate.revoked_at,
            "issuer_name": certificate.issuer_name,
            "verification_code": certificate.verification_code,
        }
    cache.set(key, found, verification_cache_seconds())
    return found or None


def verification_status(found: dict, today: dt.date | None = None) -> str:
    """The status of a cached answer, by the same rule as Certificate.status."""
    return certificate_status(
        revoked=bool(found["revoked_at"]),
        superseded=found["superseded"],
        expires_on=found["expires_on"],
        today=today,
    )

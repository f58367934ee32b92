"""
Rendering each certificate's PDF once, in the background, outside any transaction; failed
renders are retried by a sweeper a bounded number of times, then shown on the desk.
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certification.audit import CertAction
from certification.models import Certificate
from certification.rendering import certificate_pdfs
from certification.services.verification import verification_cache_clear_on_commit
from lms.audit import audit_record
from lms.queue import enqueue

log = logging.getLogger(__name__)


def certificate_render_enqueue(certificate_id: int) -> None:
    enqueue("certification.tasks.certificate_render", certificate_id)


def _claim_window() -> dt.timedelta:
    # A claimed render is someone else's for this long (well past the render time limit).
    return dt.timedelta(seconds=2 * settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS + 30)


def certificate_render(*, certificate_id: int, now=None) -> Certificate | None:
    """Render and store one certificate's PDF once (see certificates_render)."""
    rendered = certificates_render(certificate_ids=[certificate_id], now=now)
    return rendered[0] if rendered else None


def certificates_render(*, certificate_ids, now=None) -> list[Certificate]:
    """
    Render and store each certificate's PDF once; returns those this call rendered or tried
    (the others were rendered already, given up on, or are being rendered by another
    worker right now). A worker first claims each certificate in one UPDATE, so a second
    worker given the same job skips it; the render itself runs outside any transaction (it
    takes a few hundredths of a second to seconds, and SQLite would hold its write lock that
    long). The claimed certificates are laid out together (certificate_pdfs), which is
    cheaper than one at a time; if that fails, each is rendered alone, so one bad
    certificate fails alone. A failure is recorded on the certificate, which stays intact,
    and retried by the sweeper until the attempts run out.
    """
    now = now or timezone.now()
    claimed = [pk for pk in certificate_ids if _render_claim(pk, now)]
    if not claimed:
        return []
    certificates = list(Certificate.objects.filter(pk__in=claimed).order_by("pk"))
    if len(certificates) > 1:
        try:
            pdfs = certificate_pdfs(certificates)
        except Exception:
            log.warning(
                "%s certificates failed to render together; rendering each alone",
                len(certificates),
                exc_info=True,
            )
        else:
            return [_render_store(c, pdf) for c, pdf in zip(certificates, pdfs, strict=True)]
        return [
            _render_alone(certificate)
            for certificate in certificates
            if _render_claim_renew(certificate, claimed_at=now)
        ]
    return [_render_alone(certificates[0])] if certificates else []


def _render_claim(certificate_id: int, now) -> bool:
    return bool(
        Certificate.objects.filter(pk=certificate_id, render_state=Certificate.RenderState.PENDING)
        .filter(Q(render_tried_at__isnull=True) | Q(render_tried_at__lt=now - _claim_window()))
        .update(render_tried_at=now)
    )


def _render_claim_renew(certificate: Certificate, *, claimed_at) -> bool:
    """Renew a claim before rendering alone what a batch could not: the claim window
    counts from the claim, and the batch has taken some of it."""
    now = timezone.now()
    renewed = Certificate.objects.filter(
        pk=certificate.pk,
        render_state=Certificate.RenderState.PENDING,
        render_tried_at=claimed_at,
    ).update(render_tried_at=now)
    if renewed:
        certificate.render_tried_at = now
    return bool(renewed)


def _render_alone(certificate: Certificate) -> Certificate:
    try:
        (pdf,) = certificate_pdfs([certificate])
    except Exception as exc:
        log.exception("certificate %s failed to render", certificate.serial)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        attempts = certificate.render_attempts + 1
        gave_up = attempts >= settings.CERTIFICATE_RENDER_MAX_ATTEMPTS
        with transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(
                render_attempts=attempts,
                render_error=error,
                render_state=Certificate.RenderState.FAILED
                if gave_up
                else Certificate.RenderState.PENDING,
            )
            if gave_up:
                audit_record(certificate, CertAction.RENDER_FAILED, error=error)
        certificate.refresh_from_db()
        return certificate
    return _render_store(certificate, pdf)


def _render_store(certificate: Certificate, pdf: bytes) -> Certificate:
    name = certificate.pdf.storage.save(
        f"certificates/{certificate.serial}-{certificate.verification_code[:8]}.pdf",
        ContentFile(pdf),
    )
    certificate.pdf = name
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.render_state = Certificate.RenderState.READY
    certificate.render_attempts += 1
    certificate.render_error = ""
    with transaction.atomic():
        certificate.save(
            update_fields=["pdf", "pdf_sha256", "render_state", "render_attempts", "render_error"]
        )
        audit_record(certificate, CertAction.RENDERED)
        verification_cache_clear_on_commit(certificate)
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
        certificate_render_enqueue(certificate_id)
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
            audit_record(certificate, CertAction.RENDER_REQUESTED, actor=actor)
            certificate_id = certificate.pk
            transaction.on_commit(lambda: certificate_render_enqueue(certificate_id))

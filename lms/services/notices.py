"""
Telling people what happened: an in-app notice for each, and an e-mail through the outbox
(lms.models.NoticeEmail) once the transaction commits. Nothing is sent from inside a
transaction that may still roll back, and no notice is mailed twice: a send claims its
outbox row with a lease first, and the reconciler finishes rows a dead worker left behind.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from lms.features import notice_kind
from lms.generations import generation_bump, generations_bump
from lms.leases import lease_claim, lease_expired
from lms.models import EmailOptOut, Notice, NoticeEmail, User
from lms.queue import enqueue
from lms.selectors.notices import (
    NOTICES_EVERYONE_GENERATION_KEY,
    notice_text,
    notices_generation_key,
)

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5
# A queued send not yet claimed after this long lost its queue message.
EMAIL_MESSAGE_LOST_AFTER = dt.timedelta(minutes=1)
EMAILS_PER_RUN = 200
EMAILS_PER_JOB = 100
# Up to this many people, a send moves each one's notices generation (their bells count
# again); beyond it, the one generation everyone's count depends on: a cache write per
# person would be thousands of writes inside the send's transaction (the database cache
# writes rows, and SQLite holds its write lock meanwhile).
BELLS_ONE_BY_ONE = 100


def notices_send(*, users, kind: str, key: str, params: dict | None = None, url: str = "") -> int:
    """
    Tell each of `users` (people or their ids) about `key` once, as a notice of `kind` with
    `params` (codes, numbers, ISO dates, names: never a sentence). Those with an e-mail
    address who did not turn this kind off also get an e-mail, after the commit. Returns
    how many notices are new; a second call with the same key creates nothing.
    """
    ids = {getattr(user, "pk", user) for user in users}
    return notices_send_each(
        kind=kind, notices=[NoticeDraft(uid, key, params or {}, url) for uid in ids]
    )


@dataclass(frozen=True)
class NoticeDraft:
    """One person's notice: whom, its once-only key, its parameters, where it leads."""

    user_id: int
    key: str
    params: dict = field(default_factory=dict)
    url: str = ""


def notices_send_each(*, kind: str, notices) -> int:
    """
    `notices_send` for notices of one kind that differ in key and parameters (a bulk run's
    "your certificate is issued", one per certificate), in a few statements for all of
    them. Each (person, key) is told once; returns how many notices are new.
    """
    registered = notice_kind(kind)
    if registered is None:
        raise ValueError(f"unknown notice kind {kind!r}: register it in lms.features")
    drafts = {(draft.user_id, draft.key): draft for draft in notices}
    if not drafts:
        return 0
    with transaction.atomic():
        existing = set(
            Notice.objects.filter(
                user_id__in={uid for uid, _key in drafts}, key__in={key for _uid, key in drafts}
            ).values_list("user_id", "key")
        )
        fresh = [draft for pair, draft in drafts.items() if pair not in existing]
        Notice.objects.bulk_create(
            [
                Notice(user_id=d.user_id, key=d.key, kind=kind, params=d.params, url=d.url)
                for d in fresh
            ],
            ignore_conflicts=True,  # a concurrent run told some of them a moment ago
        )
        told = {draft.user_id for draft in fresh}
        if len(told) <= BELLS_ONE_BY_ONE:  # their bells
            generations_bump(notices_generation_key(uid) for uid in told)
        else:
            generation_bump(NOTICES_EVERYONE_GENERATION_KEY)
        if registered.emailed and fresh:
            _outbox_fill(kind=kind, pairs={(draft.user_id, draft.key) for draft in fresh})
    return len(fresh)


ASSIGNMENT_KINDS = ("refresher_assigned", "simulation_assigned", "training_assigned")


def assignment_notices_send(
    *,
    users,
    kind: str,
    assignment: str,
    title: str,
    url: str,
    due: dt.date | None = None,
    assigned_by=None,
) -> int:
    """
    Tell people they were assigned a refresher, a simulation or a round of recurring
    training (`kind`), once per
    `assignment` (the feature's own stable name for it, e.g. "refresher:42"). `title` is
    the trainer's title of the content, kept as written; who assigned it is kept as a name.
    """
    if kind not in ASSIGNMENT_KINDS:
        raise ValueError(f"{kind!r} is no kind of assignment: one of {ASSIGNMENT_KINDS}")
    params = {"title": title, "due": due.isoformat() if due else ""}
    if assigned_by is not None:
        params["by"] = assigned_by.get_full_name()
    return notices_send(
        users=users, kind=kind, key=f"{kind}:{assignment}"[:80], params=params, url=url
    )


def _outbox_fill(*, kind: str, pairs: set[tuple[int, str]]) -> None:
    """Owe an e-mail for each new (person, key) notice whose person takes mail of `kind`."""
    mailed = (
        User.objects.filter(pk__in={uid for uid, _key in pairs}, is_active=True)
        .exclude(email="")
        .exclude(pk__in=EmailOptOut.objects.filter(kind=kind).values("user_id"))
    )
    notice_ids = [
        pk
        for pk, uid, key in Notice.objects.filter(
            key__in={key for _uid, key in pairs}, user__in=mailed, email__isnull=True
        ).values_list("pk", "user_id", "key")
        if (uid, key) in pairs
    ]
    NoticeEmail.objects.bulk_create(
        [NoticeEmail(notice_id=pk) for pk in notice_ids], ignore_conflicts=True
    )
    outbox_ids = list(
        NoticeEmail.objects.filter(
            notice_id__in=notice_ids, status=NoticeEmail.Status.PENDING
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(outbox_ids), EMAILS_PER_JOB):
        batch = outbox_ids[start : start + EMAILS_PER_JOB]
        transaction.on_commit(lambda batch=batch: enqueue("lms.tasks.notice_emails_send", batch))


def notice_email_send(outbox_id: int, *, now=None) -> bool:
    """
    Send one notice's e-mail, in its reader's language, if it is still owed: claim the row
    (one UPDATE; of two workers only one gets it), send, mark it sent. A failure leaves the
    row pending under its lease, so the reconciler tries again once the lease runs out, up
    to EMAIL_MAX_ATTEMPTS. True when this call sent it.
    """
    rows = NoticeEmail.objects.filter(pk=outbox_id, status=NoticeEmail.Status.PENDING)
    if not lease_claim(rows, free=Q(lease_expires_at__isnull=True), now=now):
        return False
    outbox = NoticeEmail.objects.select_related("notice__user").get(pk=outbox_id)
    notice, person = outbox.notice, outbox.notice.user
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject, body = notice_text(notice.kind, notice.params)
    if notice.url:
        body = f"{body}\n\n{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{notice.url}"
    try:
        send_mail(subject, body, None, [person.email], fail_silently=False)
    except Exception:
        logger.exception("Mailing notice %s failed (try %s)", notice.pk, outbox.attempts)
        if outbox.attempts >= EMAIL_MAX_ATTEMPTS:
            rows.update(status=NoticeEmail.Status.FAILED, lease_expires_at=None)
        return False
    NoticeEmail.objects.filter(pk=outbox_id).update(
        status=NoticeEmail.Status.SENT, sent_at=timezone.now(), lease_expires_at=None
    )
    return True


def notice_emails_reconcile(*, now) -> int:
    """
    The reconciler's part for e-mail (registered in lms.apps): send what is owed and was
    never claimed (its queue message lost) or whose claim ran out (its worker died). Bounded
    per run so a minute's reconciling stays short; the rest goes next minute.
    """
    owed = NoticeEmail.objects.filter(
        Q(status=NoticeEmail.Status.PENDING)
        & (
            Q(lease_expires_at__isnull=True, created_at__lt=now - EMAIL_MESSAGE_LOST_AFTER)
            | lease_expired(now)
        )
    ).order_by("pk")
    sent = 0
    for outbox_id in list(owed.values_list("pk", flat=True)[:EMAILS_PER_RUN]):
        sent += notice_email_send(outbox_id, now=now)
    return sent


@transaction.atomic
def notices_mark_read(*, user, pks=None) -> int:
    """Mark some (or all) of this person's unread notices read."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        unread = unread.filter(pk__in=pks)
    marked = unread.update(read_at=timezone.now())
    if marked:
        generation_bump(notices_generation_key(user.pk))  # the bell's kept count
    return marked


@transaction.atomic
def notice_preferences_save(*, user, emailed_kinds: set[str], language: str) -> None:
    """Keep e-mail for the kinds ticked, turn it off for the rest; set the e-mail language."""
    from lms.features import notice_kinds

    mailable = {kind.code for kind in notice_kinds() if kind.emailed}
    EmailOptOut.objects.filter(user=user).exclude(kind__in=mailable - emailed_kinds).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user=user, kind=code) for code in mailable - emailed_kinds],
        ignore_conflicts=True,
    )
    if language in {code for code, _name in settings.LANGUAGES} | {""}:
        User.objects.filter(pk=user.pk).update(language=language)

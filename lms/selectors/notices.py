"""
Reading notices: each is rendered from its kind and parameters in the active language, so
one stored notice reads in Chinese for one person and in English for another.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lms.features import notice_kind, notice_kinds
from lms.generations import generation_cached
from lms.models import EmailOptOut, Notice


@dataclass
class RenderedNotice:
    pk: int
    title: str
    body: str
    url: str
    created_at: object
    read: bool


def notice_text(kind_code: str, params: dict) -> tuple[str, str]:
    """(title, body) of a notice in the active language. A kind that is gone, or parameters
    that no longer fit its text, still give a readable line rather than an error page."""
    kind = notice_kind(kind_code)
    if kind is None:
        title = params.get("title") or _("A notice from the academy")
        return title, title
    values = dict(params)
    if kind.prepare:
        values = kind.prepare(values)
    try:
        title = str(kind.title) % values
        body = str(kind.body) % values if kind.body else title
    except (KeyError, TypeError, ValueError):
        title = body = str(kind.label)
    return title, body


def notice_render(notice: Notice) -> RenderedNotice:
    title, body = notice_text(notice.kind, notice.params)
    return RenderedNotice(
        notice.pk, title, body, notice.url, notice.created_at, notice.read_at is not None
    )


def notices_for(user):
    return Notice.objects.filter(user=user)


# Kept for a working day at most; every notice sent to or read by the person moves their
# generation on (lms.services.notices), so the kept count is never a stale one.
UNREAD_KEPT_SECONDS = 60 * 60 * 12
# Moved on instead of each person's when a notice goes to many people at once (this week's
# cases, to everyone): one write, and each bell counts again once.
NOTICES_EVERYONE_GENERATION_KEY = "notices:generation:everyone"


def notices_generation_key(user_id: int) -> str:
    return f"notices:generation:{user_id}"


def notices_unread_count(user) -> int:
    """
    The bell's count on every page. Kept in the shared cache under the person's own notices
    generation and the one for everyone: one round trip to the cache instead of a COUNT on
    every page; the count is built again after a notice reaches them or they read one.
    """
    *generation_keys, key = notices_unread_cache_keys(user.pk)
    return generation_cached(
        tuple(generation_keys),
        key,
        lambda: Notice.objects.filter(user=user, read_at__isnull=True).count(),
        UNREAD_KEPT_SECONDS,
    )


def notices_unread_cache_keys(user_id: int) -> tuple[str, str, str]:
    """(the person's notices generation, everyone's, the count): what the bell reads."""
    return (
        notices_generation_key(user_id),
        NOTICES_EVERYONE_GENERATION_KEY,
        f"notices:unread:{user_id}",
    )


def email_kinds_for(user) -> list[tuple[str, str, bool]]:
    """Each kind that may be mailed: (code, its name, whether this person gets it by e-mail)."""
    muted = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [
        (kind.code, str(kind.label), kind.code not in muted)
        for kind in notice_kinds()
        if kind.emailed
    ]

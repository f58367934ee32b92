"""
Reading notices: each is rendered from its kind and parameters in the active language, so
one stored notice reads in Chinese for one person and in English for another.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lms.features import notice_kind, notice_kinds
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


def notices_unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def email_kinds_for(user) -> list[tuple[str, str, bool]]:
    """Each kind that may be mailed: (code, its name, whether this person gets it by e-mail)."""
    muted = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [
        (kind.code, str(kind.label), kind.code not in muted)
        for kind in notice_kinds()
        if kind.emailed
    ]

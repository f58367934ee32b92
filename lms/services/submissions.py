"""
A CMS form that creates something in one POST creates it once, however often the same form
is sent: a double click, the back button and "send again", a retry after a slow answer. The
form carries a token made when it was shown (lms.forms.SubmitOnceForm); the token is
recorded in the creation's transaction under a unique constraint, so the second sending
finds what the first made. Content heuristics (same title within minutes) would merge two
real conversations that share a generic title; a token tells one form from another.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.models import FormSubmission

# How long a sent form is remembered: far beyond any back button or retry.
KEEP_FOR = dt.timedelta(days=30)


@dataclass(frozen=True)
class Submitted:
    """What a form's sending made. `created` is False when this form was sent before:
    `result` is then what the first sending made (None if it was deleted since)."""

    result: Any
    created: bool


def form_submission_once(
    *, user, form: str, token: uuid.UUID, create: Callable[[], Any]
) -> Submitted:
    """
    Run `create` once per (user, form, token) and remember its result. The token's row is
    inserted first, in the same transaction as the creation: a second sending at the same
    moment waits on the unique index until the first commits, then fails the insert and
    reads the first's result; if the first was refused (`create` raised), its row is rolled
    back with it and the second runs `create` itself. Whatever `create` raises (a Refused,
    an IntegrityError of its own) goes to the caller, with nothing saved.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: only the token's insert is undone
                submission = FormSubmission.objects.create(user=user, form=form, token=token)
        except IntegrityError:
            submission = None
        if submission is not None:
            result = create()
            submission.result = result
            submission.save(update_fields=["result_type", "result_id"])
            return Submitted(result=result, created=True)
    # Read after the insert failed, which happens only once the first sending committed.
    earlier = (
        FormSubmission.objects.filter(user=user, form=form, token=token)
        .select_related("result_type")
        .first()
    )
    return Submitted(result=earlier.result if earlier else None, created=False)


def form_submissions_prune(*, now: dt.datetime | None = None) -> int:
    """Forget forms sent more than KEEP_FOR ago (nightly); returns how many were removed."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    removed, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return removed

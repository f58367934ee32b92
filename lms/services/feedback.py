"""
Training feedback (培训反馈) that closes the loop: a trainer records what was adjusted in a
module in response to its questionnaire. (The answers themselves are stored by the
questionnaire page, FeedbackFormPage.process_form_submission, as Wagtail's forms do.)
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import FeedbackAdjustment
from lms.refusals import Refused


@transaction.atomic
def feedback_adjustment_record(
    *, module, summary: str, adjusted_on: datetime.date, by
) -> FeedbackAdjustment:
    """A trainer notes what changed in a module in response to its feedback, and when."""
    summary = summary.strip()
    if not summary:
        raise Refused("feedback_adjustment_empty", _("Say what was adjusted."))
    if adjusted_on > timezone.localdate():
        raise Refused(
            "feedback_adjustment_future", _("Record an adjustment once it has been made.")
        )
    adjustment = FeedbackAdjustment(
        module=module, summary=summary, adjusted_on=adjusted_on, recorded_by=by
    )
    adjustment.full_clean()
    adjustment.save()
    return adjustment

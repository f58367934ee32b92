"""
Training feedback (培训反馈) that closes the loop: an answer is stored anonymously, apart
from the fact that its learner answered; a trainer records what was adjusted in response.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import FeedbackAdjustment, FeedbackGiven
from lms.refusals import Refused


@transaction.atomic
def feedback_submit(*, form_page, form, user):
    """
    Store a questionnaire's answers without the learner (Wagtail's FormSubmission has no
    user), and note separately the day this learner first answered this questionnaire.
    """
    submission = form_page.get_submission_class().objects.create(
        form_data=form.cleaned_data, page=form_page
    )
    if user is not None and user.is_authenticated:
        FeedbackGiven.objects.get_or_create(
            form=form_page, user=user, defaults={"first_given_on": timezone.localdate()}
        )
    return submission


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

"""
One-time tokens of the CMS forms that create something in one POST (a case from a QA
conversation, a duplicated case…): a form sent twice — a double click, the back button
and "send again", a retry after a slow answer — must not create two things.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class FormSubmission(models.Model):
    """
    A form that was sent and what it created. The token is made when the form is shown
    (lms.forms.SubmitOnceForm) and recorded in the same transaction as the creation
    (lms.services.submissions.form_submission_once), under a unique constraint: a second
    sending of the same form waits on the index until the first commits, then finds the
    first's result instead of creating again. A refused creation rolls back its row, so the
    corrected form can be sent with the same token. Rows are pruned nightly
    after lms.services.submissions.KEEP_FOR; a form older than that counts as a new one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_submissions"
    )
    form = models.CharField(max_length=80)
    token = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    result_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    result_id = models.PositiveBigIntegerField(null=True, blank=True)
    result = GenericForeignKey("result_type", "result_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form", "token"], name="form_submission_once_per_token"
            )
        ]

    def __str__(self):
        return f"{self.form} {self.token} → {self.result_type_id}:{self.result_id}"

"""Forms of the core's pages (the staff lists' filters are FilterSets in lms.filters)."""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.models import Position


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV or XLSX)"),
        help_text=_(
            "Columns: 工号, 姓名, 班组, 岗位, 入职日期, 在职, 邮箱 (English headers work too). "
            "Nothing is saved unless every row is valid."
        ),
    )
    create_missing_teams = forms.BooleanField(
        label=_("Create teams that do not exist yet"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Only .csv and .xlsx files can be imported. Save .xls files as .xlsx first.")
            )
        if upload.size > settings.ACADEMY_STAFF_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max_mb)s MB.")
                % {"max_mb": settings.ACADEMY_STAFF_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class SubmitOnceTokenInput(forms.TextInput):
    """
    The token of a SubmitOnceForm: a text input the person never sees, not a hidden one,
    because browsers put back a text input's value when the person goes back to the page
    and never a hidden input's (static/js/submit_once.js says how that is used).
    """

    is_hidden = True  # rendered with the form's hidden fields, never labelled

    def __init__(self, attrs=None):
        super().__init__({"hidden": True, "data-submit-once": "", **(attrs or {})})

    class Media:
        js = ["js/submit_once.js"]


class SubmitOnceForm(forms.Form):
    """
    A form that creates something in one POST and must create it once
    (lms.services.submissions.form_submission_once): a hidden token, new each time the form
    is shown, kept when the form comes back with errors, so the corrected form is still the
    same sending. A POST without a valid token (a page opened before this field existed, a
    client that drops it) is refused with a word and given a fresh token, so sending the
    checked form again works: treating it as new would reopen the double creation for
    whoever loses the token. A made-up token only makes the form new, as reopening it would;
    tokens are per person, so another's token finds nothing of theirs.
    """

    TOKEN_FIELD = "submission_token"  # noqa: S105 (a field name, not a secret)

    submission_token = forms.UUIDField(widget=SubmitOnceTokenInput, initial=uuid.uuid4)

    def __init__(self, data=None, *args, **kwargs):
        self.token_was_missing = False
        if data is not None:
            prefix = kwargs.get("prefix") or self.prefix
            key = f"{prefix}-{self.TOKEN_FIELD}" if prefix else self.TOKEN_FIELD
            try:
                uuid.UUID(str(data.get(key) or ""))
            except ValueError:
                self.token_was_missing = True
                data = data.copy()
                data[key] = str(uuid.uuid4())
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.token_was_missing:
            raise forms.ValidationError(
                _(
                    "This form could not be recognised as sent once (it may have been opened "
                    "before an update). Check it and send it again."
                ),
                code="submission_token",
            )
        return cleaned


def first_error(form: forms.Form) -> str:
    """The first problem of a form posted from a button on a list page, to show as a message."""
    return next(iter(form.errors.values()))[0]


class GoLiveReasonForm(forms.Form):
    """A lead's reason for a go-live sign-off or step back (Django's CharField refuses NUL)."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class ReviewScoreForm(forms.Form):
    """Points for a written reply and an optional comment; the range is the service's rule."""

    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)


class NoticeSettingsForm(forms.Form):
    """
    Which kinds of notice come by e-mail, and in which language. The kinds offered are the
    mailable ones registered now (lms.features); a code that is none of them is refused.
    """

    email = forms.MultipleChoiceField(
        label=_("Send me an e-mail when"), required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("E-mail language"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = [(code, label) for code, label, _emailed in kinds]
        self.fields["language"].choices = [("", _("The academy's language")), *settings.LANGUAGES]


class TrainingScheduleForm(WagtailAdminModelForm):
    """
    The CMS form of recurring training: positions as boxes to tick (stored as their codes),
    and a schedule that reaches somebody (teams, positions or both).
    """

    positions = forms.MultipleChoiceField(
        label=_("Positions"),
        choices=Position.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("teams") and not cleaned.get("positions"):
            self.add_error("teams", _("Choose at least one team or position to assign it to."))
        return cleaned

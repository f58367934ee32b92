"""
The CMS page where QA turns a low-score conversation into a draft case in one step: paste
the transcript or upload its export, choose scenario, channel and product, and the draft
goes to review (cases.services.from_conversation holds the rule).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases.admin_production import case_sent_again
from cases.models import CaseLibraryPage, Channel, Product, ScenarioType
from cases.services.from_conversation import case_draft_from_conversation
from lms.forms import SubmitOnceForm
from lms.refusals import Refused
from lms.services.submissions import form_submission_once

MAX_FILE_BYTES = 1_000_000


def case_library_for(user) -> CaseLibraryPage | None:
    """The library this person may add cases to, if any."""
    library = CaseLibraryPage.objects.order_by("path").first()
    if library is None or not library.permissions_for_user(user).can_add_subpage():
        return None
    return library


class CaseFromConversationForm(SubmitOnceForm):
    title = forms.CharField(
        label=gettext_lazy("Title of the case"),
        max_length=255,
        help_text=gettext_lazy("What happened, as a learner would search for it."),
    )
    scenario = forms.ModelChoiceField(ScenarioType.objects.all(), label=gettext_lazy("Scenario"))
    channel = forms.ChoiceField(choices=Channel.choices, label=gettext_lazy("Channel"))
    product = forms.ModelChoiceField(
        Product.objects.all(), label=gettext_lazy("Product"), required=False
    )
    background = forms.CharField(
        label=gettext_lazy("Background"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Optional: the order, the product, what the customer wanted."),
    )
    transcript = forms.CharField(
        label=gettext_lazy("Paste the conversation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Plain text with a speaker on each turn (客户：… / 客服：…), a CSV export or "
            "HTML from the chat tool. Personal data is masked."
        ),
    )
    transcript_file = forms.FileField(
        label=gettext_lazy("Or upload its export"),
        required=False,
        help_text=gettext_lazy("A .txt, .csv or .html file, UTF-8 or GBK."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("transcript_file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("The file is larger than 1 MB."))
            content = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    cleaned["transcript"] = content.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError(_("The file is neither UTF-8 nor GBK text."))
        if not (cleaned.get("transcript") or "").strip():
            raise forms.ValidationError(_("Paste the conversation or upload its export."))
        return cleaned


class CaseFromConversationView(WagtailAdminTemplateMixin, FormView):
    """One step from a QA conversation to a draft case in review."""

    form_class = CaseFromConversationForm
    template_name = "cases/admin/from_conversation.html"
    page_title = gettext_lazy("Case from a QA conversation")
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        self.library = case_library_for(request.user)
        if self.library is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            sent = form_submission_once(
                user=self.request.user,
                form="cases.case_from_conversation",
                token=data["submission_token"],
                create=lambda: case_draft_from_conversation(
                    user=self.request.user,
                    library=self.library,
                    title=data["title"],
                    scenario=data["scenario"],
                    channel=data["channel"],
                    product=data["product"],
                    background=data["background"],
                    transcript=data["transcript"],
                ),
            )
        except Refused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if not sent.created:
            return case_sent_again(self.request, sent.result, form_url=self.request.path)
        case = sent.result
        messages.success(
            self.request,
            _("“%(title)s” was made from the conversation and sent to review.")
            % {"title": case.title},
        )
        return redirect("wagtailadmin_pages:edit", case.pk)

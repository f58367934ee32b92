"""
Training feedback in the CMS (培训反馈), for trainers: per module, the questionnaire's ratings
month by month and its comments — never who answered — and the adjustments made in
response, with a form to record one.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.models import ModulePage
from lms.refusals import Refused
from lms.selectors.feedback import module_feedback, modules_with_feedback
from lms.services.feedback import feedback_adjustment_record


class FeedbackAdjustmentForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("What was adjusted"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Learners who answered the questionnaire before this day read it on the module page."
        ),
    )
    adjusted_on = forms.DateField(
        label=gettext_lazy("Adjusted on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class FeedbackPermissionMixin(PermissionRequiredMixin):
    permission_required = "lms.view_feedbackadjustment"
    raise_exception = True


class FeedbackIndexView(FeedbackPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "lms/admin/feedback_index.html"
    page_title = gettext_lazy("Training feedback")
    header_icon = "form"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rows": modules_with_feedback()}


class ModuleFeedbackView(FeedbackPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A module's feedback over time and what was adjusted in response."""

    template_name = "lms/admin/feedback_module.html"
    page_title = gettext_lazy("Training feedback")
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        self.module = get_object_or_404(ModulePage, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.module.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("lms_feedback_index"), "label": _("Training feedback")},
            {"url": "", "label": self.module.title},
        ]

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or FeedbackAdjustmentForm(
            initial={"adjusted_on": timezone.localdate()}
        )
        return {
            **super().get_context_data(**kwargs),
            "feedback": module_feedback(self.module),
            "form": form,
            "can_record": self.request.user.has_perm("lms.add_feedbackadjustment"),
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("lms.add_feedbackadjustment"):
            raise PermissionDenied
        form = FeedbackAdjustmentForm(request.POST)
        if form.is_valid():
            try:
                feedback_adjustment_record(
                    module=self.module,
                    summary=form.cleaned_data["summary"],
                    adjusted_on=form.cleaned_data["adjusted_on"],
                    by=request.user,
                )
            except Refused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Adjustment recorded."))
                return redirect("lms_feedback_module", pk=self.module.pk)
        return self.render_to_response(self.get_context_data(form=form))

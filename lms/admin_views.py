"""Wagtail admin pages for HR: upload a staff file and follow its import."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.forms import StaffImportForm
from lms.models import Quiz, StaffImport
from lms.selectors.quiz_stats import quiz_question_stats, quizzes_with_results
from lms.services.staff_import import STAFF_FILE_HEADERS, describe_error, staff_import_start


class StaffImportPermissionMixin(PermissionRequiredMixin):
    permission_required = "lms.import_staff"
    raise_exception = True


class StaffImportCreateView(StaffImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "lms/admin/staff_import_form.html"
    form_class = StaffImportForm
    page_title = _("Import staff")
    header_icon = "upload"
    breadcrumbs_items = [
        *WagtailAdminTemplateMixin.breadcrumbs_items,
        {"url": reverse_lazy("lms_staff_import"), "label": _("Import staff")},
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_imports"] = StaffImport.objects.defer("content").select_related(
            "created_by"
        )[:10]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        staff_import = staff_import_start(
            uploaded_by=self.request.user,
            name=upload.name,
            content=upload.read(),
            create_missing_teams=form.cleaned_data["create_missing_teams"],
        )
        return redirect("lms_staff_import_status", pk=staff_import.pk)


@permission_required("lms.import_staff", raise_exception=True)
def staff_import_template(request):
    """A CSV with the expected columns and one example row, saved the way Excel reads it."""
    rows = [
        ",".join(header for _column, header in STAFF_FILE_HEADERS),
        "KF1234,王小明,电商一组,客服代表,2026-03-01,是,xiaoming@example.com",
    ]
    response = HttpResponse(
        "\ufeff" + "\r\n".join(rows) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="staff-template.csv"'
    return response


class StaffImportStatusView(StaffImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "lms/admin/staff_import_status.html"
    page_title = _("Import staff")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("lms_staff_import"), "label": _("Import staff")},
            {"url": "", "label": self.staff_import.original_name},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.staff_import = get_object_or_404(StaffImport.objects.defer("content"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.staff_import.original_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff_import"] = self.staff_import
        context["errors"] = [
            {"row": error.get("row"), "message": describe_error(error)}
            for error in self.staff_import.errors
        ]
        return context


class QuizStatsPermissionMixin(PermissionRequiredMixin):
    permission_required = "lms.view_quiz"
    raise_exception = True


class QuizStatsIndexView(QuizStatsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "lms/admin/quiz_stats_index.html"
    page_title = _("Quiz statistics")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "quizzes": quizzes_with_results()}


class QuizStatsView(QuizStatsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Which questions learners get wrong, and which wrong option they pick most."""

    template_name = "lms/admin/quiz_stats.html"
    page_title = _("Quiz statistics")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("lms_quiz_stats_index"), "label": _("Quiz statistics")},
            {"url": "", "label": self.quiz.title},
        ]

    def dispatch(self, request, *args, **kwargs):
        self.quiz = get_object_or_404(Quiz, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.quiz.title

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "quiz": self.quiz,
            "stats": quiz_question_stats(self.quiz),
        }

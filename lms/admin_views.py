"""Wagtail admin pages for HR: upload a staff file, follow its import, download its outcome."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.exports import spreadsheet_text, table_response
from lms.forms import StaffImportForm
from lms.models import StaffImport
from lms.services.staff_import import STAFF_FILE_HEADERS, describe_error, staff_import_start
from lms.services.staff_import.files import COLUMN_LABELS


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


ROW_OUTCOME_LABELS = {
    "created": _("New person"),
    "updated": _("Updated"),
    "deactivated": _("Deactivated"),
    "unchanged": _("Already up to date"),
}


@permission_required("lms.import_staff", raise_exception=True)
def staff_import_outcome(request, pk, fmt):
    """
    What an import did, as a file HR keeps or passes on: each row's outcome once imported,
    each problem with its row and column when the file was refused. Worded at download time
    in the reader's language, like the status page.
    """
    staff_import = get_object_or_404(StaffImport.objects.defer("content"), pk=pk)
    if not staff_import.is_finished:
        raise Http404
    if staff_import.status == StaffImport.Status.DONE:
        headers = [_("Row"), _("Employee number"), _("Name"), pgettext_lazy("result", "Outcome")]
        rows = (
            [row, spreadsheet_text(number), spreadsheet_text(name), str(ROW_OUTCOME_LABELS[code])]
            for row, number, name, code in staff_import.outcomes
        )
    else:
        headers = [_("Row"), _("Column"), _("Value"), _("Problem")]
        rows = (
            [
                error.get("row") or "",
                str(COLUMN_LABELS.get(error.get("column"), error.get("column") or "")),
                spreadsheet_text(error.get("value") or ""),
                describe_error(error),
            ]
            for error in staff_import.errors
        )
    return table_response(
        fmt=fmt,
        filename=f"staff-import-{staff_import.pk}.{fmt}",
        headers=[str(header) for header in headers],
        rows=rows,
        sheet_title=str(_("Import staff")),
    )

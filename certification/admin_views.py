"""
The certification desk in the Wagtail admin: certificates with their render state and
audit trail, revoking, exceptional results, bulk issue at the close of a cycle, QA scores.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certification.forms import (
    BulkIssueForm,
    CertificateDeskFilterForm,
    ExceptionalResultForm,
    QAScoreImportForm,
    RevokeForm,
)
from certification.models import BulkIssue, Certificate, Cycle, Result
from certification.qa_import import qa_scores_import
from certification.selectors import bulk_issue_progress, bulk_issue_stuck, cycle_exam_is_open
from certification.services import (
    certificate_render_again,
    certificate_revoke,
    cycle_bulk_issue_start,
    result_record_exceptional,
)
from lms.audit import audit_lines
from lms.models import User
from lms.refusals import Refused
from lms.services.staff_import import normalise_employee_no

_CERTIFICATES = gettext_lazy("Certificates")


class CertificationDeskMixin(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    permission_required = "certification.view_certificate"
    raise_exception = True
    header_icon = "tick-inverse"
    breadcrumbs_items = [
        *WagtailAdminTemplateMixin.breadcrumbs_items,
        {"url": reverse_lazy("certification_admin_index"), "label": _CERTIFICATES},
    ]


class CertificationDeskPageMixin(CertificationDeskMixin):
    """A page under the desk: its own title ends the breadcrumbs and heads the page."""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


class CertificateIndexView(CertificationDeskMixin, TemplateView):
    """Every certificate, newest first, with filters; and each cycle's bulk issue."""

    template_name = "certification/admin/certificate_index.html"
    page_title = _CERTIFICATES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificates = Certificate.objects.select_related("cycle").order_by("-created_at", "-pk")
        chosen = CertificateDeskFilterForm(self.request.GET).chosen()
        q, state, cycle_id = chosen["q"] or "", chosen["state"] or "", chosen["cycle"] or ""
        if q:
            certificates = certificates.filter(
                Q(holder_name__icontains=q)
                | Q(serial__icontains=q.upper())
                | Q(holder_employee_no__icontains=q)
            )
        if state == "failed":
            certificates = certificates.filter(render_state=Certificate.RenderState.FAILED)
        elif state == "pending":
            certificates = certificates.filter(render_state=Certificate.RenderState.PENDING)
        elif state == "revoked":
            certificates = certificates.exclude(revoked_at=None)
        if cycle_id:
            certificates = certificates.filter(cycle_id=cycle_id)
        page = Paginator(certificates, 50).get_page(self.request.GET.get("page"))
        cycles = list(Cycle.objects.all())
        latest_runs = {}
        for bulk in BulkIssue.objects.filter(cycle__in=cycles).order_by("cycle_id", "-created_at"):
            latest_runs.setdefault(bulk.cycle_id, bulk)
        for cycle in cycles:
            run = latest_runs.get(cycle.pk)
            cycle.bulk = bulk_issue_progress(run) if run else None
            cycle.bulk_stuck = bool(run) and bulk_issue_stuck(run)
        context.update(
            page=page,
            q=q,
            state=state,
            cycle_id=cycle_id,
            cycles=cycles,
            failed_count=Certificate.objects.filter(
                render_state=Certificate.RenderState.FAILED
            ).count(),
            running=any(
                c.bulk and c.bulk.status in (BulkIssue.Status.QUEUED, BulkIssue.Status.RUNNING)
                for c in cycles
            ),
        )
        return context


class CertificateDetailView(CertificationDeskPageMixin, FormView):
    """One certificate: the frozen record, its audit trail, revoke and render again."""

    template_name = "certification/admin/certificate_detail.html"
    form_class = RevokeForm

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(
            Certificate.objects.select_related("user", "cycle", "result"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.certificate.serial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            certificate=self.certificate,
            history=audit_lines(self.certificate),
            can_revoke=self.request.user.has_perm("certification.revoke_certificate"),
        )
        return context

    def form_valid(self, form):
        try:
            certificate_revoke(
                certificate=self.certificate,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except Refused as refusal:
            form.add_error("reason", refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Certificate %(serial)s is revoked.") % {"serial": self.certificate.serial},
        )
        return redirect("certification_admin_detail", pk=self.certificate.pk)


class CertificateRenderAgainView(CertificationDeskMixin, View):
    # Changing a certificate's state is for those who run the cycles, not every viewer.
    permission_required = "certification.change_cycle"

    def post(self, request, pk):
        certificate = get_object_or_404(Certificate, pk=pk)
        certificate_render_again(certificate=certificate, actor=request.user)
        messages.success(request, _("The PDF will be rendered again shortly."))
        return redirect("certification_admin_detail", pk=pk)


class CycleBulkIssueView(CertificationDeskPageMixin, FormView):
    """
    Issue all certificates of a cycle, after a confirmation that says how many; while the
    exam window is open people may still pass, so issuing early needs a reason.
    """

    permission_required = "certification.change_cycle"
    template_name = "certification/admin/form.html"
    form_class = BulkIssueForm

    def dispatch(self, request, *args, **kwargs):
        self.cycle = get_object_or_404(Cycle, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Issue all certificates of %(cycle)s") % {"cycle": self.cycle.label}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owed = Result.objects.filter(cycle=self.cycle, passed=True, certificate__isnull=True)
        intro = [
            _(
                "%(owed)s passed results of %(cycle)s have no certificate yet; they are "
                "issued and every certificate of the cycle still waiting is rendered in "
                "the background. Progress shows on the certificate desk."
            )
            % {"owed": owed.count(), "cycle": self.cycle.label}
        ]
        if cycle_exam_is_open(self.cycle):
            intro.append(
                _("The exam window is still open until %(date)s: give a reason to issue now.")
                % {"date": self.cycle.exam_closes.isoformat()}
            )
        context.update(intro=intro, submit_label=_("Issue all certificates"))
        return context

    def form_valid(self, form):
        try:
            cycle_bulk_issue_start(
                cycle=self.cycle, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except Refused as refusal:
            form.add_error("reason", refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Issuing the certificates of %(cycle)s in the background.")
            % {"cycle": self.cycle.label},
        )
        return redirect(reverse("certification_admin_index") + f"?cycle={self.cycle.pk}")


class ExceptionalResultView(CertificationDeskPageMixin, FormView):
    permission_required = "certification.record_exceptional_result"
    template_name = "certification/admin/form.html"
    form_class = ExceptionalResultForm
    page_title = gettext_lazy("Record an exceptional result")

    def form_valid(self, form):
        data = form.cleaned_data
        person = User.objects.filter(employee_no=normalise_employee_no(data["employee_no"])).first()
        if person is None:
            form.add_error("employee_no", _("Nobody has this employee number."))
            return self.form_invalid(form)
        try:
            result_record_exceptional(
                user=person,
                cycle=data["cycle"],
                level=data["level"],
                passed=data["passed"],
                percent=data["percent"],
                reason=data["reason"],
                actor=self.request.user,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Result recorded for %(name)s.") % {"name": person.get_full_name()},
        )
        return redirect("certification_admin_index")


# A file of 50,000 bad rows names the first few hundred; the rest are the same mistakes.
ERRORS_SHOWN = 200


class QAScoreImportView(CertificationDeskPageMixin, FormView):
    """
    A QA score file, all or nothing; its problems as a table of row and message (the file
    field itself shows none, so nothing is said twice).
    """

    permission_required = "certification.add_qascore"
    template_name = "certification/admin/qa_import.html"
    form_class = QAScoreImportForm
    page_title = gettext_lazy("Import QA scores")

    def get_breadcrumbs_items(self):
        return [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {"url": reverse("certification_qa_scores:index"), "label": _("QA scores")},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form):
        result = qa_scores_import(content=form.cleaned_data["file"].read())
        if result.errors:
            shown = result.errors[:ERRORS_SHOWN]
            more = len(result.errors) - len(shown)
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    errors=shown,
                    error_count=len(result.errors),
                    more=_("…and %(n)s more problems.") % {"n": more} if more else "",
                )
            )
        messages.success(self.request, _("%(n)s QA scores imported.") % {"n": result.saved})
        if result.plans:
            messages.info(
                self.request,
                _("%(n)s QA training plans assigned for scores below their line.")
                % {"n": result.plans},
            )
        return redirect("certification_qa_scores:index")

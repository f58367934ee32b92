"""
Quarterly internal selection (内部竞聘) at /careers/openings/: openings for applicants, a
supervisor's new opening, an opening with its ability-to-position matrix and decisions,
and the matrix as an Excel file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.career_forms import ApplyForm, DecisionForm, OpeningForm
from certification.models import OpeningApplication, PositionOpening
from certification.requirements import requirement_kind
from certification.selectors.openings import (
    DECIDE,
    application_refusal,
    opening_matrix,
    openings_for,
)
from certification.selectors.proposals import expected_to_propose, may_review_proposals
from certification.services.openings import (
    application_decide,
    opening_apply,
    opening_close,
    opening_create,
)
from lms.audit import audit_lines
from lms.exports import spreadsheet_text, table_response
from lms.forms import first_error
from lms.refusals import Refused


def _decides(user) -> bool:
    return user.has_perm(DECIDE)


def _tabs(user) -> dict:
    """Which tabs of the careers pages this person has."""
    return {"proposals_tab": expected_to_propose(user) or may_review_proposals(user)}


@login_required
def openings(request):
    """Openings the person may see, each with whether they may apply and why not."""
    today = timezone.localdate()
    listed = openings_for(request.user, today)
    for opening in listed:
        opening.refusal = application_refusal(
            request.user, opening, today, applied=opening.applied is not None
        )
        opening.headings = [
            requirement_kind(r.kind).heading(r)
            for r in opening.requirements.all()
            if requirement_kind(r.kind)
        ]
    return render(
        request,
        "certification/careers/openings.html",
        {"openings": listed, "decides": _decides(request.user), **_tabs(request.user)},
    )


@login_required
def opening_new(request):
    if not _decides(request.user):
        raise PermissionDenied
    form = OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opening = opening_create(
                by=request.user,
                position=data["position"],
                quarter=data["quarter"],
                closes_on=data["closes_on"],
                places=data["places"],
                description=data["description"],
                requirements=form.requirements(),
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The opening is published."))
            return redirect("certification:opening", pk=opening.pk)
    return render(
        request, "certification/careers/opening_form.html", {"form": form, **_tabs(request.user)}
    )


def _opening_for(request, pk) -> tuple[PositionOpening, OpeningApplication | None]:
    """Deciders see every opening; others see open ones and those they applied to."""
    opening = get_object_or_404(PositionOpening, pk=pk)
    mine = OpeningApplication.objects.filter(opening=opening, applicant=request.user).first()
    if (
        not _decides(request.user)
        and mine is None
        and (
            opening.status != PositionOpening.Status.OPEN
            or opening.closes_on < timezone.localdate()
        )
    ):
        raise Http404
    return opening, mine


@login_required
def opening_detail(request, pk):
    """
    The opening: its requirements, and either the applicant's view (apply, or their
    standing and decision) or the decider's matrix, ranked, with a decision per applicant.
    """
    opening, mine = _opening_for(request, pk)
    today = timezone.localdate()
    decides = _decides(request.user)
    columns, rows = opening_matrix(opening, today) if decides else ([], [])
    refusal = application_refusal(request.user, opening, today, applied=mine is not None)
    return render(
        request,
        "certification/careers/opening.html",
        {
            "opening": opening,
            "mine": mine,
            "refusal": refusal,
            "apply_form": ApplyForm() if refusal is None else None,
            "decides": decides,
            "columns": columns,
            "rows": rows,
            "trail": audit_lines(opening) if decides else [],
            **_tabs(request.user),
        },
    )


@require_POST
@login_required
def opening_apply_view(request, pk):
    opening, _mine = _opening_for(request, pk)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("certification:opening", pk=opening.pk)
    try:
        opening_apply(
            person=request.user, opening=opening, statement=form.cleaned_data["statement"]
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Your application is in. The supervisor will decide after applications close."),
        )
    return redirect("certification:opening", pk=opening.pk)


@require_POST
@login_required
def opening_close_view(request, pk):
    opening = get_object_or_404(PositionOpening, pk=pk)
    try:
        opening_close(opening=opening, by=request.user)
    except Refused:
        raise PermissionDenied from None
    messages.success(request, _("Applications are closed."))
    return redirect("certification:opening", pk=opening.pk)


@require_POST
@login_required
def application_decide_view(request, pk):
    application = get_object_or_404(OpeningApplication, pk=pk)
    if not _decides(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("certification:opening", pk=application.opening_id)
    try:
        application_decide(
            application=application,
            by=request.user,
            selected=form.cleaned_data["decision"] == "selected",
            reason=form.cleaned_data["reason"],
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The decision is recorded and the applicant told."))
    return redirect("certification:opening", pk=application.opening_id)


@login_required
def opening_export(request, pk):
    """The matrix as an Excel sheet: an applicant a row in rank order, a requirement a column."""
    if not _decides(request.user):
        raise PermissionDenied
    opening = get_object_or_404(PositionOpening, pk=pk)
    columns, rows = opening_matrix(opening)
    verdicts = {"met": _("met"), "short": _("short"), "missing": _("missing")}

    def cell(c):
        words = " ".join(part for part in (verdicts[c.verdict], c.shown, c.gap) if part)
        return spreadsheet_text(words)

    headers = [
        _("Rank"),
        _("Employee number"),
        _("Name"),
        _("Team"),
        _("Position"),
        *[column.heading for column in columns],
        _("Requirements met"),
        _("Match"),
        _("Decision"),
        _("Reason"),
    ]
    lines = (
        [
            row.rank,
            row.application.applicant.employee_no or "",
            spreadsheet_text(row.application.applicant.get_full_name()),
            spreadsheet_text(row.team_name),
            row.application.applicant.get_position_display(),
            *[cell(c) for c in row.cells],
            f"{row.met}/{len(row.cells)}",
            f"{row.match_percent}%",
            row.application.get_decision_display(),
            spreadsheet_text(row.application.decision_reason),
        ]
        for row in rows
    )
    return table_response(
        fmt="xlsx",
        filename=f"selection-{opening.quarter}-{opening.position}.xlsx",
        headers=headers,
        rows=lines,
        sheet_title=_("Matrix"),
    )

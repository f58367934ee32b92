"""
Does training work? (培训效果评估) at /training-report/: the four levels — reaction, learning,
behaviour, results — for supervisors (their teams) and trainers (everyone), as bars with the
number of people behind each, and the same figures as an Excel or CSV file.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from certification.selectors.effectiveness import (
    behaviour_rows,
    certification_figures,
    first_attempt_figures,
    golive_figures,
    learning_figures,
    may_view_report,
    qa_periods,
    reaction_figures,
)
from lms.exports import spreadsheet_text, table_response
from lms.selectors.people import learners_visible_to


def _periods(request) -> tuple[list[str], str | None, str | None]:
    """The QA periods to compare: the two chosen, or the last two imported."""
    periods = qa_periods()
    before, after = request.GET.get("before"), request.GET.get("after")
    if before not in periods or after not in periods:
        before, after = (periods[-2], periods[-1]) if len(periods) >= 2 else (None, None)
    return periods, before, after


def _report(request) -> dict:
    if not may_view_report(request.user):
        raise PermissionDenied
    people = learners_visible_to(request.user)
    periods, before, after = _periods(request)
    golive = golive_figures(people)
    return {
        "reaction": reaction_figures(),
        "learning": learning_figures(people),
        "behaviour": behaviour_rows(people, before, after) if before else [],
        "periods": periods,
        "before": before,
        "after": after,
        "golive_cohorts": golive["cohorts"],
        "golive_teams": golive["teams"],
        "first_attempts": first_attempt_figures(people),
        "certification": certification_figures(people),
    }


@login_required
def training_report(request):
    return render(request, "certification/training_report.html", _report(request))


def _number(value, digits=1):
    return "" if value is None else round(float(value), digits)


@login_required
def training_report_export(request, fmt):
    """Every figure of the page as a row: level, measure, group, value, people, detail."""
    report = _report(request)
    rows = []

    def add(level, measure, figures):
        for figure in figures:
            rows.append(
                [
                    level,
                    measure,
                    spreadsheet_text(str(figure.group)),
                    _number(figure.value),
                    figure.people,
                    figure.detail,
                ]
            )

    add(_("Reaction"), _("Average rating (answers)"), report["reaction"])
    add(_("Learning"), _("Average quiz score (%)"), report["learning"]["quizzes"])
    add(_("Learning"), _("Average simulation score"), report["learning"]["simulations"])
    for row in report["behaviour"]:
        group = _("Did training") if row.trained else _("Did no training")
        measure = f"{row.label} {report['before']} → {report['after']}"
        rows.append(
            [
                _("Behaviour"),
                measure,
                group,
                _number(row.change),
                row.people,
                f"{_number(row.before)} → {_number(row.after)}",
            ]
        )
    add(_("Results"), _("Days from hire to go-live, by cohort"), report["golive_cohorts"])
    add(_("Results"), _("Days from hire to go-live, by team"), report["golive_teams"])
    add(_("Results"), _("First-attempt pass rate (%)"), report["first_attempts"])
    add(_("Results"), _("Certification pass rate (%)"), report["certification"])
    return table_response(
        fmt=fmt,
        filename=f"training-report.{fmt}",
        headers=[
            _("Evaluation level"),
            _("Measure"),
            _("Group"),
            _("Value"),
            _("People"),
            _("Detail"),
        ],
        rows=iter(rows),
        sheet_title=_("Training effectiveness"),
    )

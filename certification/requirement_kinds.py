"""
The requirement kinds certification itself knows (see certification.requirements): the
certification level held, months of service, courses and cases authored, the latest QA
score overall or on one dimension, a lead's recommendation towards the position, and
improvement proposals adopted. Each measures every candidate in one or two queries.
"""

from decimal import Decimal

from django import forms
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CasePage
from certification.models import (
    LEVEL_RANK,
    LevelCode,
    QADimension,
    Recommendation,
)
from certification.requirements import (
    RequirementInput,
    RequirementKind,
    count_field,
    default_gap,
    flag_field,
    number,
    register_requirement_kind,
    score_field,
)
from certification.selectors.promotion import latest_qa_scores
from certification.selectors.proposals import adopted_proposal_counts
from certification.selectors.standing import standings_for, tenure_months
from lms.models import CurriculumPage

LEVEL_BY_RANK = {rank: code for code, rank in LEVEL_RANK.items()}


def _each(people, requirements, value_of):
    return {(p.pk, r.pk): value_of(p, r) for p in people for r in requirements}


def _level_measure(people, requirements, today):
    standings = standings_for([p.pk for p in people], today)
    return _each(people, requirements, lambda p, r: Decimal(standings[p.pk].rank or 0) or None)


def _level_show(value, requirement):
    return str(LevelCode(LEVEL_BY_RANK[int(value)]).label)


def _tenure_measure(people, requirements, today):
    return _each(
        people,
        requirements,
        lambda p, r: Decimal(tenure_months(p.hire_date, today)) if p.hire_date else None,
    )


def _owned_counts(model, people) -> dict[int, int]:
    rows = (
        # Page querysets order by tree path; without order_by() the path joins the GROUP BY.
        model.objects.live()
        .filter(owner_id__in=[p.pk for p in people])
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def _authored_measure(model):
    def measure(people, requirements, today):
        counts = _owned_counts(model, people)
        return _each(people, requirements, lambda p, r: Decimal(counts.get(p.pk, 0)) or None)

    return measure


def _qa_measure(people, requirements, today):
    latest = latest_qa_scores([p.pk for p in people])

    def value(person, requirement):
        score = latest.get(person.pk)
        return getattr(score, requirement.option or "score") if score else None

    return _each(people, requirements, value)


def _recommendation_measure(people, requirements, today):
    positions = {r.opening.position for r in requirements}
    recommended = set(
        Recommendation.objects.filter(
            user_id__in=[p.pk for p in people], step__to_position__in=positions
        ).values_list("user_id", "step__to_position")
    )
    return _each(
        people,
        requirements,
        lambda p, r: Decimal(1) if (p.pk, r.opening.position) in recommended else None,
    )


def _proposals_measure(people, requirements, today):
    counts = adopted_proposal_counts(p.pk for p in people)
    return _each(people, requirements, lambda p, r: Decimal(counts.get(p.pk, 0)) or None)


def _qa_heading(requirement):
    dimension = str(QADimension(requirement.option).label) if requirement.option else _("overall")
    return _("QA score (%(dimension)s) ≥ %(n)s") % {
        "dimension": dimension,
        "n": number(requirement.target),
    }


def _level_field():
    return forms.ChoiceField(
        label=_("Certification held"), required=False, choices=[("", "—"), *LevelCode.choices]
    )


def _qa_field(option: str, label):
    def field():
        words = (
            _("QA score, %(dimension)s") % {"dimension": label}
            if option
            else _("QA score, overall")
        )
        return score_field(words)()

    return field


def register_certification_requirement_kinds() -> None:
    """Called from certification's AppConfig.ready(); labels are read in the reader's language."""
    register_requirement_kind(
        RequirementKind(
            "certification_level",
            heading=lambda r: (
                _("%(level)s certification or higher")
                % {"level": LevelCode(LEVEL_BY_RANK[int(r.target)]).label}
            ),
            measure=_level_measure,
            inputs=[
                RequirementInput(
                    "",
                    _level_field,
                    to_target=lambda code: Decimal(LEVEL_RANK[code]) if code else None,
                )
            ],
            show=_level_show,
            gap=lambda value, r: _("holds %(level)s") % {"level": _level_show(value, r)},
            order=10,
        )
    )
    register_requirement_kind(
        RequirementKind(
            "tenure_months",
            heading=lambda r: _("%(n)s months' service") % {"n": number(r.target)},
            measure=_tenure_measure,
            inputs=[RequirementInput("", count_field(gettext_lazy("Months of service")))],
            show=lambda value, r: _("%(n)s months") % {"n": number(value)},
            gap=lambda value, r: _("%(n)s months short") % {"n": number(r.target - value)},
            order=20,
        )
    )
    for code, model, label, heading, order in (
        (
            "courses_authored",
            CurriculumPage,
            gettext_lazy("Original courses published"),
            gettext_lazy("%(n)s original courses"),
            30,
        ),
        (
            "cases_authored",
            CasePage,
            gettext_lazy("Front-line cases published"),
            gettext_lazy("%(n)s front-line cases"),
            40,
        ),
    ):
        register_requirement_kind(
            RequirementKind(
                code,
                heading=lambda r, heading=heading: str(heading) % {"n": number(r.target)},
                measure=_authored_measure(model),
                inputs=[RequirementInput("", count_field(label))],
                gap=default_gap,
                order=order,
            )
        )
    register_requirement_kind(
        RequirementKind(
            "qa_score",
            heading=_qa_heading,
            measure=_qa_measure,
            inputs=[
                RequirementInput("", _qa_field("", "")),
                *(
                    RequirementInput(option, _qa_field(option, label))
                    for option, label in QADimension.choices
                ),
            ],
            gap=default_gap,
            order=50,
        )
    )
    register_requirement_kind(
        RequirementKind(
            "recommendation",
            heading=lambda r: _("A lead's recommendation"),
            measure=_recommendation_measure,
            inputs=[
                RequirementInput(
                    "",
                    flag_field(gettext_lazy("Needs a lead's recommendation for this position")),
                    to_target=lambda checked: Decimal(1) if checked else None,
                )
            ],
            show=lambda value, r: _("recommended"),
            order=70,
        )
    )
    register_requirement_kind(
        RequirementKind(
            "proposals_adopted",
            heading=lambda r: _("%(n)s improvement proposals adopted") % {"n": number(r.target)},
            measure=_proposals_measure,
            inputs=[
                RequirementInput("", count_field(gettext_lazy("Improvement proposals adopted")))
            ],
            gap=default_gap,
            order=80,
        )
    )

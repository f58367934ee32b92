"""
Promotion tracks: for each person, every step open from their position with each
requirement checked (certification, tenure, authored courses and cases, QA, a lead's
recommendation, improvement proposals adopted), in a fixed number of queries for any number
of people.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CasePage
from certification.models import LEVEL_RANK, LevelCode, QAScore, Recommendation, TrackStep
from certification.selectors.proposals import adopted_proposal_counts
from certification.selectors.standing import score_display, standings_for, tenure_months
from lms.models import CurriculumPage


@dataclass
class Check:
    label: str
    met: bool
    detail: str = ""


@dataclass
class StepOption:
    step: TrackStep
    checks: list[Check] = field(default_factory=list)
    recommended: bool = False

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.met]

    @property
    def eligible(self) -> bool:
        return not self.missing

    @property
    def close(self) -> bool:
        """One requirement short: the people a lead should be coaching now."""
        return len(self.missing) == 1

    @property
    def waits_for_recommendation(self) -> bool:
        """Everything met but a lead's recommendation: the next move is the lead's."""
        return self.step.needs_recommendation and not self.recommended and self.close


def _authored_counts(user_ids) -> tuple[dict[int, int], dict[int, int]]:
    """Published curricula and cases each person owns (two queries)."""

    def counts(model):
        rows = (
            # Page querysets order by tree path; without order_by() the path joins the
            # GROUP BY and every page counts as its own group.
            model.objects.live()
            .filter(owner_id__in=list(user_ids))
            .order_by()
            .values("owner_id")
            .annotate(n=Count("pk"))
        )
        return {row["owner_id"]: row["n"] for row in rows}

    return counts(CurriculumPage), counts(CasePage)


def qa_period_end(period: str) -> tuple[int, int]:
    """(year, last month) of a QA period written 2026-10, 2026Q3 or 2026H2, to compare them."""
    year, rest = int(period[:4]), period[4:]
    if rest.startswith("Q"):
        return year, 3 * int(rest[1:])
    if rest.startswith("H"):
        return year, 6 * int(rest[1:])
    return year, int(rest.lstrip("-") or 12)


def latest_qa_scores(user_ids) -> dict[int, QAScore]:
    """Each person's most recent QA score, whichever way its period was written."""
    latest: dict[int, QAScore] = {}
    for score in QAScore.objects.filter(user_id__in=list(user_ids)):
        best = latest.get(score.user_id)
        if best is None or qa_period_end(score.period) > qa_period_end(best.period):
            latest[score.user_id] = score
    return latest


def promotion_options_for(users, today: dt.date | None = None, standings=None):
    """
    For each person, every track step open from their position with each requirement
    checked: {user_id: [StepOption, ...]}, eligible steps first. Six queries in all (five
    when the caller already has the standings), one more when a step counts adopted
    improvement proposals.
    """
    today = today or timezone.localdate()
    users = list(users)
    user_ids = [u.pk for u in users]
    steps_by_position: dict[str, list[TrackStep]] = defaultdict(list)
    wording: dict[int, dict[str, str]] = {}
    for step in TrackStep.objects.all():
        steps_by_position[step.from_position].append(step)
        # What each step asks, translated once here rather than once per person (a team
        # page checks every step of 50 people).
        step.to_label = str(step.get_to_position_display())
        wording[step.pk] = {
            "level": _("%(level)s certification held")
            % {"level": LevelCode(step.required_level).label}
            if step.required_level
            else "",
            "months": _("%(months)s months in the current position")
            % {"months": step.min_months_in_position},
            "courses": _("%(n)s courses authored and published") % {"n": step.courses_authored},
            "cases": _("%(n)s cases authored and published") % {"n": step.cases_authored},
            "qa": _("QA score of at least %(score)s") % {"score": score_display(step.min_qa_score)}
            if step.min_qa_score is not None
            else "",
            "recommendation": _("A lead's recommendation"),
            "proposals": _("%(n)s improvement proposals adopted") % {"n": step.proposals_adopted},
        }
    no_score = _("no score imported")
    if standings is None:
        standings = standings_for(user_ids, today)
    courses, cases = _authored_counts(user_ids)
    qa = latest_qa_scores(user_ids)
    # Adopted improvement proposals: read only when a step asks for them (the supervisor
    # track), so pages of people with no such step pay nothing for it.
    adopted = (
        adopted_proposal_counts(user_ids)
        if any(step.proposals_adopted for steps in steps_by_position.values() for step in steps)
        else {}
    )
    recommended = set(
        Recommendation.objects.filter(user_id__in=user_ids).values_list("user_id", "step_id")
    )
    options: dict[int, list[StepOption]] = {}
    for user in users:
        rank = standings[user.pk].rank
        months = tenure_months(user.position_since or user.hire_date, today)
        person_options = []
        for step in steps_by_position.get(user.position, []):
            option = StepOption(step, recommended=(user.pk, step.pk) in recommended)
            says = wording[step.pk]
            if step.required_level:
                option.checks.append(Check(says["level"], rank >= LEVEL_RANK[step.required_level]))
            if step.min_months_in_position:
                option.checks.append(
                    Check(
                        says["months"],
                        months >= step.min_months_in_position,
                        _("now %(months)s") % {"months": months},
                    )
                )
            if step.courses_authored:
                have = courses.get(user.pk, 0)
                option.checks.append(
                    Check(
                        says["courses"],
                        have >= step.courses_authored,
                        _("now %(n)s") % {"n": have},
                    )
                )
            if step.cases_authored:
                have = cases.get(user.pk, 0)
                option.checks.append(
                    Check(says["cases"], have >= step.cases_authored, _("now %(n)s") % {"n": have})
                )
            if step.min_qa_score is not None:
                score = qa.get(user.pk)
                option.checks.append(
                    Check(
                        says["qa"],
                        score is not None and score.score >= step.min_qa_score,
                        _("%(period)s: %(score)s")
                        % {"period": score.period, "score": score_display(score.score)}
                        if score
                        else no_score,
                    )
                )
            if step.needs_recommendation:
                option.checks.append(Check(says["recommendation"], option.recommended))
            if step.proposals_adopted:
                have = adopted.get(user.pk, 0)
                option.checks.append(
                    Check(
                        says["proposals"],
                        have >= step.proposals_adopted,
                        _("now %(n)s") % {"n": have},
                    )
                )
            person_options.append(option)
        person_options.sort(key=lambda o: (len(o.missing), o.step.kind != "vertical"))
        options[user.pk] = person_options
    return options


def waiting_for_recommendation(people, today: dt.date | None = None) -> list:
    """
    Those of `people` (a QuerySet) who meet every requirement of a track step but the
    lead's recommendation: the to-do line "recommendations waiting". Eight queries
    whatever their number: only people in a position some such step starts from are read.
    """
    positions = TrackStep.objects.filter(needs_recommendation=True).values("from_position")
    candidates = list(people.filter(position__in=positions))
    if not candidates:
        return []
    options = promotion_options_for(candidates, today)
    return [
        person
        for person in candidates
        if any(option.waits_for_recommendation for option in options[person.pk])
    ]

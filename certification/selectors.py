"""
Reading certification state for pages and exports. Every function here takes a list of
people and answers for all of them in a fixed number of queries, so a team page costs the
same for five members as for five hundred.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import (
    LEVEL_RANK,
    Certificate,
    CertificateStatus,
    Cycle,
    LevelCode,
    QAScore,
    Recommendation,
    Result,
    TrackStep,
)


def tenure_months(start: dt.date | None, today: dt.date) -> int:
    """Whole months from `start` to `today` (0 when unknown)."""
    if start is None:
        return 0
    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day:
        months -= 1
    return max(months, 0)


class Standing:
    VALID = "valid"
    LAPSING = "lapsing"
    LAPSED = "lapsed"
    NEVER = "never"


STANDING_LABELS = {
    Standing.VALID: gettext_lazy("Valid"),
    Standing.LAPSING: gettext_lazy("Lapsing soon"),
    Standing.LAPSED: gettext_lazy("Lapsed"),
    Standing.NEVER: gettext_lazy("Never certified"),
}


@dataclass
class CertStanding:
    """A person's certification at a glance: the level that counts and how long it lasts."""

    status: str
    certificate: Certificate | None = None
    days_left: int | None = None

    @property
    def level(self) -> str:
        return self.certificate.level if self.certificate else ""

    @property
    def level_name(self) -> str:
        return LevelCode(self.certificate.level).label if self.certificate else ""

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.status]

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.certificate.level] if self.certificate and self.current else 0

    @property
    def current(self) -> bool:
        return self.status in (Standing.VALID, Standing.LAPSING)


def certificates_by_user(user_ids) -> dict[int, list[Certificate]]:
    by_user: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in Certificate.objects.filter(user_id__in=list(user_ids)).order_by(
        "-issued_on", "-pk"
    ):
        by_user[certificate.user_id].append(certificate)
    return by_user


def standing_of(certificates: list[Certificate], today: dt.date) -> CertStanding:
    """The highest valid certificate (lapsing if within the warning period), else lapsed."""
    valid = [c for c in certificates if c.status(today) == CertificateStatus.VALID]
    if valid:
        best = max(valid, key=lambda c: (LEVEL_RANK[c.level], c.expires_on))
        days_left = (best.expires_on - today).days
        lapsing = days_left <= settings.CERTIFICATE_LAPSE_WARNING_DAYS
        return CertStanding(Standing.LAPSING if lapsing else Standing.VALID, best, days_left)
    held = [c for c in certificates if not c.revoked_at]
    if held:
        best = max(held, key=lambda c: (c.expires_on, LEVEL_RANK[c.level]))
        return CertStanding(Standing.LAPSED, best, (best.expires_on - today).days)
    return CertStanding(Standing.NEVER)


def standings_for(user_ids, today: dt.date | None = None, certificates=None):
    today = today or timezone.localdate()
    certificates = certificates if certificates is not None else certificates_by_user(user_ids)
    return {uid: standing_of(certificates.get(uid, []), today) for uid in user_ids}


def last_cycle_with_results() -> Cycle | None:
    return Cycle.objects.filter(results__isnull=False).distinct().order_by("-year", "-half").first()


def results_in_cycle(cycle: Cycle | None, user_ids) -> dict[int, list[Result]]:
    by_user: dict[int, list[Result]] = defaultdict(list)
    if cycle is None:
        return by_user
    for result in Result.objects.filter(cycle=cycle, user_id__in=list(user_ids)):
        by_user[result.user_id].append(result)
    return by_user


# --- Promotion tracks -----------------------------------------------------------------------


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


def _authored_counts(user_ids) -> tuple[dict[int, int], dict[int, int]]:
    """Published curricula and cases each person owns (two queries)."""
    from cases.models import CasePage
    from lms.models import CurriculumPage

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
    when the caller already has the standings).
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
        }
    no_score = _("no score imported")
    if standings is None:
        standings = standings_for(user_ids, today)
    courses, cases = _authored_counts(user_ids)
    qa = latest_qa_scores(user_ids)
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
            person_options.append(option)
        person_options.sort(key=lambda o: (len(o.missing), o.step.kind != "vertical"))
        options[user.pk] = person_options
    return options


def level_distribution(standings: dict) -> list[tuple[str, str, int]]:
    """(code, label, count) for each level held now, then lapsed and never (for the chart)."""
    counts = defaultdict(int)
    for standing in standings.values():
        key = standing.level if standing.current else standing.status
        counts[key] += 1
    rows = [(code, str(label), counts[code]) for code, label in LevelCode.choices]
    rows.append((Standing.LAPSED, str(STANDING_LABELS[Standing.LAPSED]), counts[Standing.LAPSED]))
    rows.append((Standing.NEVER, str(STANDING_LABELS[Standing.NEVER]), counts[Standing.NEVER]))
    return rows


def lapse_timeline(standings: dict, today: dt.date, months: int = 12) -> list[tuple[str, int]]:
    """How many current certifications lapse in each of the coming months."""
    keys = [
        (today.year + (today.month - 1 + offset) // 12, (today.month - 1 + offset) % 12 + 1)
        for offset in range(months)
    ]
    counts = dict.fromkeys(keys, 0)
    for standing in standings.values():
        if standing.current:
            expires = standing.certificate.expires_on
            if (expires.year, expires.month) in counts:
                counts[expires.year, expires.month] += 1
    return [(f"{year}-{month:02d}", counts[year, month]) for year, month in keys]


def score_display(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"

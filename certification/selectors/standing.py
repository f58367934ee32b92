"""
A person's certification at a glance, for many people at once: every function takes a list
of people and answers in a fixed number of queries, so a team page costs the same for five
members as for five hundred.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from certification.models import (
    LEVEL_RANK,
    Certificate,
    CertificateStatus,
    Cycle,
    LevelCode,
    Result,
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
    """Each person's certificates, newest first, without the signed credential (a few KB
    of JSON each that no standing or table reads; it is served from the verification
    page)."""
    by_user: dict[int, list[Certificate]] = defaultdict(list)
    for certificate in (
        Certificate.objects.filter(user_id__in=list(user_ids))
        .defer("credential")
        .order_by("-issued_on", "-pk")
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
    """
    The latest cycle holding any result. Asked as EXISTS per cycle (a probe of the result
    index for each of a few cycles), not as a join with DISTINCT, which reads every result.
    """
    has_results = Exists(Result.objects.filter(cycle=OuterRef("pk")))
    return Cycle.objects.filter(has_results).order_by("-year", "-half").first()


def results_in_cycle(cycle: Cycle | None, user_ids) -> dict[int, list[Result]]:
    by_user: dict[int, list[Result]] = defaultdict(list)
    if cycle is None:
        return by_user
    for result in Result.objects.filter(cycle=cycle, user_id__in=list(user_ids)):
        by_user[result.user_id].append(result)
    return by_user


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

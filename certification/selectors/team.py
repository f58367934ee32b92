"""
The lead's team certification page and its exports: each person in scope with their
standing, last cycle's results and, when asked, their promotion options. A fixed number of
queries whatever the team's size.

Level held, standing and promotion are worked out from certificates, results and track
steps rather than stored, so filtering on them is done here over the rows of the scope.
"""

from datetime import date

from django.db.models import QuerySet

from certification.models import LEVEL_RANK, Registration
from certification.selectors.cycles import current_cycle
from certification.selectors.promotion import promotion_options_for
from certification.selectors.standing import (
    Standing,
    certificates_by_user,
    last_cycle_with_results,
    results_in_cycle,
    standing_of,
)


def team_certification_rows(
    *,
    people: QuerySet,
    today: date,
    level: str = "",
    standing: str = "",
    promotion: str = "",
    chase: str = "",
    with_promotion: bool = True,
):
    """
    Rows ({"person", "standing", "results"}, plus "eligible" and "close" with promotion)
    for the active `people` (already narrowed to the viewer's scope and the database
    filters), filtered on level held, standing and promotion. Returns (rows, last_cycle).
    """
    people = list(
        people.filter(is_active=True)
        .select_related("team")
        .order_by("team__name", "employee_no", "username")
    )
    ids = [person.pk for person in people]
    certificates = certificates_by_user(ids)
    last_cycle = last_cycle_with_results()
    results = results_in_cycle(last_cycle, ids)
    # The cycle people register for or sit now: who registered, and any result already in.
    current = current_cycle(today)
    registered: dict[int, list[str]] = {}
    current_results = {}
    if current is not None:
        # Not `level`: that is the filter asked for, and a loop over it once left the page
        # filtered on the last registration's level.
        for user_id, registered_level in Registration.objects.filter(
            cycle=current, user_id__in=ids
        ).values_list("user_id", "level"):
            registered.setdefault(user_id, []).append(registered_level)
        current_results = results if last_cycle == current else results_in_cycle(current, ids)
    rows = [
        {
            "person": person,
            "standing": standing_of(certificates.get(person.pk, []), today),
            "results": sorted(results.get(person.pk, []), key=lambda result: result.level),
            "registered": sorted(registered.get(person.pk, []), key=LEVEL_RANK.get),
            "current_results": current_results.get(person.pk, []),
        }
        for person in people
    ]
    if level:
        rows = [r for r in rows if r["standing"].current and r["standing"].level == level]
    if standing:
        rows = [r for r in rows if r["standing"].status == standing]
    if chase == "lapsing_unregistered":
        rows = [r for r in rows if r["standing"].status == Standing.LAPSING and not r["registered"]]
    if with_promotion or promotion or chase == "recommendation_waiting":
        promotion_attach(rows, today)
    if promotion:
        rows = [r for r in rows if r[promotion]]
    if chase == "recommendation_waiting":
        rows = [r for r in rows if any(o.waits_for_recommendation for o in r["close"])]
    return rows, last_cycle


def promotion_attach(rows, today: date) -> None:
    """Each row's eligible and one-short track steps (a fixed number of queries)."""
    if not rows or "eligible" in rows[0]:
        return
    options = promotion_options_for(
        [row["person"] for row in rows],
        today,
        standings={row["person"].pk: row["standing"] for row in rows},
    )
    for row in rows:
        person_options = options[row["person"].pk]
        row["eligible"] = [option for option in person_options if option.eligible]
        row["close"] = [option for option in person_options if option.close]

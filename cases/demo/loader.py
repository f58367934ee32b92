"""
Demo case library: the cases of data/cases/*.yaml spread over past weeks (one short week), a
product that changed (its older cases go stale), clinic sessions, some cases read, and this
week's edition opened. Cases are known by their slug, so loading twice changes nothing, and
a new file in data/cases/ is all a new batch of cases needs: a case's body takes any block
type a case page knows.
"""

import datetime as dt
from collections import Counter
from pathlib import Path

from django.utils import timezone

from cases.models import (
    CaseLibraryPage,
    CasePage,
    CaseSearch,
    Channel,
    ClinicSession,
    Difficulty,
    Product,
    ScenarioType,
)
from cases.pii import describe, mask_in, mask_pii
from cases.search.log import case_search_record
from cases.search.results import case_search_page
from cases.selectors import live_cases, week_start_of
from cases.services import case_mark_read, case_review_workflow_ensure, case_week_open
from lms.demo.content import academy_home, saved
from lms.demo.data import (
    DemoFile,
    Where,
    data_files,
    entries,
    fields,
    known,
    of_type,
    one_of,
    stream,
    stream_json,
)
from lms.models import Team, User
from lms.routing import pages_changed

DATA = Path(__file__).parent / "data"
CASE_BLOCKS = CasePage._meta.get_field("body").stream_block


def library_read(path: Path = DATA / "library.yaml") -> dict:
    data = DemoFile(path)
    library = fields(
        data.section("library", dict),
        data.where.child("library"),
        required=("title", "slug"),
        optional={"intro": ""},
    )
    out = {
        "library": library,
        "scenario_types": data.section("scenario_types"),
        "products": data.section("products"),
        "product_changes": [],
        "clinics": [],
        "reads": [],
        "searches": [],
    }
    for where, entry in entries(
        data.section("product_changes", required=False), data.where.child("product_changes")
    ):
        change = fields(entry, where, required=("product", "days_before_this_monday"))
        one_of(change["product"], out["products"], where, "product")
        out["product_changes"].append(change)
    for where, entry in entries(
        data.section("clinics", required=False), data.where.child("clinics")
    ):
        clinic = fields(
            entry,
            where,
            required=("weeks_ago", "team", "went_well", "to_improve"),
            optional={"cases": 2},
        )
        out["clinics"].append(clinic)
    for where, entry in entries(data.section("reads", required=False), data.where.child("reads")):
        out["reads"].append(fields(entry, where, required=("person", "cases")))
    for where, entry in entries(
        data.section("searches", required=False), data.where.child("searches")
    ):
        out["searches"].append(
            fields(entry, where, required=("person", "query"), optional={"times": 1})
        )
    return out


def cases_read(folder: Path = DATA / "cases", *, library: dict | None = None) -> list[dict]:
    """
    Every case of every file in `folder`, checked: known scenario, product, channel and
    difficulty, a valid body, slugs used once, and no personal data except in a case marked
    `has_pii: true` (the ones that show the masking at work).
    """
    library = library or library_read()
    cases, slugs = [], {}
    for path in data_files(folder):
        data = DemoFile(path)
        for where, entry in entries(data.section("cases"), data.where.child("cases"), "slug"):
            case = fields(
                entry,
                where,
                required=("title", "slug", "scenario", "channel", "difficulty", "body"),
                optional={"product": None, "weeks_ago": 0, "has_pii": False},
            )
            one_of(case["scenario"], library["scenario_types"], where, "scenario")
            if case["product"] is not None:
                one_of(case["product"], library["products"], where, "product")
            one_of(case["channel"], Channel, where, "channel")
            one_of(case["difficulty"], Difficulty, where, "difficulty")
            of_type(case["weeks_ago"], int, where, "weeks_ago")
            case["body"] = stream(CASE_BLOCKS, case["body"], where.child("body"))
            if case["slug"] in slugs:
                raise where.error(f"slug {case['slug']!r} is already used by {slugs[case['slug']]}")
            slugs[case["slug"]] = where
            found = case_body(case)[1]
            if bool(found) != case["has_pii"]:
                raise where.error(
                    f"holds personal data ({describe(found)}) without `has_pii: true`"
                    if found
                    else "is marked `has_pii: true` but holds no personal data to mask"
                )
            cases.append({**case, "where": where})
    return cases


def case_body(case: dict) -> tuple[str, Counter]:
    """The case's title and body masked the way the CMS masks them on save."""
    found: Counter = Counter()
    body = mask_in(case["body"], found)
    found.update(mask_pii(case["title"])[1])
    return stream_json(body), found


def case_library(home, data: dict) -> CaseLibraryPage:
    library = CaseLibraryPage.objects.first()
    if library is None:
        library = home.add_child(instance=CaseLibraryPage(**data))
    case_review_workflow_ensure(library)
    return library


def cases_ensure(library, cases: list[dict], scenarios, products, now) -> None:
    """Cases not there yet, published on a weekday of their week (five a week at most)."""
    this_monday = week_start_of(timezone.localdate(now))
    per_week: Counter = Counter()
    existing = set(CasePage.objects.child_of(library).values_list("slug", flat=True))
    for data in cases:
        weeks_ago = data["weeks_ago"]
        monday = this_monday - dt.timedelta(weeks=weeks_ago)
        day = monday + dt.timedelta(days=per_week[weeks_ago] % 5)
        per_week[weeks_ago] += 1
        if data["slug"] in existing:
            continue
        body, found = case_body(data)
        case = CasePage(
            title=mask_pii(data["title"])[0],
            slug=data["slug"],
            scenario=scenarios[data["scenario"]],
            channel=data["channel"],
            difficulty=data["difficulty"],
            product=products.get(data["product"]),
            body=body,
            masked_pii=dict(found),
        )
        saved(case, data["where"], lambda c=case: library.add_child(instance=c))
        case.save_revision().publish()
        moment = min(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))), now)
        CasePage.objects.filter(pk=case.pk).update(
            first_published_at=moment, last_published_at=moment
        )
        pages_changed()


def _clinics_ensure(clinics: list[dict], this_monday, where: Where) -> None:
    if ClinicSession.objects.exists():
        return
    teams = {team.name: team for team in Team.objects.all()}
    for clinic in clinics:
        team = known(clinic["team"], teams, where, "team", defined_in="people.yaml")
        held_on = this_monday - dt.timedelta(weeks=clinic["weeks_ago"]) + dt.timedelta(days=3)
        session = ClinicSession.objects.create(
            held_on=held_on, went_well=clinic["went_well"], to_improve=clinic["to_improve"]
        )
        session.teams.add(team)
        session.attendees.add(*team.members.filter(is_active=True))
        week = timezone.make_aware(dt.datetime.combine(held_on - dt.timedelta(days=3), dt.time()))
        published = CasePage.objects.filter(first_published_at__gte=week)
        session.cases.add(*published.order_by("first_published_at")[: clinic["cases"]])


def _reads_ensure(reads: list[dict], this_monday) -> None:
    start = timezone.make_aware(dt.datetime.combine(this_monday, dt.time.min))
    this_week = list(
        CasePage.objects.live().filter(first_published_at__gte=start).order_by("first_published_at")
    )
    for read in reads:
        person = User.objects.filter(username=read["person"]).first()
        for case in this_week[: read["cases"]] if person else []:
            case_mark_read(user=person, case=case)


def _searches_ensure(searches: list[dict]) -> None:
    """
    This week's searches, so the trainers' search report has something to show: each query
    goes through the real search, as the agent's team, as many times as listed. Searches
    already recorded are not recorded again.
    """
    if CaseSearch.objects.exists():
        return
    for search in searches:
        person = User.objects.filter(username=search["person"]).first()
        found = case_search_page(live_cases(), search["query"])
        for _ in range(search.get("times", 1)):
            case_search_record(
                query=search["query"],
                words=found.words,
                results=found.total,
                team_id=person.team_id if person else None,
            )


def load(*, stdout, now=None) -> None:
    now = now or timezone.now()
    data = library_read()
    cases = cases_read(library=data)
    library = case_library(academy_home(), data["library"])
    scenarios = {n: ScenarioType.objects.get_or_create(name=n)[0] for n in data["scenario_types"]}
    products = {name: Product.objects.get_or_create(name=name)[0] for name in data["products"]}
    before = CasePage.objects.count()
    cases_ensure(library, cases, scenarios, products, now)
    this_monday = week_start_of(timezone.localdate(now))
    for change in data["product_changes"]:
        day = this_monday - dt.timedelta(days=change["days_before_this_monday"])
        Product.objects.filter(name=change["product"], changed_at__isnull=True).update(
            changed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        )
    _clinics_ensure(data["clinics"], this_monday, Where(DATA / "library.yaml", "clinics"))
    _reads_ensure(data["reads"], this_monday)
    _searches_ensure(data["searches"])
    case_week_open(now=now)
    stdout.write(f"Case library: {CasePage.objects.count() - before} cases added.")

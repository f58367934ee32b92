"""
A synthetic service centre for benchmarks, after Moodle's size ladder (S, M, L): teams with
leads and supervisors, staff with Chinese names, the onboarding curriculum with go-live
progress and graded attempts, a case library, certification cycles with certificates, QA
scores and promotion steps. Built with bulk statements so size L takes minutes, not hours.

Everything generated carries employee numbers starting GS, so a benchmark can tell its own
rows from real ones; `generate_site` refuses a database that already holds people.
"""

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

PREFIX = "GS"
PASSWORD = "Bench-2026"  # noqa: S105 - synthetic accounts for benchmarks only


@dataclass(frozen=True)
class Size:
    staff: int
    teams: int
    cases: int


SIZES = {
    "S": Size(staff=100, teams=5, cases=200),
    "M": Size(staff=1_000, teams=20, cases=2_000),
    "L": Size(staff=10_000, teams=200, cases=20_000),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
    "韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂"
    "英华玉萍红娥玲芬燕彬鑫欣怡嘉琪子涵浩宇梓轩雨萱思远佳怡晨曦"
)

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def _chinese_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _chunks(items, size=2_000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def site_generate(size: str, *, progress: Progress = _quiet, seed: int = 2026) -> dict:
    """Build the synthetic centre of the given size; returns counts of what was made."""
    spec = SIZES[size]
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    now = timezone.now()
    today = timezone.localdate(now)
    counts: dict[str, int] = {}
    with transaction.atomic():
        teams, people = _people(spec, rng, today, progress)
        counts.update(teams=len(teams), staff=len(people))
        counts.update(_onboarding(people, rng, now, progress))
    with transaction.atomic():
        counts.update(cases=_cases(spec, rng, people, now, progress))
    with transaction.atomic():
        counts.update(_certification(people, rng, today, progress))
    # Bulk inserts leave the planner's statistics empty until autovacuum comes round; a
    # real centre's database has them, and the pages should be measured as they run there.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


# --- People -------------------------------------------------------------------------------


def _people(spec: Size, rng, today, progress):
    from lms.models import Position, Team, User
    from lms.services.people import staff_roles_sync

    progress("teams", 0, spec.teams)
    Team.objects.bulk_create(
        [Team(name=f"{PREFIX}{n:03d}组") for n in range(1, spec.teams + 1)], batch_size=1_000
    )
    teams = list(Team.objects.filter(name__startswith=PREFIX).order_by("name"))
    password = make_password(PASSWORD)  # hashed once: every synthetic account shares it
    per_team = max(spec.staff // spec.teams, 1)
    people = []
    for n in range(spec.staff):
        team = teams[min(n // per_team, len(teams) - 1)]
        index_in_team = n % per_team
        if index_in_team == 0:
            position = Position.TEAM_LEAD
        elif n % 97 == 1:
            position = Position.SENIOR_AGENT
        else:
            position = Position.AGENT
        number = f"{PREFIX}{n + 1:06d}"
        people.append(
            User(
                username=number.lower(),
                employee_no=number,
                display_name=_chinese_name(rng),
                team=team,
                position=position,
                hire_date=today - dt.timedelta(days=rng.randint(3, 2_000)),
                password=password,
            )
        )
    for done, chunk in enumerate(_chunks(people), start=1):
        User.objects.bulk_create(chunk)
        progress("staff", min(done * 2_000, len(people)), len(people))
    people = list(User.objects.filter(employee_no__startswith=PREFIX).order_by("employee_no"))
    # One supervisor for every ten teams, leads for their own team.
    supervisors = []
    for n in range(0, len(teams), 10):
        number = f"{PREFIX}S{n // 10 + 1:05d}"
        supervisors.append(
            User(
                username=number.lower(),
                employee_no=number,
                display_name=_chinese_name(rng),
                position=Position.SUPERVISOR,
                hire_date=today - dt.timedelta(days=3_000),
                password=password,
            )
        )
    User.objects.bulk_create(supervisors)
    supervisors = list(User.objects.filter(employee_no__startswith=f"{PREFIX}S"))
    Team.supervisors.through.objects.bulk_create(
        [
            Team.supervisors.through(team_id=team.pk, user_id=supervisors[i // 10].pk)
            for i, team in enumerate(teams)
        ]
    )
    staff_roles_sync(users=people + supervisors)  # leads lead their team, roles by position
    return teams, people


# --- Onboarding -------------------------------------------------------------------------


def _onboarding(people, rng, now, progress) -> dict:
    from lms.demo.seed import academy_home, golive_quiz, onboarding_curriculum, question_bank
    from lms.models import (
        Attempt,
        AttemptItem,
        GoLiveState,
        GoLiveStatus,
        LessonCompletion,
        LessonPage,
        Position,
    )

    home = academy_home()
    curriculum = onboarding_curriculum(home)
    quiz = golive_quiz(question_bank())
    if not curriculum.golive_quizzes.filter(pk=quiz.pk).exists():
        curriculum.golive_quizzes.add(quiz)  # a parental relation: saved with the page
        curriculum.save()
    lessons = list(LessonPage.objects.live().descendant_of(curriculum).values_list("pk", flat=True))
    questions = list(
        quiz.sections.exclude(category=None).values_list("category__questions", flat=True)
    )[:10]
    new_hires = [p for p in people if p.position == Position.AGENT][::10]
    statuses, completions, attempts = [], [], []
    states = (GoLiveState.IN_TRAINING, GoLiveState.READY, GoLiveState.LIVE)
    for n, person in enumerate(new_hires):
        state = states[n % 3]
        statuses.append(
            GoLiveStatus(
                user=person,
                curriculum=curriculum,
                state=state,
                live_since=now if state == GoLiveState.LIVE else None,
            )
        )
        done = len(lessons) if state != GoLiveState.IN_TRAINING else rng.randint(0, len(lessons))
        completions += [LessonCompletion(user=person, lesson_id=pk) for pk in lessons[:done]]
        if state != GoLiveState.IN_TRAINING:
            started = now - dt.timedelta(days=rng.randint(1, 20), minutes=30)
            attempts.append(
                Attempt(
                    user=person,
                    quiz=quiz,
                    number=1,
                    status=Attempt.Status.GRADED,
                    started_at=started,
                    submitted_at=started + dt.timedelta(minutes=20),
                    graded_at=started + dt.timedelta(minutes=20),
                    pass_mark_percent=quiz.pass_mark_percent,
                    max_points=Decimal(len(questions)),
                    points=Decimal(len(questions)),
                    percent=Decimal(100),
                    passed=True,
                )
            )
    GoLiveStatus.objects.bulk_create(statuses, batch_size=2_000)
    progress("onboarding", 1, 3)
    LessonCompletion.objects.bulk_create(completions, batch_size=5_000)
    progress("onboarding", 2, 3)
    Attempt.objects.bulk_create(attempts, batch_size=2_000)
    saved = Attempt.objects.filter(quiz=quiz, user__employee_no__startswith=PREFIX)
    items = [
        AttemptItem(
            attempt_id=attempt_id,
            position=position,
            question_id=question_id,
            choice_order=[],
            max_points=Decimal(1),
            points=Decimal(1),
            correct=True,
        )
        for attempt_id in saved.values_list("pk", flat=True)
        for position, question_id in enumerate(questions, start=1)
    ]
    AttemptItem.objects.bulk_create(items, batch_size=5_000)
    progress("onboarding", 3, 3)
    return {
        "golive": len(statuses),
        "lesson_completions": len(completions),
        "attempts": len(attempts),
    }


# --- Cases -------------------------------------------------------------------------------


def _cases(spec: Size, rng, people, now, progress) -> int:
    """
    Cases as children of the library, written with bulk statements: Wagtail's tree paths
    are computed here (the library's path plus a four-character step per child), the page
    rows are bulk-inserted and each CasePage row is inserted on its own (Django cannot
    bulk-insert a multi-table model). Bodies and their search text come from the demo
    cases, cut once per variant rather than once per case.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from cases.demo import _body, case_library
    from cases.demo_cases import CASES, PRODUCTS, SCENARIO_TYPES
    from cases.models import CasePage, Product, ScenarioType
    from cases.search import case_search_text
    from lms.demo.seed import academy_home

    library = case_library(academy_home())
    scenarios = [ScenarioType.objects.get_or_create(name=name)[0] for name in SCENARIO_TYPES]
    products = [Product.objects.get_or_create(name=name)[0] for name in PRODUCTS]
    variants = []
    for data in CASES:
        body, _found = _body(data)
        probe = CasePage(title=data["title"], body=body)
        variants.append((data, body, case_search_text(probe)))
    content_type = ContentType.objects.get_for_model(CasePage)
    authors = people[:: max(len(people) // 50, 1)]
    # treebeard trusts numchild; these statements keep it right themselves.
    children = Page.objects.filter(path__startswith=library.path, depth=library.depth + 1)
    last = children.order_by("-path").first()
    start = Page._str2int(last.path[-Page.steplen :]) if last else 0
    pages = []
    for n in range(spec.cases):
        data, _body_json, _text = variants[n % len(variants)]
        # Spread evenly over the past year, newest first, so every size has cases this week.
        moment = now - dt.timedelta(hours=1) - (n * dt.timedelta(weeks=52)) / spec.cases
        pages.append(
            Page(
                path=Page._get_path(library.path, library.depth + 1, start + n + 1),
                depth=library.depth + 1,
                numchild=0,
                title=f"{data['title']}（{n + 1}）",
                draft_title=f"{data['title']}（{n + 1}）",
                slug=f"{PREFIX.lower()}-case-{n + 1}",
                content_type=content_type,
                live=True,
                first_published_at=moment,
                last_published_at=moment,
                owner=authors[n % len(authors)],
                locale_id=library.locale_id,
                url_path=f"{library.url_path}{PREFIX.lower()}-case-{n + 1}/",
            )
        )
    for done, chunk in enumerate(_chunks(pages), start=1):
        Page.objects.bulk_create(chunk)
        progress("cases", min(done * 2_000, len(pages)) // 2, len(pages))
    page_ids = list(
        Page.objects.filter(slug__startswith=f"{PREFIX.lower()}-case-")
        .order_by("path")
        .values_list("pk", flat=True)
    )
    for n, page_id in enumerate(page_ids):
        data, body, text = variants[n % len(variants)]
        case = CasePage(
            page_ptr_id=page_id,
            scenario=scenarios[n % len(scenarios)],
            channel=data["channel"],
            difficulty=data["difficulty"],
            product=products[n % len(products)],
            body=body,
            search_text=text,
        )
        case.save_base(raw=True, force_insert=True)
        if n % 500 == 0:
            progress("cases", len(pages) // 2 + n // 2, len(pages))
    Page.objects.filter(pk=library.pk).update(numchild=children.count())
    progress("cases", len(pages), len(pages))
    return len(pages)


# --- Certification -------------------------------------------------------------------------


def _certification(people, rng, today, progress) -> dict:
    """
    Two past cycles and the open one from the demo, a result for most people in the past
    cycles and a certificate for each pass. The certificates share one really rendered PDF
    (the same bytes, so its fingerprint checks out) instead of rendering thousands.
    """
    from django.conf import settings
    from django.core.files.base import ContentFile

    from certification.demo import cycles_ensure, levels_ensure, track_steps_ensure
    from certification.models import (
        LEVEL_NAME_EN,
        LEVEL_NAME_ZH,
        LEVEL_SERIAL,
        Certificate,
        LevelCode,
        QAScore,
        Result,
    )
    from certification.rendering import certificate_pdf
    from certification.services import TEMPLATE_VERSION, verification_code_new

    levels_ensure()
    track_steps_ensure()
    _open_cycle, past = cycles_ensure(today)  # the open one has no results: people sit it
    codes = [LevelCode.JUNIOR, LevelCode.INTERMEDIATE, LevelCode.SENIOR]
    results, certificates = [], []
    serial_numbers: dict[str, int] = {}
    for age in (2, 1):
        cycle = past[age]
        issued_on = cycle.results_published_on or cycle.exam_closes
        for n, person in enumerate(people):
            if rng.random() < 0.3:
                continue
            level = codes[min(int(rng.random() * 3), 2) if n % 5 else 0]
            percent = Decimal(rng.randint(55, 100))
            passed = percent >= 80
            results.append(
                Result(user=person, cycle=cycle, level=level, passed=passed, percent=percent)
            )
            if not passed:
                continue
            prefix = f"{LEVEL_SERIAL[level]}-{cycle.code}-"
            serial_numbers[prefix] = serial_numbers.get(prefix, 0) + 1
            certificates.append(
                Certificate(
                    serial=f"{prefix}{serial_numbers[prefix]:05d}",
                    verification_code=verification_code_new(),
                    user=person,
                    cycle=cycle,
                    level=level,
                    holder_name=person.display_name,
                    holder_employee_no=person.employee_no,
                    level_name_zh=LEVEL_NAME_ZH[level],
                    level_name_en=LEVEL_NAME_EN[level],
                    cycle_name_zh=cycle.name_zh,
                    cycle_name_en=cycle.name_en,
                    percent=percent,
                    issued_on=issued_on,
                    expires_on=cycle.valid_until,
                    template_version=TEMPLATE_VERSION,
                    issuer_name=settings.ACADEMY_NAME,
                    render_state=Certificate.RenderState.READY,
                    render_attempts=1,
                )
            )
        progress("certification", 3 - age, 3)
    Result.objects.bulk_create(results, batch_size=5_000)
    # Older certificates of the same person are superseded by their later ones.
    latest: dict[int, Certificate] = {}
    for certificate in certificates:
        latest[certificate.user_id] = certificate
    sample = certificates[0] if certificates else None
    if sample is not None:
        pdf = certificate_pdf(sample)
        storage = Certificate._meta.get_field("pdf").storage
        name = storage.save(f"certificates/{PREFIX}-sample.pdf", ContentFile(pdf))
        digest = hashlib.sha256(pdf).hexdigest()
        for certificate in certificates:
            certificate.pdf, certificate.pdf_sha256 = name, digest
    Certificate.objects.bulk_create(certificates, batch_size=5_000)
    by_key = {
        (c.user_id, c.cycle_id, c.level): c.pk
        for c in Certificate.objects.filter(user__employee_no__startswith=PREFIX).only(
            "pk", "user_id", "cycle_id", "level"
        )
    }
    superseded = [
        Certificate(
            pk=by_key[c.user_id, c.cycle_id, c.level],
            superseded_by_id=by_key[
                latest[c.user_id].user_id, latest[c.user_id].cycle_id, latest[c.user_id].level
            ],
        )
        for c in certificates
        if c is not latest[c.user_id]
    ]
    Certificate.objects.bulk_update(superseded, ["superseded_by"], batch_size=5_000)
    result_ids = {
        (r.user_id, r.cycle_id, r.level): r.pk
        for r in Result.objects.filter(user__employee_no__startswith=PREFIX).only(
            "pk", "user_id", "cycle_id", "level"
        )
    }
    linked = [Certificate(pk=pk, result_id=result_ids[key]) for key, pk in by_key.items()]
    Certificate.objects.bulk_update(linked, ["result"], batch_size=5_000)
    QAScore.objects.bulk_create(
        [
            QAScore(user=person, period=period, score=Decimal(rng.randint(70, 99)))
            for person in people
            for period in ("2026Q2", "2026Q3")
        ],
        batch_size=5_000,
    )
    progress("certification", 3, 3)
    return {"results": len(results), "certificates": len(certificates)}

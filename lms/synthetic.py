"""
A synthetic service centre for benchmarks, after Moodle's size ladder (S, M, L): teams with
leads and supervisors, staff with Chinese names, the onboarding curriculum with go-live
progress and graded attempts. The feature apps add their parts (a case library,
certification) through `lms.features.register_site_builder`. Built with bulk statements so
size L takes minutes, not hours.

Everything generated carries employee numbers starting GS, so a benchmark can tell its own
rows from real ones; `generate_site` refuses a database that already holds people.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from lms.demo.loader import onboarding_ensure, questions_ensure
from lms.features import site_builders
from lms.models import (
    Attempt,
    AttemptItem,
    CurriculumPage,
    GoLiveState,
    GoLiveStatus,
    LessonCompletion,
    LessonPage,
    Position,
    Team,
    User,
)
from lms.services.people import staff_roles_sync

PREFIX = "GS"
PASSWORD = "Bench-2026"  # noqa: S105 - synthetic accounts for benchmarks only


@dataclass(frozen=True)
class Size:
    staff: int
    teams: int


# Feature apps scale their own parts by the size's name (cases.synthetic.CASES).
SIZES = {
    "S": Size(staff=100, teams=5),
    "M": Size(staff=1_000, teams=20),
    "L": Size(staff=10_000, teams=200),
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


def chunks(items, size=2_000):
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
    # Each feature's part in its own transaction, in the order they registered for.
    context = {"size": size, "rng": rng, "people": people, "now": now, "today": today}
    for builder in site_builders():
        with transaction.atomic():
            counts.update(builder.run(progress=progress, **context))
    # Bulk inserts leave the planner's statistics empty and the visibility map unset (so an
    # index-only read still visits every row) until autovacuum comes round; a real centre's
    # database has both, and the pages should be measured as they run there.
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (a test's, or a caller's atomic block).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return counts


# --- People -------------------------------------------------------------------------------


def _people(spec: Size, rng, today, progress):
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
    for done, chunk in enumerate(chunks(people), start=1):
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

    questions_ensure()
    onboarding_ensure()
    curriculum = CurriculumPage.objects.get(slug="onboarding")
    quiz = curriculum.golive_quizzes.get()
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

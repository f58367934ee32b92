"""
Demo case library for seed_demo: the cases of cases/demo_cases.py spread over past weeks
(one short week), a product that changed (its older cases go stale), two clinic sessions,
some cases read, and this week's edition opened. Idempotent like the rest of the demo.
"""

import datetime as dt
import json
from collections import Counter

from django.utils import timezone

from cases.demo_cases import CASES, PRODUCTS, SCENARIO_TYPES
from cases.models import CaseLibraryPage, CasePage, ClinicSession, Product, ScenarioType
from cases.pii import mask_in, mask_pii
from cases.selectors import week_start_of
from cases.services import case_mark_read, case_review_workflow_ensure, case_week_open
from lms.models import Team, User


def _body(data) -> tuple[str, Counter]:
    raw = [
        {"type": "background", "value": data["background"]},
        {
            "type": "transcript",
            "value": [
                {"speaker": speaker, "time": time, "text": text}
                for speaker, time, text in data["transcript"]
            ],
        },
        {
            "type": "analysis",
            "value": {"went_well": data["went_well"], "to_improve": data["to_improve"]},
        },
        {"type": "model_reply", "value": data["model_reply"]},
        {"type": "lessons", "value": data["lessons"]},
    ]
    found: Counter = Counter()
    masked = mask_in(raw, found)  # the same masking the CMS applies on save
    return json.dumps(masked, ensure_ascii=False), found


def case_library(home) -> CaseLibraryPage:
    library = CaseLibraryPage.objects.first()
    if library is None:
        library = home.add_child(
            instance=CaseLibraryPage(
                title="案例库",
                slug="cases",
                intro="一线真实对话整理成的案例，每周更新5个，用于每周案例诊疗会。",
            )
        )
    case_review_workflow_ensure(library)
    return library


def seed_cases(home, now=None) -> CaseLibraryPage:
    now = now or timezone.now()
    library = case_library(home)
    scenarios = {name: ScenarioType.objects.get_or_create(name=name)[0] for name in SCENARIO_TYPES}
    products = {name: Product.objects.get_or_create(name=name)[0] for name in PRODUCTS}
    this_monday = week_start_of(timezone.localdate(now))
    per_week: Counter = Counter()
    for data in CASES:
        if CasePage.objects.filter(title=mask_pii(data["title"])[0]).exists():
            continue
        body, found = _body(data)
        title, title_found = mask_pii(data["title"])
        found.update(title_found)
        case = library.add_child(
            instance=CasePage(
                title=title,
                slug=f"case-{CasePage.objects.count() + 1:03d}",
                scenario=scenarios[data["scenario"]],
                channel=data["channel"],
                difficulty=data["difficulty"],
                product=products.get(data["product"]),
                body=body,
                masked_pii=dict(found),
            )
        )
        case.save_revision().publish()
        weeks_ago = data["weeks_ago"]
        day = (
            this_monday - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=per_week[weeks_ago] % 5)
        )
        per_week[weeks_ago] += 1
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        moment = min(moment, now)
        CasePage.objects.filter(pk=case.pk).update(
            first_published_at=moment, last_published_at=moment
        )

    # The speaker firmware changed last week: cases about it published before are stale.
    Product.objects.filter(name="智能音箱 S1", changed_at__isnull=True).update(
        changed_at=timezone.make_aware(
            dt.datetime.combine(this_monday - dt.timedelta(days=3), dt.time(12))
        )
    )
    _clinics(this_monday)
    _reads(this_monday, now)
    case_week_open(now=now)
    return library


def _clinics(this_monday) -> None:
    if ClinicSession.objects.exists():
        return
    for weeks_ago, team_name, went_well, to_improve in (
        (
            1,
            "电商一组",
            "先道歉再查询物流，客户情绪明显缓和。",
            "承诺时效要具体到小时，避免“尽快”。",
        ),
        (
            2,
            "电话二组",
            "遇到威胁投诉时按流程1小时内升级班组长。",
            "不要说“这不是我的问题”，先共情再给方案。",
        ),
    ):
        held_on = this_monday - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=3)
        session = ClinicSession.objects.create(
            held_on=held_on, went_well=went_well, to_improve=to_improve
        )
        team = Team.objects.get(name=team_name)
        session.teams.add(team)
        session.attendees.add(*team.members.filter(is_active=True))
        start = timezone.make_aware(
            dt.datetime.combine(held_on - dt.timedelta(days=3), dt.time.min)
        )
        session.cases.add(
            *CasePage.objects.filter(first_published_at__gte=start).order_by("first_published_at")[
                :2
            ]
        )


def _reads(this_monday, now) -> None:
    start = timezone.make_aware(dt.datetime.combine(this_monday, dt.time.min))
    this_week = list(
        CasePage.objects.live().filter(first_published_at__gte=start).order_by("first_published_at")
    )
    for username, count in (("agent", 2), ("newhire", 1), ("KF1003", 4)):
        person = User.objects.filter(username=username).first()
        for case in this_week[:count] if person else []:
            case_mark_read(user=person, case=case)

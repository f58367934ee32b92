"""Builders for the case library: a real library page with live cases in chosen weeks."""

import datetime as dt
import json

from django.utils import timezone

from cases.models import CaseLibraryPage, CasePage, Product, ScenarioType
from tests.factories.learning import academy_home


def case_library() -> CaseLibraryPage:
    existing = CaseLibraryPage.objects.first()
    if existing:
        return existing
    return academy_home().add_child(instance=CaseLibraryPage(title="案例库", slug="cases"))


def build_case(
    title="快递延误三天，客户要求退款",
    *,
    scenario="物流延误",
    channel="phone",
    difficulty=2,
    product=None,
    text="客户：我的快递三天都没到！\n客服：非常抱歉让您久等了，我马上为您查询。",
    published_at=None,
    live=True,
) -> CasePage:
    """A case published at `published_at` (default now), or a draft when live=False."""
    library = case_library()
    body = json.dumps(
        [
            {"type": "background", "value": "电商订单，物流显示停滞。"},
            {
                "type": "transcript",
                "value": [
                    {"speaker": "customer", "time": "00:05", "text": line}
                    for line in text.split("\n")
                ],
            },
            {"type": "model_reply", "value": "您好，非常抱歉给您带来不便，我马上为您处理。"},
        ],
        ensure_ascii=False,
    )
    case = library.add_child(
        instance=CasePage(
            title=title,
            slug=f"case-{CasePage.objects.count() + 1}",
            scenario=ScenarioType.objects.get_or_create(name=scenario)[0],
            channel=channel,
            difficulty=difficulty,
            product=Product.objects.get_or_create(name=product)[0] if product else None,
            body=body,
            live=live,
        )
    )
    if live:
        moment = published_at or timezone.now()
        CasePage.objects.filter(pk=case.pk).update(
            first_published_at=moment, last_published_at=moment
        )
        case.refresh_from_db()
    return case


def monday(weeks_ago=0, hour=10) -> dt.datetime:
    today = timezone.localdate()
    day = today - dt.timedelta(days=today.weekday(), weeks=weeks_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

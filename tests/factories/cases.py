"""Factories for the case library: a real library page with live cases in chosen weeks."""

import datetime as dt
import json

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory

from cases.models import CaseLibraryPage, CasePage, Product, ScenarioType
from tests.factories.learning import academy_home


class CaseLibraryPageFactory(wagtail_factories.PageFactory):
    """The one library, at /cases/ under the academy's home (fetched when it exists)."""

    class Meta:
        model = CaseLibraryPage
        django_get_or_create = ("parent", "slug")

    parent = factory.LazyFunction(academy_home)
    title = "案例库"
    slug = "cases"


def case_library() -> CaseLibraryPage:
    return CaseLibraryPage.objects.first() or CaseLibraryPageFactory()


class ScenarioTypeFactory(DjangoModelFactory):
    class Meta:
        model = ScenarioType
        django_get_or_create = ("name",)

    name = "物流延误"


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("name",)

    name = "智能音箱 S1"


def case_body(text: str) -> str:
    """Background, the conversation (one customer turn a line) and a model reply."""
    return json.dumps(
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


class CasePageFactory(wagtail_factories.PageFactory):
    """A case in the library; live=False makes a draft. build_case dates its publication."""

    class Meta:
        model = CasePage

    parent = factory.LazyFunction(case_library)
    title = "快递延误三天，客户要求退款"
    slug = factory.Sequence(lambda n: f"case-{n}")
    scenario = factory.SubFactory(ScenarioTypeFactory)
    channel = "phone"
    difficulty = 2
    product = None
    body = factory.LazyFunction(
        lambda: case_body("客户：我的快递三天都没到！\n客服：非常抱歉让您久等了，我马上为您查询。")
    )
    live = True


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
    case = CasePageFactory(
        title=title,
        scenario=ScenarioTypeFactory(name=scenario),
        channel=channel,
        difficulty=difficulty,
        product=ProductFactory(name=product) if product else None,
        body=case_body(text),
        live=live,
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

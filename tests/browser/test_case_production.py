"""
Choosing cases and people in a clinic's CMS form by searching in Chinese, in Chromium. The
week of case production (paste, duplicate, batch review, planning) is part of the trainer's
week (test_trainer_week.py).
"""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import build_academy
from tests.factories.cases import case_library
from tests.factories.people import PASSWORD


def test_a_clinic_chooses_its_cases_and_attendees_by_searching_in_chinese(desktop):
    academy = build_academy()
    case_library()
    from tests.factories.cases import build_case

    build_case("快递延误三天，客户要求退款")
    build_case("客户骂人怎么办", text="客户：你们什么态度！")
    page = desktop.page
    page.set_default_timeout(45_000)
    desktop.sign_in(academy.trainer.username, PASSWORD)
    desktop.go(reverse("wagtailsnippets_cases_clinicsession:add"))
    page.get_by_role("textbox", name="日期").fill("2026-11-20")
    cases = page.get_by_role("combobox", name="搜索并添加").first
    cases.fill("延误 退款")
    page.get_by_role("option").get_by_role("button", name="快递延误三天，客户要求退款").click()
    people = page.get_by_role("combobox", name="搜索并添加").nth(1)
    people.fill("王芳")
    page.get_by_role("option").get_by_role("button", name=re.compile("^王芳 · ")).click()
    expect(page.get_by_role("button", name=re.compile("^移除 王芳 · "))).to_be_visible()
    desktop.shot("clinic-choosers")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_load_state()
    from cases.models import ClinicSession

    session = ClinicSession.objects.get()
    assert [case.title for case in session.cases.all()] == ["快递延误三天，客户要求退款"]
    assert list(session.attendees.all()) == [academy.agent_a]

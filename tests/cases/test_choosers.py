"""Forms that refer to cases or people choose them by searching, in Chinese, and render only
what is chosen, never every case and every person."""

import datetime as dt

from django.urls import reverse

from cases.models import ClinicSession
from tests.factories.cases import build_case, case_library
from tests.factories.people import UserFactory


def test_the_people_chooser_finds_a_chinese_name_inside_a_longer_one(academy, login):
    client = login(academy.trainer)
    found = client.get(reverse("lms_choose_people"), {"q": "王芳"}).json()["results"]
    assert [row["id"] for row in found] == [academy.agent_a.pk]
    assert found[0]["label"].startswith("王芳")
    UserFactory(username="gone", display_name="王芳芳", is_active=False)
    again = client.get(reverse("lms_choose_people"), {"q": "王芳"}).json()["results"]
    assert [row["id"] for row in again] == [academy.agent_a.pk]  # the inactive are not offered


def test_the_case_chooser_finds_cases_by_the_words_of_a_chinese_query(academy, login):
    case_library()
    delayed = build_case("快递延误三天，客户要求退款")
    build_case("客户骂人怎么办", text="客户：你们什么态度！")
    client = login(academy.trainer)
    found = client.get(reverse("cases_choose_cases"), {"q": "延误 退款"}).json()["results"]
    assert [row["id"] for row in found] == [delayed.pk]
    assert client.get(reverse("cases_choose_cases"), {"q": "投诉升级"}).json()["results"] == []


def test_choosers_are_closed_to_people_without_cms_access(academy, login):
    client = login(academy.agent_a)
    assert client.get(reverse("lms_choose_people"), {"q": "王"}).status_code in (302, 403)
    assert client.get(reverse("cases_choose_cases"), {"q": "快递"}).status_code in (302, 403)


def test_the_clinic_form_renders_only_the_chosen_cases_and_people_and_saves_choices(academy, login):
    case_library()
    chosen = build_case("快递延误三天")
    others = [build_case(f"其他案例{i}") for i in range(5)]
    for i in range(10):
        UserFactory(username=f"extra{i}", display_name=f"路人{i}")
    client = login(academy.trainer)
    add = reverse("wagtailsnippets_cases_clinicsession:add")
    form = client.get(add).content.decode()
    assert "其他案例" not in form and "路人" not in form  # no option per case or person
    assert reverse("cases_choose_cases") in form and reverse("lms_choose_people") in form
    response = client.post(
        add,
        {
            "held_on": "2026-11-20",
            "cases": [chosen.pk],
            "attendees": [academy.agent_a.pk, academy.agent_b.pk],
            "went_well": "共情到位",
            "to_improve": "",
            "share_with_readers": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    session = ClinicSession.objects.get()
    assert list(session.cases.values_list("pk", flat=True)) == [chosen.pk]
    assert set(session.attendees.values_list("pk", flat=True)) == {
        academy.agent_a.pk,
        academy.agent_b.pk,
    }
    edit = client.get(reverse("wagtailsnippets_cases_clinicsession:edit", args=[session.pk]))
    page = edit.content.decode()
    assert "快递延误三天" in page and "王芳" in page and "其他案例" not in page
    assert others  # built so that a list of everything would show them
    assert dt.date(2026, 11, 20) == session.held_on

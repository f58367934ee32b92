"""
A person's e-mail settings go through a form: the kinds offered are the registered ones, a
forged kind or language is refused and shown back, nothing saved; assigned work (refresher,
simulation) is told once and read in each reader's language.
"""

import datetime as dt
import re

from django.urls import reverse
from django.utils import translation

from lms.models import EmailOptOut, Notice
from lms.selectors.notices import notice_render
from lms.services.notices import assignment_notices_send


def test_the_settings_page_saves_the_kinds_ticked_and_the_language(academy, login):
    client = login(academy.agent_a)
    page = client.get(reverse("lms:notice_settings")).content.decode()
    assert re.search(r'value="cycle_registration_open"[^>]*checked', page)
    assert re.search(r'value="refresher_assigned"[^>]*checked', page)
    response = client.post(
        reverse("lms:notice_settings"), {"email": ["reply_scored"], "language": "en"}
    )
    assert response.status_code == 302
    off = set(EmailOptOut.objects.filter(user=academy.agent_a).values_list("kind", flat=True))
    assert "cycle_exam_open" in off and "reply_scored" not in off
    academy.agent_a.refresh_from_db()
    assert academy.agent_a.language == "en"


def test_a_forged_kind_or_language_is_shown_back_and_nothing_saved(academy, login):
    client = login(academy.agent_a)
    for data in ({"email": ["nonsense"], "language": ""}, {"language": "xx"}):
        response = client.post(reverse("lms:notice_settings"), data)
        assert response.status_code == 400
        assert "alert--error" in response.content.decode()
    assert not EmailOptOut.objects.filter(user=academy.agent_a).exists()
    academy.agent_a.refresh_from_db()
    assert academy.agent_a.language == ""


def test_an_assigned_refresher_or_simulation_is_told_once_in_the_readers_language(academy):
    send = {
        "users": [academy.agent_a],
        "kind": "simulation_assigned",
        "assignment": "simulation:7",
        "title": "愤怒客户投诉模拟",
        "url": "/practice/7/",
        "due": dt.date(2026, 12, 10),
        "assigned_by": academy.lead_a,
    }
    assert assignment_notices_send(**send) == 1
    assert assignment_notices_send(**send) == 0
    assert assignment_notices_send(
        users=[academy.agent_a], kind="refresher_assigned", assignment="refresher:3",
        title="退款流程更新", url="/r/3/",
    ) == 1  # fmt: skip
    simulation = Notice.objects.get(kind="simulation_assigned")
    refresher = Notice.objects.get(kind="refresher_assigned")
    with translation.override("zh-hans"):
        assert "愤怒客户投诉模拟" in notice_render(simulation).title
        assert "张伟" in notice_render(simulation).body
        assert "截止日期：未设定" in notice_render(refresher).title
    with translation.override("en"):
        assert notice_render(simulation).title.startswith("Simulation assigned: “愤怒客户投诉模拟”")
        assert "no date" in notice_render(refresher).title
        assert "Your trainer" in notice_render(refresher).body

"""The dashboard's certification panel, kept per person (lms.person_rows), follows every
change that shows on it: a cycle opening, the person's registration, a certificate issued,
another cycle's dates moved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import LevelCode
from certification.services import registration_create
from tests.factories import certification as cert

pytestmark = pytest.mark.django_db


def panel(client) -> str:
    page = client.get(reverse("lms:dashboard")).content.decode()
    start = page.find('aria-labelledby="my-status-heading"')
    return "" if start < 0 else page[start : page.index("</section>", start)]


def test_the_panel_follows_the_cycle_the_registration_and_the_certificate(
    academy, login, django_capture_on_commit_callbacks
):
    client = login(academy.agent_a)
    assert panel(client) == ""  # nothing to show: no cycle, no certificate, no step
    junior = cert.level(LevelCode.JUNIOR)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = cert.cycle(2026, 2)  # the academy's rows: everyone's panel
    opened = panel(client)
    assert "我的认证" in opened and cycle.label in opened and "报名</a>" in opened

    with django_capture_on_commit_callbacks(execute=True):
        registration_create(user=academy.agent_a, level=junior)
    registered = panel(client)
    assert "已报名" in registered and "报名</a>" not in registered

    with django_capture_on_commit_callbacks(execute=True):
        certificate = cert.certificate(academy.agent_a, cycle)
    held = panel(client)
    assert certificate.expires_on.strftime("%Y-%m-%d") in held


def test_a_cycles_registration_closing_early_shows_on_the_next_visit(
    academy, login, django_capture_on_commit_callbacks
):
    cert.level(LevelCode.JUNIOR)
    cycle = cert.cycle(2026, 2)
    client = login(academy.agent_a)
    assert "报名</a>" in panel(client)
    with django_capture_on_commit_callbacks(execute=True):
        cycle.registration_closes = timezone.localdate() - dt.timedelta(days=1)
        cycle.save()
    assert "报名</a>" not in panel(client)

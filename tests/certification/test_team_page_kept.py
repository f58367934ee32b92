"""The team certification page, kept per lead and filter (lms.kept_pages)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from certification.models import Recommendation, TrackStep
from lms.kept_pages import CSRF_PLACEHOLDER
from lms.models import Position
from tests.factories import certification as cert
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=person.username, password=PASSWORD)
    return client


def recommend_form_token(page: str, person) -> str | None:
    url = reverse("certification:recommend", args=[person.pk])
    form = re.search(rf'<form[^>]*action="{re.escape(url)}".*?</form>', page, re.S)
    if form is None:
        return None
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)


def test_a_kept_page_carries_each_sessions_own_form_token_and_shows_the_recommendation(
    academy, django_capture_on_commit_callbacks
):
    step = TrackStep.objects.create(
        from_position=Position.AGENT, to_position=Position.SENIOR_AGENT,
        kind=TrackStep.Kind.VERTICAL, needs_recommendation=True,
    )  # fmt: skip
    first = signed_in(academy.lead_a)
    built = first.get(reverse("certification:team")).content.decode()
    assert recommend_form_token(built, academy.agent_a)  # the button is there

    second = signed_in(academy.lead_a)  # another session: another token
    page = second.get(reverse("certification:team")).content.decode()
    token = recommend_form_token(page, academy.agent_a)
    assert token and token != CSRF_PLACEHOLDER
    with django_capture_on_commit_callbacks(execute=True):
        response = second.post(
            reverse("certification:recommend", args=[academy.agent_a.pk]),
            {"step": step.pk, "csrfmiddlewaretoken": token},
        )
    assert response.status_code == 302
    assert Recommendation.objects.filter(user=academy.agent_a, step=step).exists()
    # The member's rows changed: the kept page is built again, without the button.
    after = second.get(reverse("certification:team")).content.decode()
    assert recommend_form_token(after, academy.agent_a) is None


def test_a_members_new_certificate_shows_on_the_leads_next_visit(
    academy, login, django_capture_on_commit_callbacks
):
    cycle = cert.cycle(2026, 2)
    client = login(academy.lead_a)
    assert client.get(reverse("certification:team")).status_code == 200  # built and kept
    with django_capture_on_commit_callbacks(execute=True):
        certificate = cert.certificate(academy.agent_a, cycle)
    page = client.get(reverse("certification:team")).content.decode()
    assert certificate.expires_on.strftime("%Y-%m-%d") in page

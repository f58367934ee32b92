"""
Deactivating a person signs them out everywhere at once: every browser they are signed in
on is sent to the login page on its next request, whichever way they were marked as gone.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lms.services.people import staff_deactivate
from lms.services.staff_import import staff_file_import
from tests.admin import admin_form
from tests.factories.people import PASSWORD


def _signed_in_clients(user, count=2):
    """`count` browsers each signed in through the login form, as the person would."""
    clients = []
    for _ in range(count):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("lms:dashboard")).status_code == 200
        clients.append(client)
    return clients


def _sent_to_login(client) -> bool:
    response = client.get(reverse("lms:dashboard"))
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _untick_active_in_the_user_admin(academy, person):
    admin = Client()
    admin.force_login(academy.admin)
    url = reverse("wagtailusers_users:edit", args=[person.pk])
    response = admin.post(url, admin_form(admin, url, is_active=None))  # the box unticked
    assert response.status_code == 302, response.content.decode()[:2000]


def _bulk_set_inactive_in_the_user_admin(academy, person):
    admin = Client()
    admin.force_login(academy.admin)
    url = (
        reverse("wagtail_bulk_action", args=["lms", "user", "set_active_state"])
        + f"?id={person.pk}&next=/cms/users/"
    )
    assert admin.post(url, {"mark_as_active": "False"}).status_code == 302


def _import_a_staff_file_saying_they_left(academy, person):
    header = "工号,姓名,班组,岗位,入职日期,在职,邮箱\r\n"
    row = (
        f"{person.employee_no},{person.display_name},{person.team.name},客服代表,2026-03-01,否,\r\n"
    )
    result = staff_file_import(name="hr.csv", content=(header + row).encode())
    assert result.errors == []
    assert result.deactivated == 1


@pytest.mark.parametrize(
    "deactivate",
    [
        lambda academy, person: staff_deactivate(user=person),
        _untick_active_in_the_user_admin,
        _bulk_set_inactive_in_the_user_admin,
        _import_a_staff_file_saying_they_left,
    ],
    ids=["service", "user admin edit", "user admin bulk action", "staff import 在职=否"],
)
def test_deactivating_a_person_signs_out_every_browser_they_use(academy, deactivate):
    phone, desk = _signed_in_clients(academy.agent_a, 2)
    [colleague] = _signed_in_clients(academy.agent_b, 1)

    deactivate(academy, academy.agent_a)

    academy.agent_a.refresh_from_db()
    assert not academy.agent_a.is_active
    assert _sent_to_login(phone)
    assert _sent_to_login(desk)
    # Nobody else is signed out.
    assert colleague.get(reverse("lms:dashboard")).status_code == 200


def test_a_person_who_left_cannot_sign_in_again(academy, client):
    staff_deactivate(user=academy.agent_a)
    assert not client.login(username=academy.agent_a.username, password=PASSWORD)
    response = client.post(
        reverse("login"), {"username": academy.agent_a.username, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert _sent_to_login(client)


def test_a_lead_who_left_leads_no_team(academy):
    staff_deactivate(user=academy.lead_a)
    assert not academy.team_a.leads.filter(pk=academy.lead_a.pk).exists()
    assert academy.team_b.leads.filter(pk=academy.lead_b.pk).exists()


def test_a_cookie_from_the_old_session_engine_just_means_signed_out(academy, client):
    """
    Sessions signed in before the switch lived in a table that is gone: their cookies name
    a key the session store does not know, which is an anonymous visitor, not an error.
    """
    client.cookies[settings.SESSION_COOKIE_NAME] = "q8x0t4m2n7b5v9c1z3l6k8j0h2g4f6d8"
    assert _sent_to_login(client)
    # And signing in from that browser works, replacing the stale cookie.
    response = client.post(
        reverse("login"), {"username": academy.agent_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("lms:dashboard")).status_code == 200


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_both_session_engines_the_settings_choose_sign_out_a_person_who_left(
    academy, settings, engine
):
    """The settings pick cached_db with Redis and db without; the rule holds for both."""
    settings.SESSION_ENGINE = engine
    phone, desk = _signed_in_clients(academy.agent_a, 2)
    staff_deactivate(user=academy.agent_a)
    assert _sent_to_login(phone)
    assert _sent_to_login(desk)


def test_demoting_a_lead_in_the_user_admin_ends_their_view_of_the_team(academy, login):
    admin = login(academy.admin)
    lead = academy.lead_a
    assert list(lead.led_teams.all()) == [academy.team_a]
    assert lead.has_perm("lms.view_team_people")  # now kept in the shared cache
    url = reverse("wagtailusers_users:edit", args=[lead.pk])
    data = admin_form(admin, url, team=academy.team_b.pk, position="agent")
    assert data.getlist("groups") == [str(pk) for pk in lead.groups.values_list("pk", flat=True)]
    response = admin.post(url, data)  # the form still ticks 班组长
    assert response.status_code == 302
    lead = type(lead).objects.get(pk=lead.pk)
    assert (lead.position, lead.team) == ("agent", academy.team_b)
    assert not lead.led_teams.exists()
    assert not lead.has_perm("lms.view_team_people")

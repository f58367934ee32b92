"""Deactivating a person signs them out everywhere at once."""

from django.test import Client
from django.urls import reverse

from lms.models import UserSession
from lms.services.people import staff_deactivate


def _signed_in_clients(user, count=2):
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_deactivating_a_person_ends_all_their_sessions(academy):
    clients = _signed_in_clients(academy.agent_a)
    other = _signed_in_clients(academy.agent_b, 1)[0]
    assert UserSession.objects.filter(user=academy.agent_a).count() == 2

    staff_deactivate(user=academy.agent_a)

    assert not UserSession.objects.filter(user=academy.agent_a).exists()
    for client in clients:
        assert client.get(reverse("lms:dashboard")).status_code == 302
    assert other.get(reverse("lms:dashboard")).status_code == 200


def test_unticking_active_in_the_user_admin_ends_the_persons_sessions(academy, login):
    [agent_client] = _signed_in_clients(academy.agent_a, 1)
    admin = login(academy.admin)
    agent = academy.agent_a
    response = admin.post(
        reverse("wagtailusers_users:edit", args=[agent.pk]),
        {
            "username": agent.username,
            "email": agent.email,
            "first_name": "",
            "last_name": "",
            "employee_no": agent.employee_no,
            "display_name": agent.display_name,
            "team": agent.team_id,
            "position": agent.position,
            "hire_date": agent.hire_date.isoformat(),
            "password1": "",
            "password2": "",
            "groups": list(agent.groups.values_list("pk", flat=True)),
            # is_active left out: the checkbox is unticked
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert not agent.is_active
    assert not UserSession.objects.filter(user=agent).exists()
    assert agent_client.get(reverse("lms:dashboard")).status_code == 302


def test_sessions_record_who_signed_in(academy, login):
    login(academy.lead_a)
    assert UserSession.objects.filter(user=academy.lead_a).count() == 1


def test_the_user_admins_bulk_deactivate_ends_sessions_too(academy, login):
    [agent_client] = _signed_in_clients(academy.agent_a, 1)
    admin = login(academy.admin)
    url = (
        reverse("wagtail_bulk_action", args=["lms", "user", "set_active_state"])
        + f"?id={academy.agent_a.pk}&next=/cms/users/"
    )
    response = admin.post(url, {"mark_as_active": "False"})
    assert response.status_code == 302
    academy.agent_a.refresh_from_db()
    assert not academy.agent_a.is_active
    assert not UserSession.objects.filter(user=academy.agent_a).exists()
    assert agent_client.get(reverse("lms:dashboard")).status_code == 302


def test_demoting_a_lead_in_the_user_admin_ends_their_view_of_the_team(academy, login):
    admin = login(academy.admin)
    lead = academy.lead_a
    response = admin.post(
        reverse("wagtailusers_users:edit", args=[lead.pk]),
        {
            "username": lead.username,
            "email": "",
            "employee_no": lead.employee_no,
            "display_name": lead.display_name,
            "team": academy.team_b.pk,
            "position": "agent",
            "hire_date": lead.hire_date.isoformat(),
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": list(lead.groups.values_list("pk", flat=True)),  # still ticks 班组长
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert not lead.led_teams.exists()
    assert not lead.has_perm("lms.view_team_people")

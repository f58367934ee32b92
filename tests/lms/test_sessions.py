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

"""The synthetic centre for benchmarks: built at size S, consistent, and never over real data."""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cases.models import CasePage
from certification.models import Certificate
from lms.models import Team, User
from lms.synthetic import PASSWORD, PREFIX


def test_size_s_builds_a_consistent_centre_whose_people_can_sign_in(db, client):
    call_command("generate_site", size="S", stdout=None)
    staff = User.objects.filter(employee_no__startswith=PREFIX)
    assert 100 <= staff.count() <= 110
    assert Team.objects.filter(name__startswith=PREFIX).count() == 5
    assert all(team.leads.exists() for team in Team.objects.filter(name__startswith=PREFIX))
    assert CasePage.objects.live().count() >= 200
    assert Certificate.objects.filter(superseded_by=None).exists()
    # Wagtail's tree is intact after the bulk inserts (paths, depths and child counts).
    assert all(not problems for problems in Page.find_problems())
    lead = User.objects.filter(led_teams__name__startswith=PREFIX).first()
    assert client.login(username=lead.username, password=PASSWORD)
    page = client.get("/team/certifications/").content.decode()
    assert lead.team.members.exclude(pk=lead.pk).first().display_name in page
    assert client.get("/cases/search/", {"q": "物流延误"}).status_code == 200


def test_it_refuses_a_database_that_already_holds_people(academy):
    with pytest.raises(CommandError, match="already holds"):
        call_command("generate_site", size="S")
    assert not User.objects.filter(employee_no__startswith=PREFIX).exists()

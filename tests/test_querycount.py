"""The query-count proof itself: a refused or redirected page proves nothing and fails."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.querycount import assert_queries_constant


def _grow_team(academy):
    def grow(size):
        missing = size - academy.team_a.members.count()
        UserFactory.create_batch(max(0, missing), team=academy.team_a)

    return grow


def test_the_proof_passes_on_a_page_that_answers(academy, login):
    client = login(academy.lead_a)
    small, large = assert_queries_constant(
        lambda: client.get(reverse("lms:team_roster")), _grow_team(academy), sizes=(4, 8)
    )
    assert small == large > 0


@pytest.mark.parametrize(("role", "status"), [("agent", 403), (None, 302)])
def test_a_refused_or_redirected_page_at_both_sizes_fails_the_proof(
    academy, client, login, role, status
):
    if role:
        client = login(academy.by_role()[role])
    with pytest.raises(AssertionError, match=f"answered {status}, not 200"):
        assert_queries_constant(
            lambda: client.get(reverse("lms:team_roster")), _grow_team(academy), sizes=(4, 8)
        )

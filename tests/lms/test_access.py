"""
Who may open what. The walk below covers every address the academy itself defines (not
Wagtail's own): a new URL that is not classified here makes the first test fail, so no
page can ship without its access rules being tested.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {
    "healthz",
    "login",
    "logout",
    "set_language",
    # Anyone holding a certificate's code may check it (rate limited; see the feature tests).
    "certification:verify",
    "certification:verify_pdf",
    "certification:verify_badge",
    "certification:issuer",
    "certification:status_list",
    "certification:achievement",
    # django-ninja's root of the API: a 404 naming the documentation page, for everyone.
    "lms:api-root",
}
# Any signed-in person; what belongs to someone (an attempt) is checked in the feature's tests.
LEARNER = {
    "lms:dashboard",
    "lms:lesson_complete",
    "lms:quiz",
    "lms:quiz_start",
    "lms:attempt",
    "lms:attempt_save",
    "lms:attempt_submit",
    "lms:attempt_result",
    "lms:notice",
    "lms:notices",
    "lms:notices_read_all",
    "lms:notice_settings",
    "cases:week",
    "cases:read",
    "cases:check",
    # Practice conversations: a run belongs to its player (tests/cases/test_practice_play.py).
    "cases:practice",
    "cases:practice_play",
    "cases:practice_start",
    "cases:practice_reply",
    "cases:practice_debrief",
    # Refreshers: a person opens and finishes only their own (tests/cases/test_refresher_pages.py).
    "cases:refreshers",
    "cases:refresher",
    "cases:refresher_done",
    "certification:mine",
    "certification:register",
    "certification:certificate_pdf",
    # Careers: every signed-in person sees the openings; who may apply, open, decide, hand
    # in or review proposals is each page's own rule (tests/certification/test_openings.py,
    # test_proposals.py).
    "certification:openings",
    "certification:opening_new",
    "certification:opening",
    "certification:opening_apply",
    "certification:opening_close",
    "certification:opening_export",
    "certification:application_decide",
    "certification:proposals",
    "certification:proposal_submit",
    "certification:proposal",
    "certification:proposal_review",
    "certification:proposal_outcome",
    # The training report: supervisors and trainers; everyone else 403
    # (tests/certification/test_training_report.py).
    "certification:training_report",
    "certification:training_report_export",
    # QA training plans: one's own, and a team viewer's own teams' through
    # lms.selectors.people (tests/certification/test_qa_training.py).
    "certification:qa_training",
    # The API's OpenAPI schema and its documentation page (tested in test_api.py).
    "lms:openapi-json",
    "lms:openapi-view",
}
# Staff-facing: name -> kwargs builder (academy -> list of kwargs to walk).
STAFF = {
    "lms:team_roster": lambda a: [{}],
    "lms:team_export": lambda a: [{"fmt": "csv"}, {"fmt": "xlsx"}],
    "lms:api_people": lambda a: [{}],
    "lms:person_detail": lambda a: [{"pk": a.agent_a.pk}],
    "lms:golive_history": lambda a: [{"pk": a.agent_a.pk}],
    "lms:golive_sign_off": lambda a: [{"pk": a.agent_a.pk}],
    "lms:golive_revert": lambda a: [{"pk": a.agent_a.pk}],
    "lms:api_live": lambda a: [{}],
    "cases:team_reads": lambda a: [{}],
    "cases:team_refreshers": lambda a: [{}],
    "lms:team_training": lambda a: [{}],
    "certification:team": lambda a: [{}],
    "certification:team_export": lambda a: [{"fmt": "csv"}, {"fmt": "xlsx"}],
    "certification:team_zip": lambda a: [{}],
    "certification:recommend": lambda a: [{"pk": a.agent_a.pk}],
}
POST_ONLY = {
    "lms:golive_sign_off",
    "lms:golive_revert",
    "lms:review_item",
    "cases:practice_review",
    "certification:recommend",
}
# Scoring written replies: leads and supervisors (their teams), QA (everyone), administrators.
REVIEWER = {
    "lms:review_queue": lambda a: [{}],
    "lms:review_item": lambda a: [{"pk": 999999}],
    # Practice runs: the same people, the same scope (tests/cases/test_practice_review.py).
    "cases:practice_reviews": lambda a: [{}],
    "cases:practice_review": lambda a: [{"pk": 999999}],
}


def _fetch(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    return client.post(url) if name in POST_ONLY else client.get(url)


# What each role sees on the staff pages: which of the fixture's agents are in scope.
SCOPE = {
    "lead": {"agent_a", "newhire_a"},
    "supervisor": {"agent_a", "newhire_a", "agent_b"},
    "admin": {"agent_a", "newhire_a", "agent_b", "agent_c"},
}
NO_STAFF_ACCESS = ("agent", "newhire", "trainer", "qa")
ALL_AGENTS = ("agent_a", "newhire_a", "agent_b", "agent_c")


def _academy_url_names():
    """Named URLs of our own apps (Wagtail's admin, documents and page serving excluded)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.urlconf_module and getattr(
                    pattern.urlconf_module, "__name__", ""
                ).startswith("wagtail"):
                    continue
                child_ns = pattern.namespace or namespace
                if child_ns and child_ns.startswith("wagtail"):
                    continue
                yield from walk(pattern.url_patterns, child_ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if pattern.lookup_str.startswith(("django.views.static", "wagtail")):
                    continue
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_academy_url_has_declared_access_rules():
    declared = PUBLIC | LEARNER | set(STAFF) | set(REVIEWER)
    found = _academy_url_names()
    # The walk finds every declared URL (a walk that found nothing would classify nothing).
    assert declared <= found, f"declared but gone: {sorted(declared - found)}"
    unclassified = found - declared
    assert not unclassified, f"classify these URLs in test_access.py: {sorted(unclassified)}"


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
        return json.dumps(
            [list(row) for row in sheet.iter_rows(values_only=True)],
            ensure_ascii=False,
            default=str,
        )
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


@pytest.mark.parametrize("name", sorted(STAFF))
def test_anonymous_visitors_are_sent_to_sign_in_from_staff_pages(academy, client, name):
    for kwargs in STAFF[name](academy):
        response = _fetch(client, name, kwargs)
        if name.startswith("lms:api_"):
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", NO_STAFF_ACCESS)
@pytest.mark.parametrize("name", sorted(STAFF))
def test_agents_trainers_and_qa_are_refused_staff_pages(academy, login, role, name):
    client = login(academy.by_role()[role])
    for kwargs in STAFF[name](academy):
        assert _fetch(client, name, kwargs).status_code == 403


@pytest.mark.parametrize("role", sorted(SCOPE))
@pytest.mark.parametrize(
    "name",
    [
        "lms:team_roster",
        "lms:team_export",
        "lms:api_people",
        "certification:team",
        "certification:team_export",
    ],
)
def test_staff_lists_show_exactly_the_viewers_teams(academy, login, role, name):
    client = login(academy.by_role()[role])
    for kwargs in STAFF[name](academy):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200
        body = _body(response)
        for agent in ALL_AGENTS:
            number = getattr(academy, agent).employee_no
            if agent in SCOPE[role]:
                assert number in body, f"{role} should see {agent} on {name} {kwargs}"
            else:
                assert number not in body, f"{role} must not see {agent} on {name} {kwargs}"


@pytest.mark.parametrize("role", sorted(SCOPE))
@pytest.mark.parametrize(
    "name", ["lms:person_detail", "lms:golive_history", "lms:golive_sign_off", "lms:golive_revert"]
)
def test_person_pages_outside_the_viewers_teams_do_not_exist_for_them(academy, login, role, name):
    client = login(academy.by_role()[role])
    for agent in ALL_AGENTS:
        response = _fetch(client, name, {"pk": getattr(academy, agent).pk})
        if agent in SCOPE[role]:
            assert response.status_code in (200, 302), (agent, name)
        else:
            assert response.status_code == 404, (agent, name)


def test_a_lead_cannot_widen_their_scope_with_another_teams_filter(academy, login):
    client = login(academy.lead_a)
    response = client.get(reverse("lms:team_roster"), {"team": academy.team_b.pk})
    assert response.status_code == 200
    body = response.content.decode()
    # The other team is no choice of theirs: the filter is refused, and shows nobody of B.
    assert 'name="team" aria-invalid="true"' in body
    assert academy.agent_b.employee_no not in body
    api = client.get(reverse("lms:api_people"), {"team": academy.team_b.pk})
    assert api.status_code == 200 and api.json()["count"] == 0
    own = client.get(reverse("lms:api_people"), {"team": academy.team_a.pk}).json()
    assert academy.agent_a.employee_no in {person["employee_no"] for person in own["results"]}


@pytest.mark.parametrize(
    "role", ["agent", "newhire", "lead", "supervisor", "trainer", "qa", "admin"]
)
def test_every_signed_in_person_has_a_learner_dashboard(academy, login, role):
    user = academy.by_role()[role]
    response = login(user).get(reverse("lms:dashboard"))
    assert response.status_code == 200
    assert user.display_name in response.content.decode()


def test_the_dashboard_asks_anonymous_visitors_to_sign_in(db, client):
    response = client.get(reverse("lms:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "may_use_cms"),
    [("trainer", True), ("qa", True), ("admin", True), ("lead", False), ("agent", False),
     ("newhire", False), ("supervisor", False)],
)  # fmt: skip
def test_only_trainers_qa_and_administrators_get_the_content_admin(
    academy, login, role, may_use_cms
):
    response = login(academy.by_role()[role]).get("/cms/")
    if may_use_cms:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["trainer", "qa"])
def test_content_roles_cannot_import_staff_or_edit_teams(academy, login, role):
    client = login(academy.by_role()[role])
    urls = (reverse("lms_staff_import"), "/cms/teams/", "/cms/users/")
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] != url
    client.logout()
    administrator = login(academy.admin)
    assert [administrator.get(url).status_code for url in urls] == [200, 200, 200]


def test_api_accepts_a_wagtail_api_token_with_its_owners_scope(academy, client):
    from wagtail.models import APIToken

    _token, plaintext = APIToken.create_token(user=academy.lead_a, name="排班系统")
    response = client.get(reverse("lms:api_people"), HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    numbers = {person["employee_no"] for person in response.json()["results"]}
    assert academy.agent_a.employee_no in numbers
    assert academy.agent_b.employee_no not in numbers


def test_api_refuses_revoked_or_malformed_tokens_even_with_a_session(academy, login):
    from wagtail.models import APIToken

    token, plaintext = APIToken.create_token(user=academy.lead_a, name="old")
    token.revoke()
    client = login(academy.lead_a)
    for header in (f"Bearer {plaintext}", "Bearer not-a-token"):
        response = client.get(reverse("lms:api_people"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", False), ("newhire", False), ("trainer", False), ("qa", True), ("lead", True),
     ("supervisor", True), ("admin", True)],
)  # fmt: skip
def test_scoring_written_replies_is_for_leads_supervisors_qa_and_administrators(
    academy, login, role, allowed
):
    client = login(academy.by_role()[role])
    queue = client.get(reverse("lms:review_queue"))
    assert queue.status_code == (200 if allowed else 403)
    # An item outside the reviewer's reach is not found; refused roles are refused first.
    assert _fetch(client, "lms:review_item", {"pk": 999999}).status_code == (
        404 if allowed else 403
    )


def test_a_lead_sees_only_their_teams_reads_of_this_weeks_cases(academy, login):
    page = login(academy.lead_a).get(reverse("cases:team_reads")).content.decode()
    assert academy.agent_a.display_name in page
    assert academy.agent_b.display_name not in page and academy.agent_c.display_name not in page

"""
The JSON API for workforce and routing systems: its answers, its refusals and its schema.
Who sees whom through it is also walked in test_access.py with every other staff list.
"""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import APIToken

from lms.services.people import staff_deactivate


def _bearer(user, name="排班系统") -> dict:
    _token, plaintext = APIToken.create_token(user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_people_answer_with_a_session_in_readable_chinese(academy, login):
    response = login(academy.lead_a).get(reverse("lms:api_people"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "王芳".encode() in response.content  # not \\u738b\\u82b3
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 1)
    wang = next(p for p in body["results"] if p["employee_no"] == academy.agent_a.employee_no)
    assert wang == {
        "id": academy.agent_a.pk,
        "employee_no": academy.agent_a.employee_no,
        "display_name": "王芳",
        "team": "电商一组",
        "position": academy.agent_a.position,
        "hire_date": academy.agent_a.hire_date.isoformat(),
        "active": True,
    }


def test_a_token_answers_with_its_owners_scope_and_records_its_use(academy, client):
    headers = _bearer(academy.supervisor)
    response = client.get(reverse("lms:api_people"), **headers)
    assert response.status_code == 200
    numbers = {p["employee_no"] for p in response.json()["results"]}
    assert academy.agent_b.employee_no in numbers and academy.agent_a.employee_no in numbers
    assert academy.agent_c.employee_no not in numbers
    assert APIToken.objects.get(user=academy.supervisor).last_used_at is not None


def test_the_team_parameter_narrows_within_the_scope(academy, client):
    headers = _bearer(academy.supervisor)
    only_b = client.get(reverse("lms:api_people"), {"team": academy.team_b.pk}, **headers)
    assert only_b.status_code == 200
    assert {p["employee_no"] for p in only_b.json()["results"]} == {
        academy.lead_b.employee_no,
        academy.agent_b.employee_no,
    }
    outside = client.get(reverse("lms:api_people"), {"team": academy.team_c.pk}, **headers)
    assert outside.status_code == 200
    assert outside.json()["count"] == 0


def test_results_come_a_page_at_a_time(academy, login, monkeypatch):
    monkeypatch.setattr("lms.views.api.API_PAGE_SIZE", 2)
    client = login(academy.lead_a)
    first = client.get(reverse("lms:api_people")).json()
    second = client.get(reverse("lms:api_people"), {"page": 2}).json()
    assert (first["count"], first["pages"], first["page"], second["page"]) == (3, 2, 1, 2)
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    seen = [p["employee_no"] for p in first["results"] + second["results"]]
    assert sorted(seen) == sorted(
        u.employee_no for u in (academy.lead_a, academy.agent_a, academy.newhire_a)
    )
    # Past the end: the last page, as on the site's lists.
    assert client.get(reverse("lms:api_people"), {"page": 9}).json()["page"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"team": "99999999999999999999999"}, "team"),  # beyond any id (and PostgreSQL's bigint)
        ({"team": "٣"}, "team"),  # an Arabic-Indic three
        ({"team": "三"}, "team"),
        ({"team": "-4"}, "team"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
    ],
)
def test_bad_query_parameters_get_a_clear_json_answer(academy, login, params, field):
    response = login(academy.lead_a).get(reverse("lms:api_people"), params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert error["msg"] and "Input should" not in error["msg"]  # ours, translated


def test_parameter_errors_are_in_the_readers_language(academy, login):
    client = login(academy.lead_a)
    chinese = client.get(reverse("lms:api_people"), {"team": "abc"}).json()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("lms:api_people"), {"team": "abc"}).json()
    assert chinese["detail"][0]["msg"] == "请输入用数字 0-9 写的整数。"
    assert english["detail"][0]["msg"] == "Enter a whole number written with the digits 0-9."


def test_the_live_list_rejects_a_bad_page_too(academy, login):
    response = login(academy.lead_a).get(reverse("lms:api_live"), {"page": "一"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


@pytest.mark.parametrize("name", ["lms:api_people", "lms:api_live"])
def test_anonymous_callers_get_401_json_naming_the_bearer_scheme(db, client, name):
    response = client.get(reverse(name), {"page": "abc"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["detail"]


@pytest.mark.parametrize("name", ["lms:api_people", "lms:api_live"])
def test_people_without_a_team_to_see_get_403_json(academy, client, name):
    response = client.get(reverse(name), **_bearer(academy.agent_a))
    assert response.status_code == 403
    assert response.json()["detail"]


def test_the_token_of_someone_who_left_is_refused(academy, client):
    headers = _bearer(academy.lead_a)
    assert client.get(reverse("lms:api_people"), **headers).status_code == 200
    staff_deactivate(user=academy.lead_a)
    response = client.get(reverse("lms:api_people"), **headers)
    assert response.status_code == 401


def test_a_bad_token_is_refused_even_beside_a_valid_session(academy, login):
    client = login(academy.lead_a)
    for header in ("Bearer ", "Bearer not-a-token", "Bearer wgt_" + "A" * 40):
        response = client.get(reverse("lms:api_people"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_the_openapi_schema_describes_both_lists_for_a_signed_in_person(academy, login):
    response = login(academy.agent_a).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/people/", "/api/v1/live/"} <= set(schema["paths"])
    people = schema["paths"]["/api/v1/people/"]["get"]
    assert {p["name"] for p in people["parameters"]} == {"team", "page"}
    assert set(schema["components"]["schemas"]["PersonOut"]["properties"]) == {
        "id", "employee_no", "display_name", "team", "position", "hire_date", "active",
    }  # fmt: skip
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_schema_is_for_token_holders_too_but_not_for_anonymous_visitors(academy, client):
    assert client.get("/api/v1/openapi.json").status_code == 401
    response = client.get("/api/v1/openapi.json", **_bearer(academy.lead_a))
    assert response.status_code == 200
    assert json.loads(response.content)["info"]["title"] == "Kefu Academy API"


def test_the_documentation_page_is_for_people_signed_in(academy, client, login):
    anonymous = client.get("/api/v1/docs/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    page = login(academy.lead_a).get("/api/v1/docs/")
    assert page.status_code == 200
    # Served from the academy's own static files: the page works without the internet.
    assert "/static/ninja/swagger-ui-bundle.js" in page.content.decode()

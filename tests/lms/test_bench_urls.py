"""The benchmarks' baseline views exist only in a deployment started with ACADEMY_BENCH."""

import importlib

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse

import lms.urls


def _reload_urls():
    importlib.reload(lms.urls)
    clear_url_caches()


@pytest.fixture
def bench_mounted(settings):
    settings.ACADEMY_BENCH = True
    _reload_urls()
    yield
    settings.ACADEMY_BENCH = False
    _reload_urls()


def test_without_the_setting_the_bench_views_are_not_mounted(db, client):
    with pytest.raises(NoReverseMatch):
        reverse("bench_bare")
    assert client.get("/bench/bare/").status_code == 404


def test_with_the_setting_the_bare_view_answers_and_the_signed_in_floor_needs_a_session(
    bench_mounted, academy, login
):
    from django.test import Client

    assert reverse("bench_bare") == "/bench/bare/"
    response = Client().get("/bench/bare/")
    assert response.status_code == 200 and response.content == b"ok"
    anonymous = Client().get("/bench/signed-in/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    signed_in = login(academy.agent_a).get(reverse("bench_signed_in"))
    assert signed_in.status_code == 200
    assert "bench/signed_in.html" in [t.name for t in signed_in.templates]

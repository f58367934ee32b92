"""
In-process timings of the pages whose plumbing was swapped for libraries (sessions, the JSON
API, exports, the staff filters), to compare before and after a swap on the same machine:

    .venv/bin/pytest tests/bench/plumbing_timings.py -q -s -p no:randomly

Not part of the suite (the file name does not start with test_). Each figure is the median
of three rounds of N test-client GETs of one address, signed in as a lead with 40 people in
the team, in milliseconds per request. Compare only figures from one run or runs made back
to back: the machine is shared.
"""

import os
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

N = int(os.environ.get("TIMING_REQUESTS", "200"))


def _per_request_ms(client, url, **headers) -> float:
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(N):
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:
                b"".join(response.streaming_content)
        rounds.append((time.perf_counter() - started) * 1000 / N)
    return statistics.median(rounds)


@pytest.mark.django_db
def test_timings(academy, settings):
    from wagtail.models import APIToken

    UserFactory.create_batch(40, team=academy.team_a)
    client = Client()
    client.force_login(academy.lead_a)
    _token, plaintext = APIToken.create_token(user=academy.lead_a, name="bench")
    targets = [
        ("dashboard (signed in)", reverse("lms:dashboard"), {}),
        ("roster", reverse("lms:team_roster"), {}),
        ("roster filtered", reverse("lms:team_roster") + "?status=all&q=王", {}),
        ("api people (session)", reverse("lms:api_people"), {}),
        (
            "api people (token)",
            reverse("lms:api_people"),
            {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"},
        ),
        ("api live (session)", reverse("lms:api_live"), {}),
        ("roster export csv", reverse("lms:team_export", args=["csv"]), {}),
        ("roster export xlsx", reverse("lms:team_export", args=["xlsx"]), {}),
        ("team certification", reverse("certification:team"), {}),
        (
            "team certification ?standing=never",
            reverse("certification:team") + "?standing=never",
            {},
        ),
        ("certification export csv", reverse("certification:team_export", args=["csv"]), {}),
    ]
    only = os.environ.get("TIMING_ONLY")
    for _label, url, headers in targets:  # warm up
        client.get(url, **headers)
    import lms

    print(f"\n{lms.__file__}; sessions: {settings.SESSION_ENGINE}; {N} requests, median of 3")
    for label, url, headers in targets:
        if only and only not in label:
            continue
        print(f"{label:40s} {_per_request_ms(client, url, **headers):7.2f} ms")

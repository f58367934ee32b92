"""Public verification: the page anyone opens from a certificate, its cache and its limits."""

import datetime as dt
import hashlib
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.models import LevelCode
from certification.services import certificate_revoke
from tests.factories import certification as cert

TODAY = timezone.localdate()


@pytest.fixture
def open_cycle(db):
    return cert.cycle(2026, 2)


def _verify(client, code):
    return client.get(reverse("certification:verify", args=[code]))


# --- Public verification ------------------------------------------------------------------------


def test_the_verification_page_shows_holder_level_and_the_pdfs_fingerprint(
    academy, client, open_cycle
):
    certificate = cert.certificate(academy.agent_a, open_cycle, LevelCode.INTERMEDIATE)
    response = _verify(client, certificate.verification_code)
    body = response.content.decode()
    assert response.status_code == 200
    assert "王芳" in body and "中级" in body and certificate.serial in body
    assert "verify__status--valid" in body
    pdf = client.get(reverse("certification:verify_pdf", args=[certificate.verification_code]))
    digest = hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest()
    assert digest == certificate.pdf_sha256 and digest in body


def test_revoked_expired_and_superseded_certificates_say_so(academy, client, open_cycle):
    old_cycle = cert.cycle(2025, 2, open_now=False)
    revoked = cert.certificate(academy.agent_a, open_cycle)
    expired = cert.certificate(academy.agent_b, old_cycle)
    superseded = cert.certificate(academy.agent_c, old_cycle)
    cert.certificate(academy.agent_c, open_cycle)
    assert "verify__status--valid" in _verify(client, revoked.verification_code).content.decode()
    with cert.committed():
        certificate_revoke(certificate=revoked, actor=academy.admin, reason="考试作弊")
    body = _verify(client, revoked.verification_code).content.decode()
    assert "verify__status--revoked" in body and TODAY.strftime("%Y-%m-%d") in body
    assert "考试作弊" not in body  # the reason stays in the audit trail
    expired_body = _verify(client, expired.verification_code).content.decode()
    assert "verify__status--expired" in expired_body
    assert (
        "verify__status--superseded"
        in _verify(client, superseded.verification_code).content.decode()
    )


def test_every_unknown_code_gets_the_same_answer(academy, client, open_cycle):
    cert.certificate(academy.agent_a, open_cycle)

    def answer(response):
        # The language switch carries the address asked for.
        body = re.sub(r'name="next" value="[^"]+"', "", response.content.decode())
        return response.status_code, body

    answers = {
        answer(r)
        for r in (
            _verify(client, "a" * 32),
            _verify(client, "not-a-code"),
            _verify(client, "Z" * 40),
        )
    }
    assert len(answers) == 1
    assert next(iter(answers))[0] == 404


def test_guessing_codes_is_rate_limited_per_address(academy, client, settings, open_cycle):
    settings.CERTIFICATE_VERIFY_RATE_PER_MINUTE = 5
    certificate = cert.certificate(academy.agent_a, open_cycle)
    guesses = [_verify(client, "a" * 31 + letter) for letter in "bcdefg"]
    codes = [response.status_code for response in guesses]
    assert codes[:5] == [404] * 5 and codes[5] == 429
    assert "Retry-After" in guesses[5]
    # The real code too, until the minute is over: it was not asked about before.
    assert _verify(client, certificate.verification_code).status_code == 429
    other = client.get(
        reverse("certification:verify", args=[certificate.verification_code]),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_a_page_already_answered_is_served_without_counting(academy, client, settings, open_cycle):
    """Checking the same certificate again reveals nothing new, so it costs no allowance."""
    settings.CERTIFICATE_VERIFY_RATE_PER_MINUTE = 2
    certificate = cert.certificate(academy.agent_a, open_cycle)
    codes = [_verify(client, certificate.verification_code).status_code for _ in range(5)]
    assert codes == [200] * 5
    assert _verify(client, "b" * 32).status_code == 404
    assert _verify(client, "c" * 32).status_code == 429


def test_anonymous_visitors_share_one_rendered_page_until_the_certificate_changes(
    academy, client, open_cycle
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    certificate = cert.certificate(academy.agent_a, open_cycle)
    first = _verify(client, certificate.verification_code)
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(reverse("certification:verify", args=[certificate.verification_code]))
    assert again.content == first.content and again.status_code == 200
    assert not [q for q in queries if "certification_certificate" in q["sql"]]
    # Nothing in the shared page belongs to one visitor, and caches keep visitors apart.
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "Cookie" in again["Vary"]
    with cert.committed():
        certificate_revoke(certificate=certificate, actor=academy.admin, reason="考试作弊")
    page = _verify(client, certificate.verification_code).content.decode()
    assert "verify__status--revoked" in page


def test_the_shared_page_keeps_each_language_and_no_visitors_messages(academy, open_cycle):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    certificate = cert.certificate(academy.agent_a, open_cycle)
    url = reverse("certification:verify", args=[certificate.verification_code])
    # A visitor with a pending message (e.g. "signed out") fills the cache first.
    storage = CookieStorage(HttpRequest())
    storage.add(constants.INFO, "只给这位访客看的消息")
    cookie = storage._encode([*storage._queued_messages])
    visitor = Client()
    visitor.cookies["messages"] = cookie
    first = visitor.get(url)
    assert first.status_code == 200 and "王芳" in first.content.decode()
    assert "只给这位访客看的消息" not in first.content.decode()
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Valid certificate" in english.get(url).content.decode()
    assert "证书有效" in Client().get(url).content.decode()


def test_signed_in_visitors_see_the_page_with_their_own_navigation(academy, login, open_cycle):
    certificate = cert.certificate(academy.agent_a, open_cycle)
    url = reverse("certification:verify", args=[certificate.verification_code])
    Client().get(url)  # the anonymous page is now cached
    page = login(academy.lead_a).get(url).content.decode()
    assert reverse("lms:team_roster") in page and "王芳" in page


def test_a_cached_answer_never_outlives_the_day(settings):
    from certification.selectors import verification_cache_seconds

    settings.CERTIFICATE_VERIFY_CACHE_SECONDS = 300
    tz = timezone.get_current_timezone()
    assert verification_cache_seconds(dt.datetime(2026, 11, 23, 12, 0, tzinfo=tz)) == 300
    assert verification_cache_seconds(dt.datetime(2026, 11, 23, 23, 59, 30, tzinfo=tz)) == 30


def test_the_open_badge_carries_the_frozen_certificate(academy, client, open_cycle):
    certificate = cert.certificate(academy.agent_a, open_cycle, LevelCode.INTERMEDIATE)
    response = client.get(
        reverse("certification:verify_badge", args=[certificate.verification_code])
    )
    assert response["Content-Type"] == "application/vc+ld+json; charset=utf-8"
    badge = json.loads(response.content)
    assert "https://www.w3.org/ns/credentials/v2" in badge["@context"]
    assert "AchievementCredential" in badge["type"]
    assert badge["id"] == f"http://testserver{response.wsgi_request.path}"
    subject = badge["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "王芳"
    # The serial is the credential's own code; the achievement is shared by every holder.
    assert badge["humanCode"] == certificate.serial
    assert "humanCode" not in subject["achievement"]
    assert badge["validUntil"].startswith("2027-06-30")
    assert badge["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"

"""The person's page, the lead's team page with its exports, and the certificate desk."""

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from certification.audit import CertAction
from certification.models import Certificate, LevelCode, QAScore, Recommendation, TrackStep
from certification.services import certificate_revoke, registration_create
from lms.audit import audit_actor, audit_trail
from lms.models import Position
from tests.factories import UserFactory
from tests.factories import certification as cert
from tests.querycount import assert_queries_constant

TODAY = timezone.localdate()


@pytest.fixture
def open_cycle(db):
    return cert.cycle(2026, 2)


def _verify(client, code):
    return client.get(reverse("certification:verify", args=[code]))


# --- The person's own page ------------------------------------------------------------------


def test_a_person_registers_and_downloads_only_their_own_certificates(academy, login, open_cycle):
    cert.level(LevelCode.JUNIOR)
    client = login(academy.agent_b)
    page = client.get(reverse("certification:mine")).content.decode()
    assert "2026年下半年" in page
    response = client.post(reverse("certification:register"), {"level": LevelCode.JUNIOR})
    assert response.status_code == 302
    assert academy.agent_b.cert_registrations.filter(level=LevelCode.JUNIOR).exists()
    mine = cert.certificate(academy.agent_b, open_cycle)
    theirs = cert.certificate(academy.agent_c, open_cycle)
    own = client.get(reverse("certification:certificate_pdf", args=[mine.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert client.get(reverse("certification:certificate_pdf", args=[theirs.pk])).status_code == 404
    # The lead of team A sees agent_a's, not team C's.
    lead = login(academy.lead_a)
    assert lead.get(reverse("certification:certificate_pdf", args=[theirs.pk])).status_code == 404


def test_next_career_steps_list_exactly_what_is_missing(academy, login, open_cycle):
    TrackStep.objects.create(
        from_position=Position.AGENT,
        to_position=Position.SENIOR_AGENT,
        kind=TrackStep.Kind.VERTICAL,
        required_level=LevelCode.INTERMEDIATE,
        min_months_in_position=12,
        min_qa_score=85,
    )
    academy.agent_a.hire_date = TODAY - dt.timedelta(days=400)
    academy.agent_a.save()
    QAScore.objects.create(user=academy.agent_a, period="2026Q3", score=80)
    page = login(academy.agent_a).get(reverse("certification:mine")).content.decode()
    assert "资深客服" in page
    assert page.count("○") == 2  # intermediate certificate and QA score still missing
    assert "2026Q3：80" in page  # the score it has, in the reader's language


# --- The lead's team page ---------------------------------------------------------------------


def test_the_team_page_shows_levels_status_and_promotion_within_scope(
    academy, login, open_cycle, settings
):
    settings.CERTIFICATE_LAPSE_WARNING_DAYS = 60
    lapsing_cycle = cert.cycle(2026, 1, open_now=False, valid_until=TODAY + dt.timedelta(days=9))
    cert.certificate(academy.agent_a, lapsing_cycle, LevelCode.INTERMEDIATE)
    cert.certificate(academy.agent_b, open_cycle)
    page = login(academy.lead_a).get(reverse("certification:team")).content.decode()
    assert "王芳" in page and "badge--cert-lapsing" in page
    assert "林俊杰" not in page  # team B is not the lead's
    filtered = login(academy.lead_a).get(reverse("certification:team"), {"standing": "never"})
    assert filtered.status_code == 200
    never = filtered.content.decode()
    assert "杨晨" in never and "王芳" not in never  # the new hire holds no certificate yet


def test_team_page_query_count_is_constant_in_team_size(academy, login, open_cycle):
    client = login(academy.lead_a)
    TrackStep.objects.create(
        from_position=Position.AGENT, to_position=Position.QA, kind=TrackStep.Kind.LATERAL,
        required_level=LevelCode.JUNIOR, courses_authored=1, min_qa_score=90,
        needs_recommendation=True,
    )  # fmt: skip

    def grow(n):
        while academy.team_a.members.count() < n:
            person = UserFactory(team=academy.team_a)
            cert.certificate(person, open_cycle)
            QAScore.objects.create(user=person, period="2026Q3", score=91)

    assert_queries_constant(lambda: client.get(reverse("certification:team")), grow, sizes=(4, 12))


def test_a_registration_in_the_open_cycle_leaves_every_member_on_the_team_page(
    academy, login, open_cycle
):
    """A loop over the cycle's registrations once reused the name of the level filter, so
    one registration filtered the page down to the people holding that level."""
    registration_create(user=academy.agent_a, level=cert.level(LevelCode.JUNIOR))
    page = login(academy.lead_a).get(reverse("certification:team")).content.decode()
    for member in (academy.lead_a, academy.agent_a, academy.newhire_a):
        assert member.display_name in page
    assert "已报名" in page  # agent_a's registration shows on their row


def test_exports_and_the_zip_hold_exactly_the_leads_team(academy, login, open_cycle):
    mine = cert.certificate(academy.agent_a, open_cycle)
    cert.certificate(academy.agent_b, open_cycle)
    client = login(academy.lead_a)
    csv_response = client.get(reverse("certification:team_export", args=["csv"]))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "王芳" in text and "初级" in text and "林俊杰" not in text
    archive = client.get(reverse("certification:team_zip"))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert names == [f"{academy.agent_a.employee_no}-王芳-{mine.serial}.pdf"]


def test_the_zip_names_a_hostile_holder_name_as_one_plain_file(academy, login, open_cycle):
    academy.agent_a.employee_no = "ZS001"
    academy.agent_a.display_name = "/../../../zipslip"
    academy.agent_a.save()
    mine = cert.certificate(academy.agent_a, open_cycle)
    assert mine.holder_name == "/../../../zipslip"
    archive = login(academy.lead_a).get(reverse("certification:team_zip"))
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert names == [f"ZS001-_._._._zipslip-{mine.serial}.pdf"]


def test_a_lead_recommends_a_team_member_but_not_someone_elses(academy, login):
    step = TrackStep.objects.create(
        from_position=Position.AGENT, to_position=Position.SENIOR_AGENT,
        kind=TrackStep.Kind.VERTICAL, needs_recommendation=True,
    )  # fmt: skip
    client = login(academy.lead_a)
    url = reverse("certification:recommend", args=[academy.agent_a.pk])
    assert client.post(url, {"step": step.pk}).status_code == 302
    recommendation = Recommendation.objects.get(user=academy.agent_a, step=step)
    event = audit_trail(recommendation).get(action=CertAction.RECOMMENDED)
    assert audit_actor(event) == "张伟"
    assert (event.data["from"], event.data["to"]) == (Position.AGENT, Position.SENIOR_AGENT)
    other = reverse("certification:recommend", args=[academy.agent_b.pk])
    assert client.post(other, {"step": step.pk}).status_code == 404


def test_after_recommending_the_lead_is_never_sent_off_site(academy, login):
    step = TrackStep.objects.create(
        from_position=Position.AGENT, to_position=Position.SENIOR_AGENT,
        kind=TrackStep.Kind.VERTICAL, needs_recommendation=True,
    )  # fmt: skip
    response = login(academy.lead_a).post(
        reverse("certification:recommend", args=[academy.agent_a.pk]),
        {"step": step.pk, "next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("certification:team")


# --- Administrators ----------------------------------------------------------------------------


def test_a_qa_score_file_with_a_bad_row_saves_nothing_and_names_the_row(academy, login):
    client = login(academy.admin)
    number = academy.agent_a.employee_no
    bad = f"工号,周期,得分\n{number},2026Q3,92\nKF0000,2026Q3,88\n{number},2026Q9,70\n"
    upload = io.BytesIO(bad.encode("utf-8-sig"))
    upload.name = "qa.csv"
    page = client.post(reverse("certification_admin_qa_import"), {"file": upload})
    body = page.content.decode()
    assert "KF0000" in body and "2026Q9" in body
    assert "<td>3</td>" in body
    assert not QAScore.objects.exists()
    good = io.BytesIO(f"{number},2026Q3,92\n".encode("gbk"))
    good.name = "qa.csv"
    client.post(reverse("certification_admin_qa_import"), {"file": good})
    assert QAScore.objects.get(user=academy.agent_a).score == 92


def test_an_administrator_revokes_from_the_certificate_desk(academy, login, client, open_cycle):
    certificate = cert.certificate(academy.agent_a, open_cycle)
    admin = login(academy.admin)
    url = reverse("certification_admin_detail", args=[certificate.pk])
    assert "王芳" in admin.get(url).content.decode()
    refused = admin.post(url, {"reason": ""})
    assert refused.status_code == 200
    with cert.committed():
        admin.post(url, {"reason": "证书信息有误"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == "证书信息有误"


def test_a_revoked_certificates_pdf_is_gone_and_its_credential_says_revoked(
    academy, client, login, open_cycle
):
    certificate = cert.certificate(academy.agent_a, open_cycle)
    signed = Certificate.objects.get(pk=certificate.pk).credential
    with cert.committed():
        certificate_revoke(certificate=certificate, actor=academy.admin, reason="作弊")
    code = certificate.verification_code
    assert client.get(reverse("certification:verify_pdf", args=[code])).status_code == 410
    badge = client.get(reverse("certification:verify_badge", args=[code]))
    assert badge.status_code == 200 and badge.content.decode() == signed
    page = _verify(client, code).content.decode()
    assert reverse("certification:verify_pdf", args=[code]) not in page
    assert reverse("certification:verify_badge", args=[code]) in page
    assert certificate.pdf_sha256 in page  # a copy someone was shown can still be matched
    own = login(academy.agent_a).get(
        reverse("certification:certificate_pdf", args=[certificate.pk])
    )
    assert own.status_code == 404


def test_behind_a_proxy_the_rate_limit_counts_each_visitor(academy, client, settings, open_cycle):
    settings.CERTIFICATE_VERIFY_RATE_PER_MINUTE = 2
    settings.TRUSTED_PROXY_COUNT = 1

    def ask(visitor, guess):
        # A visitor may forge the left of the header; the proxy appends the real address.
        url = reverse("certification:verify", args=["b" * 31 + guess])
        return client.get(url, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {visitor}").status_code

    assert [ask("1.1.1.1", guess) for guess in "cde"] == [404, 404, 429]
    assert ask("2.2.2.2", "f") == 404


def test_the_latest_qa_score_counts_whichever_way_periods_are_written(academy, login):
    from certification.selectors import latest_qa_scores

    for period, score in (("2026Q1", 70), ("2026-11", 95), ("2026H1", 80)):
        QAScore.objects.create(user=academy.agent_a, period=period, score=score)
    assert latest_qa_scores([academy.agent_a.pk])[academy.agent_a.pk].period == "2026-11"
    upload = io.BytesIO(f"{academy.agent_b.employee_no.lower()},2026Q4,88\n".encode())
    upload.name = "qa.csv"
    login(academy.admin).post(reverse("certification_admin_qa_import"), {"file": upload})
    assert QAScore.objects.get(user=academy.agent_b).score == 88


def test_a_change_made_in_another_worker_shows_here_within_the_memos_lifetime(
    academy, open_cycle, monkeypatch, settings
):
    """Hits on a page this worker keeps must not keep it longer: when another worker
    revokes, only the shared cache is cleared, and this worker must follow in 10 seconds."""
    import time
    import types

    from django.core.cache import caches
    from django.core.cache.backends import base as cache_base
    from django.core.cache.backends import locmem

    from certification.models import Certificate
    from certification.selectors import verification_cache_keys

    settings.CERTIFICATE_VERIFY_LOCAL_SECONDS = 10
    now = [time.time()]
    # The worker's own memory (the "local" cache) reads this clock for its expiry.
    clock = types.SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr(locmem, "time", clock)
    monkeypatch.setattr(cache_base, "time", clock)
    certificate = cert.certificate(academy.agent_a, open_cycle)
    url = reverse("certification:verify", args=[certificate.verification_code])
    assert "verify__status--valid" in Client().get(url).content.decode()
    # Another worker revokes: the database and the shared cache change, this memo does not.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    caches["default"].delete_many(verification_cache_keys(certificate.verification_code))
    now[0] += 6
    assert "verify__status--valid" in Client().get(url).content.decode()  # still kept
    now[0] += 5
    assert "verify__status--revoked" in Client().get(url).content.decode()


def test_the_team_page_filters_offer_only_the_viewers_teams_and_show_errors(
    academy, login, open_cycle
):
    cert.certificate(academy.agent_a, open_cycle)
    client = login(academy.lead_a)
    response = client.get(
        reverse("certification:team"), {"team": academy.team_b.pk, "standing": "valid"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_team_error"' in page
    assert "电话二组" not in page and "林俊杰" not in page
    assert "王芳" in page and "杨晨" not in page  # the valid standing filter still applies
    assert (
        'id="id_level_error"'
        in client.get(reverse("certification:team"), {"level": "grandmaster"}).content.decode()
    )


def test_the_team_page_filters_on_level_held(academy, login, open_cycle):
    cert.certificate(academy.agent_a, open_cycle, LevelCode.INTERMEDIATE)
    cert.certificate(academy.newhire_a, open_cycle, LevelCode.JUNIOR)
    client = login(academy.lead_a)
    page = client.get(reverse("certification:team"), {"level": LevelCode.INTERMEDIATE})
    assert page.status_code == 200
    assert "王芳" in page.content.decode() and "杨晨" not in page.content.decode()
    export = client.get(
        reverse("certification:team_export", args=["csv"]), {"level": LevelCode.JUNIOR}
    )
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "杨晨" in text and "王芳" not in text


def test_a_filtered_team_page_costs_the_same_queries_whatever_the_team_size(
    academy, login, open_cycle
):
    client = login(academy.lead_a)
    params = {"team": academy.team_a.pk, "standing": "valid", "promotion": "close", "q": "KF"}

    def grow(n):
        while academy.team_a.members.count() < n:
            cert.certificate(UserFactory(team=academy.team_a), open_cycle)

    def fetch():
        return client.get(reverse("certification:team"), params)

    assert_queries_constant(fetch, grow, sizes=(4, 12))


def test_qa_scores_with_control_characters_or_no_number_are_refused_by_row(academy):
    """The same on SQLite (which would store a NUL) and PostgreSQL (which refuses it with an
    error naming no row): each bad row is named, and nothing of the file is saved."""
    from certification.qa_import import qa_scores_import

    number = academy.agent_a.employee_no
    rows = [
        "工号,周期,得分",
        f"{number},2026Q3,92",
        f"{number}\x00,2026Q3,90",
        f"{number},2026Q\x1b3,90",
        f"{number},2026Q3,NaN",
        f"{number},٢٠٢٦Q3,90",
        f"{number},2026Q3,Infinity",
    ]
    with translation.override("en"):
        result = qa_scores_import(content="\n".join(rows).encode())
        broken = qa_scores_import(content=b'"KF1\r,2026Q3,9')
    assert result.saved == 0
    assert [error.row for error in result.errors] == [3, 4, 5, 6, 7]
    assert "control characters" in result.errors[0].message
    assert "control characters" in result.errors[1].message
    assert not QAScore.objects.exists()
    assert broken.saved == 0 and broken.errors

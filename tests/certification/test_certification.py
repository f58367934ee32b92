"""Cycles, exams, results, issuing exactly once, revoking, superseding and lapse reminders."""

import datetime as dt
import hashlib
import io
import json
import re
from decimal import Decimal
from unittest import mock

import pikepdf
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from certification import rendering
from certification.audit import CertAction
from certification.models import (
    BulkIssue,
    Certificate,
    LevelCode,
    Registration,
    Result,
)
from certification.services import (
    certificate_issue,
    certificate_revoke,
    certificates_remind_lapsing,
    certificates_render,
    certificates_render_pending,
    cycle_bulk_issue_start,
    registration_create,
    result_record_exceptional,
)
from certification.services.issuing import TEMPLATE_VERSION
from lms.audit import audit_actor, audit_trail
from lms.models import Notice
from lms.refusals import Refused
from lms.selectors.notices import notice_render
from lms.selectors.quiz import quiz_result
from lms.services.quiz import attempt_start, attempt_submit
from tests.admin import admin_form
from tests.concurrency import at_once, needs_postgres
from tests.factories import UserFactory
from tests.factories import certification as cert
from tests.factories.learning import right_answers, wrong_answers

TODAY = timezone.localdate()


@pytest.fixture
def levels(db):
    junior = cert.level(LevelCode.JUNIOR)
    intermediate = cert.level(
        LevelCode.INTERMEDIATE, required_level=LevelCode.JUNIOR, min_tenure_months=12
    )
    return junior, intermediate


@pytest.fixture
def open_cycle(db):
    return cert.cycle(2026, 2)


@pytest.fixture
def past_cycle(db):
    return cert.cycle(2026, 1, open_now=False)


committed = cert.committed


def _sit(user, quiz, *, right=True):
    attempt = attempt_start(user=user, quiz=quiz)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    with committed():
        return attempt_submit(attempt_id=attempt.pk, user=user, revision=0, answers=answers)


def _veteran(academy, past_cycle):
    """agent_a: hired two years ago, holding a valid junior certificate."""
    academy.agent_a.hire_date = TODAY - dt.timedelta(days=800)
    academy.agent_a.save()
    cert.certificate(academy.agent_a, past_cycle, LevelCode.JUNIOR)
    return academy.agent_a


# --- Registration and the exam -----------------------------------------------------------


def zh(render, notice) -> str:
    """A notice's title as a Chinese reader sees it, whatever language a test left on."""
    with translation.override("zh-hans"):
        return render(notice).title


def test_intermediate_needs_a_valid_junior_certificate_and_tenure(academy, levels, open_cycle):
    _junior, intermediate = levels
    academy.agent_a.hire_date = TODAY - dt.timedelta(days=100)
    academy.agent_a.save()
    with pytest.raises(Refused) as refused:
        registration_create(user=academy.agent_a, level=intermediate)
    assert "初级" in refused.value.message or "Junior" in refused.value.message
    assert "12" in refused.value.message
    assert not Registration.objects.exists()


def test_the_exam_opens_only_to_registered_people_in_the_exam_window(
    academy, levels, open_cycle, past_cycle
):
    _junior, intermediate = levels
    agent = _veteran(academy, past_cycle)
    with pytest.raises(Refused) as refused:
        attempt_start(user=agent, quiz=intermediate.exam)
    assert refused.value.code == "quiz_closed"
    registration_create(user=agent, level=intermediate)
    assert attempt_start(user=agent, quiz=intermediate.exam).pk
    # After the window the same registered person is turned away.
    open_cycle.exam_closes = TODAY - dt.timedelta(days=1)
    open_cycle.exam_opens = TODAY - dt.timedelta(days=3)
    open_cycle.save()
    other = UserFactory(hire_date=TODAY - dt.timedelta(days=800))
    with pytest.raises(Refused):
        attempt_start(user=other, quiz=intermediate.exam)


def test_passing_the_exam_issues_a_frozen_certificate_with_its_pdf(
    academy, levels, open_cycle, past_cycle
):
    _junior, intermediate = levels
    agent = _veteran(academy, past_cycle)
    registration_create(user=agent, level=intermediate)
    _sit(agent, intermediate.exam, right=True)

    result = Result.objects.get(user=agent, cycle=open_cycle, level=LevelCode.INTERMEDIATE)
    assert result.passed and result.percent == Decimal("100.00")
    certificate = Certificate.objects.get(result=result)
    assert certificate.serial == f"IM-{open_cycle.code}-00001"
    # 160 random bits in lower-case base32, as printed on the paper and typed back in.
    assert re.fullmatch("[a-z2-7]{32}", certificate.verification_code)
    assert certificate.holder_name == "王芳" and certificate.level_name_zh == "中级"
    assert certificate.cycle_name_zh == "2026年下半年"
    assert (certificate.level_name_en, certificate.cycle_name_en) == (
        "Intermediate",
        "Second half of 2026",
    )  # the English side of the certificate
    assert certificate.holder_employee_no == agent.employee_no != ""
    assert (certificate.template_version, certificate.issuer_name) == (
        TEMPLATE_VERSION,
        django_settings.ACADEMY_NAME,
    )
    assert certificate.expires_on == dt.date(2027, 6, 30)  # end of the following half year
    assert certificate.render_state == Certificate.RenderState.READY
    assert certificate.pdf_sha256 and certificate.pdf.read().startswith(b"%PDF")
    # The junior certificate is superseded by the higher level.
    junior = Certificate.objects.get(user=agent, level=LevelCode.JUNIOR)
    assert junior.superseded_by == certificate

    agent.display_name = "王芳芳"
    agent.save()
    certificate.refresh_from_db()
    assert certificate.holder_name == "王芳"


def test_a_failed_exam_records_the_result_and_issues_nothing(
    academy, levels, open_cycle, past_cycle
):
    _junior, intermediate = levels
    agent = _veteran(academy, past_cycle)
    registration_create(user=agent, level=intermediate)
    _sit(agent, intermediate.exam, right=False)
    result = Result.objects.get(user=agent, level=LevelCode.INTERMEDIATE)
    assert result.passed is False
    assert not Certificate.objects.filter(level=LevelCode.INTERMEDIATE).exists()


def test_serial_numbers_count_up_per_cycle_and_level(academy, levels, open_cycle):
    serials = [
        cert.certificate(person, open_cycle, LevelCode.JUNIOR).serial
        for person in (academy.agent_a, academy.agent_b, academy.agent_c)
    ]
    assert serials == [f"JR-{open_cycle.code}-0000{n}" for n in (1, 2, 3)]


@needs_postgres
def test_the_next_serial_is_read_from_the_end_of_an_index_not_sorted(academy, levels, open_cycle):
    """At a close of 10,000 the next serial was found by sorting every serial the cycle and
    level had issued so far, once per certificate. The planner is steered off sequential
    scans and sorts (as it is at size L, where they cost): the query must then be served,
    in order, by an index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification.services.issuing import _serial_last_number

    for person in (academy.agent_a, academy.agent_b):
        cert.certificate(person, open_cycle, LevelCode.JUNIOR)
    with CaptureQueriesContext(connection) as read:
        last = _serial_last_number(open_cycle, LevelCode.JUNIOR)
    assert last == 2
    (query,) = read.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan Backward using certificate_serials" in plan, plan
    assert "Sort" not in plan, plan


def test_a_batch_issues_exactly_as_one_at_a_time_would(academy, client, levels, open_cycle):
    """A bulk run issues its chunks in a few statements for all of them; every rule holds
    as if they were issued one after another in the results' order: serials per level,
    earlier certificates superseded (one issued earlier in the same batch included), one
    signed credential, one audit entry and one notice each; issuing again adds nothing."""
    from certification.services import certificates_issue
    from tests.certification import credential_check as outsider

    past = cert.cycle(2026, 1, open_now=False)
    earlier = cert.certificate(academy.agent_b, past, LevelCode.JUNIOR)
    results = [
        cert.passed_result(academy.agent_a, open_cycle, LevelCode.JUNIOR),
        cert.passed_result(academy.agent_b, open_cycle, LevelCode.JUNIOR),
        cert.passed_result(academy.agent_a, open_cycle, LevelCode.INTERMEDIATE),
        cert.passed_result(academy.agent_c, open_cycle, LevelCode.JUNIOR),
    ]
    failed = Result.objects.create(
        user=academy.newhire_a, cycle=open_cycle, level=LevelCode.JUNIOR, passed=False, percent=50
    )
    with committed():
        issued = certificates_issue(result_ids=[r.pk for r in results] + [failed.pk])

    assert set(issued) == {r.pk for r in results}  # the failed result gets nothing
    assert issued.new == {c.pk for c in issued.values()}
    made = {r.pk: Certificate.objects.get(result=r) for r in results}
    junior_a, junior_b, intermediate_a, junior_c = (made[r.pk] for r in results)
    code = open_cycle.code
    assert [junior_a.serial, junior_b.serial, junior_c.serial] == [
        f"JR-{code}-00001",
        f"JR-{code}-00002",
        f"JR-{code}-00003",
    ]
    assert intermediate_a.serial == f"IM-{code}-00001"
    # Superseded: agent B's earlier junior, and agent A's junior issued just before.
    earlier.refresh_from_db()
    assert earlier.superseded_by == junior_b
    assert junior_a.superseded_by == intermediate_a
    assert intermediate_a.superseded_by is None and junior_c.superseded_by is None
    assert audit_trail(earlier).filter(action=CertAction.SUPERSEDED).get().data["serial"] == (
        junior_b.serial
    )
    assert audit_trail(junior_a).filter(action=CertAction.SUPERSEDED).get().data["serial"] == (
        intermediate_a.serial
    )
    indexes = set()
    for certificate in made.values():
        assert audit_trail(certificate).filter(action=CertAction.ISSUED).count() == 1
        assert outsider.verifies(client, json.loads(certificate.credential))
        indexes.add(certificate.status_index)
        notice = Notice.objects.get(user=certificate.user, key=f"cert_issued:{certificate.pk}")
        assert notice.params == {"level": certificate.level, "serial": certificate.serial}
    assert len(indexes) == 4

    with committed():
        again = certificates_issue(result_ids=[r.pk for r in results])
    assert again.new == set()
    assert {pk: c.pk for pk, c in again.items()} == {pk: c.pk for pk, c in made.items()}
    assert Certificate.objects.count() == 5
    told = Notice.objects.filter(kind="cert_issued").exclude(key=f"cert_issued:{earlier.pk}")
    assert told.count() == 4


def test_a_batchs_statements_do_not_grow_with_its_certificates(levels, open_cycle, settings):
    """A close of 10,000 issued one at a time made some twenty statements per certificate;
    a chunk makes the same number whatever its size. (The shared cache is kept in memory
    here: in production it is Redis, and the database cache writes a row a key.)"""
    memory = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": {**memory, "LOCATION": "shared"}, "local": memory}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification.services import certificates_issue

    earlier = cert.cycle(2025, 2, open_now=False)

    def statements(size: int) -> int:
        people = [UserFactory() for _ in range(size)]
        for person in people:
            cert.certificate(person, earlier, LevelCode.JUNIOR)  # superseded by the new one
        ids = [cert.passed_result(p, open_cycle, LevelCode.JUNIOR).pk for p in people]
        with CaptureQueriesContext(connection) as done:
            issued = certificates_issue(result_ids=ids)
        assert len(issued.new) == size
        return len(done.captured_queries)  # the caches are in memory: all of them are SQL

    assert statements(3) == statements(9)


def test_issuing_the_same_pass_twice_gives_one_certificate(academy, levels, open_cycle):
    result = cert.passed_result(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    with committed():
        first = certificate_issue(result_id=result.pk)
    with committed():
        second = certificate_issue(result_id=result.pk)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1
    assert audit_trail(first).filter(action=CertAction.ISSUED).count() == 1
    assert audit_trail(first).filter(action=CertAction.RENDERED).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_issuing_the_same_pass_make_one_certificate_and_one_pdf():
    user = UserFactory()
    cycle = cert.cycle(2026, 2)
    results = [cert.passed_result(user, cycle, LevelCode.JUNIOR)]
    other = cert.passed_result(UserFactory(), cycle, LevelCode.JUNIOR)
    issued = at_once(
        *[
            lambda rid=rid: certificate_issue(result_id=rid).pk
            for rid in (results[0].pk, results[0].pk, other.pk, other.pk)
        ]
    )
    assert len(issued) == 4 and all(isinstance(pk, int) for pk in issued), issued
    assert len(set(issued)) == 2  # each pair of workers handed back the same certificate
    assert Certificate.objects.count() == 2
    serials = set(Certificate.objects.values_list("serial", flat=True))
    assert serials == {f"JR-{cycle.code}-00001", f"JR-{cycle.code}-00002"}
    assert ModelLogEntry.objects.filter(action=CertAction.RENDERED).count() == 2


def test_a_failed_render_is_retried_a_bounded_number_of_times_and_then_shows_failed(
    academy, open_cycle, settings, login
):
    settings.CERTIFICATE_RENDER_MAX_ATTEMPTS = 2
    result = cert.passed_result(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    with mock.patch(
        "certification.services.rendering.certificate_pdfs", side_effect=RuntimeError("字体缺失")
    ):
        with committed():
            certificate = certificate_issue(result_id=result.pk)
        certificate.refresh_from_db()
        assert certificate.render_state == Certificate.RenderState.PENDING
        assert certificate.render_attempts == 1
        # The retry back-off passes (moved on in the database rather than waited out).
        _an_hour_ago(certificate)
        certificates_render_pending()
    certificate.refresh_from_db()
    assert certificate.render_state == Certificate.RenderState.FAILED
    assert certificate.render_attempts == 2 and "字体缺失" in certificate.render_error
    assert certificate.serial and certificate.holder_name == "王芳"  # the record is intact
    # No more tries once failed, until an administrator asks again.
    _an_hour_ago(certificate)
    certificates_render_pending()
    certificate.refresh_from_db()
    assert certificate.render_attempts == 2
    admin = login(academy.admin)
    listing = admin.get(reverse("certification_admin_index"), {"state": "failed"})
    assert certificate.serial in listing.content.decode()
    with committed():
        admin.post(reverse("certification_admin_render_again", args=[certificate.pk]))
    certificate.refresh_from_db()
    assert certificate.render_state == Certificate.RenderState.READY


def _issued_unrendered(users, cycle) -> list[Certificate]:
    issued = []
    for user in users:
        result = cert.passed_result(user, cycle, LevelCode.JUNIOR)
        with committed():
            issued.append(certificate_issue(result_id=result.pk, render=False))
    return issued


def test_a_batch_of_renders_is_laid_out_together_and_each_stored_once(academy, open_cycle):
    batch = _issued_unrendered([academy.agent_a, academy.agent_b, academy.lead_a], open_cycle)
    ids = [c.pk for c in batch]
    with mock.patch(
        "certification.services.rendering.certificate_pdfs", wraps=rendering.certificate_pdfs
    ) as laid_out:
        rendered = certificates_render(certificate_ids=ids)
        assert [len(call.args[0]) for call in laid_out.call_args_list] == [3]  # one layout
        assert certificates_render(certificate_ids=ids) == []  # each exactly once
    assert sorted(c.pk for c in rendered) == sorted(ids)
    stored = Certificate.objects.filter(pk__in=ids)
    assert {c.render_state for c in stored} == {Certificate.RenderState.READY}
    assert len({c.pdf_sha256 for c in stored}) == len({c.pdf.name for c in stored}) == 3
    for certificate in stored:
        with certificate.pdf.open("rb") as file:
            pdf = file.read()
        assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
        with pikepdf.open(io.BytesIO(pdf)) as document:  # its own, not the batch's first
            assert str(document.docinfo["/Title"]).endswith(certificate.serial)
        assert audit_trail(certificate).filter(action=CertAction.RENDERED).count() == 1


def test_one_certificate_that_cannot_render_fails_alone_and_its_batch_is_stored(
    academy, open_cycle
):
    batch = _issued_unrendered([academy.agent_a, academy.agent_b, academy.lead_a], open_cycle)
    bad = batch[1]
    real = rendering.certificate_pdfs

    def failing_with_bad(certificates):
        if any(c.pk == bad.pk for c in certificates):
            raise RuntimeError("字体缺失")
        return real(certificates)

    with mock.patch(
        "certification.services.rendering.certificate_pdfs", side_effect=failing_with_bad
    ):
        rendered = certificates_render(certificate_ids=[c.pk for c in batch])
    assert len(rendered) == 3  # all tried: two stored, one failed
    states = dict(Certificate.objects.values_list("pk", "render_state"))
    assert states[batch[0].pk] == states[batch[2].pk] == Certificate.RenderState.READY
    bad.refresh_from_db()
    assert bad.render_state == Certificate.RenderState.PENDING  # the sweeper tries again
    assert bad.render_attempts == 1 and "字体缺失" in bad.render_error
    assert bad.render_tried_at is not None and not bad.pdf
    assert not audit_trail(bad).filter(action=CertAction.RENDERED).exists()


def _an_hour_ago(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        render_tried_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_a_certificate_is_valid_through_its_expiry_day_and_expired_the_day_after(
    academy, open_cycle
):
    certificate = cert.certificate(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    last_day = certificate.expires_on
    assert certificate.status(today=last_day) == "valid"
    assert certificate.status(today=last_day + dt.timedelta(days=1)) == "expired"
    assert certificate.status() == "valid"  # today, long before the last day


def test_recertification_in_a_later_cycle_is_a_new_certificate_superseding_the_old(
    academy, levels, past_cycle, open_cycle
):
    old = cert.certificate(academy.agent_a, past_cycle, LevelCode.JUNIOR)
    new = cert.certificate(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    old.refresh_from_db()
    assert new.pk != old.pk
    assert old.superseded_by == new and old.status() == "superseded"
    assert new.status() == "valid"


def test_only_the_holders_own_certificates_at_or_below_the_level_are_superseded(
    academy, levels, past_cycle, open_cycle
):
    colleague = cert.certificate(academy.agent_b, past_cycle, LevelCode.JUNIOR)
    higher = cert.certificate(academy.agent_a, past_cycle, LevelCode.INTERMEDIATE)
    cert.certificate(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    colleague.refresh_from_db()
    higher.refresh_from_db()
    assert (colleague.status(), higher.status()) == ("valid", "valid")


def test_an_older_cycle_issued_late_does_not_supersede_a_newer_certificate(
    academy, past_cycle, open_cycle
):
    new = cert.certificate(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    cert.certificate(academy.agent_a, past_cycle, LevelCode.JUNIOR)
    new.refresh_from_db()
    assert new.superseded_by is None


def test_superseding_compares_the_year_before_the_half(academy):
    """
    A second half is older than the next year's first half: the year decides, the half only
    breaks a tie. Issued in either order, the 2027 first-half certificate is the current one.
    """
    second_half = cert.cycle(2026, 2, open_now=False)
    next_year = cert.cycle(2027, 1, open_now=False)

    late = cert.certificate(academy.agent_a, next_year, LevelCode.JUNIOR)
    cert.certificate(academy.agent_a, second_half, LevelCode.JUNIOR)
    late.refresh_from_db()
    assert late.superseded_by is None

    old = cert.certificate(academy.agent_b, second_half, LevelCode.JUNIOR)
    new = cert.certificate(academy.agent_b, next_year, LevelCode.JUNIOR)
    old.refresh_from_db()
    assert old.superseded_by == new


# --- Exceptional results and revoking --------------------------------------------------------


def test_an_exceptional_result_needs_a_reason_and_the_right_and_is_audited(academy, open_cycle):
    kwargs = {
        "user": academy.agent_b,
        "cycle": open_cycle,
        "level": LevelCode.JUNIOR,
        "passed": True,
        "percent": Decimal("88"),
    }
    with pytest.raises(Refused):
        result_record_exceptional(**kwargs, reason=" ", actor=academy.admin)
    with pytest.raises(Refused):
        result_record_exceptional(**kwargs, reason="纸质考试", actor=academy.lead_a)
    with committed():
        result_record_exceptional(**kwargs, reason="系统故障，改为纸质考试", actor=academy.admin)
    result = Result.objects.get(user=academy.agent_b)
    event = audit_trail(result).get(action=CertAction.EXCEPTIONAL_RESULT)
    assert audit_actor(event) == "系统管理员"
    assert event.data["reason"] == "系统故障，改为纸质考试" and event.data["passed"] is True
    with translation.override("zh-hans"):
        assert "纸质考试" in event.message and "passed" not in event.message
    with translation.override("en"):
        assert "passed" in ModelLogEntry.objects.get(pk=event.pk).message
    assert Certificate.objects.get(user=academy.agent_b).percent == Decimal("88")


def test_revoking_needs_a_reason_and_the_permission(academy, open_cycle):
    certificate = cert.certificate(academy.agent_a, open_cycle)
    with pytest.raises(Refused):
        certificate_revoke(certificate=certificate, actor=academy.admin, reason="")
    with pytest.raises(Refused):
        certificate_revoke(certificate=certificate, actor=academy.lead_a, reason="作弊")
    certificate_revoke(certificate=certificate, actor=academy.admin, reason="考试作弊")
    certificate.refresh_from_db()
    assert certificate.status() == "revoked"
    event = audit_trail(certificate).get(action=CertAction.REVOKED)
    assert event.user == academy.admin and event.data["reason"] == "考试作弊"


# --- Lapsing -----------------------------------------------------------------------------------


def test_people_whose_certificate_lapses_soon_are_reminded_once(academy, settings):
    settings.CERTIFICATE_LAPSE_WARNING_DAYS = 60
    soon = cert.cycle(2026, 1, open_now=False, valid_until=TODAY + dt.timedelta(days=20))
    later_cycle = cert.cycle(2025, 2, open_now=False, valid_until=TODAY + dt.timedelta(days=200))
    cert.certificate(academy.agent_a, soon)
    cert.certificate(academy.agent_b, later_cycle)
    assert certificates_remind_lapsing(TODAY) == 1
    assert certificates_remind_lapsing(TODAY) == 0
    notice = Notice.objects.get(user=academy.agent_a, kind="cert_lapse")
    assert notice.params == {"level": "junior", "date": soon.valid_until.isoformat()}
    assert "初级" in zh(notice_render, notice)
    with translation.override("en"):
        assert notice_render(notice).title.startswith("Your Junior certification lapses on")
    assert not Notice.objects.filter(user=academy.agent_b, kind="cert_lapse").exists()


# --- Bulk issue ----------------------------------------------------------------------------------


def test_bulk_issue_at_the_close_of_a_cycle_issues_every_pass_and_reports_progress(
    academy, open_cycle, login
):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        Result.objects.create(
            user=person, cycle=open_cycle, level=LevelCode.JUNIOR, passed=True, percent=90
        )
    Result.objects.create(
        user=academy.agent_c, cycle=open_cycle, level=LevelCode.JUNIOR, passed=False, percent=40
    )
    with committed():
        bulk = cycle_bulk_issue_start(cycle=open_cycle, actor=academy.admin, reason="提前发证")
    bulk.refresh_from_db()
    assert Certificate.objects.filter(cycle=open_cycle).count() == 5
    assert bulk.early_reason == "提前发证"
    assert bulk.status == BulkIssue.Status.DONE  # the last render batch says so, unwatched
    page = login(academy.admin).get(reverse("certification_admin_index"))
    body = page.content.decode()
    assert 'data-bulk-status="done"' in body
    bulk.refresh_from_db()
    assert (bulk.total, bulk.done, bulk.failed) == (5, 5, 0)
    # Running it again issues nothing new.
    with committed():
        cycle_bulk_issue_start(cycle=open_cycle, actor=academy.admin, reason="再次")
    assert Certificate.objects.filter(cycle=open_cycle).count() == 5
    assert BulkIssue.objects.count() == 2


# --- Found in review ------------------------------------------------------------------------


def test_last_cycles_exam_attempts_do_not_use_up_this_cycles(academy, levels, open_cycle):
    junior, _intermediate = levels
    junior.exam.max_attempts = 1
    junior.exam.save()
    agent = academy.agent_b
    last_time = cert.cycle(2026, 1, open_now=False)
    Registration.objects.create(user=agent, cycle=last_time, level=LevelCode.JUNIOR)
    in_last_window = timezone.make_aware(dt.datetime.combine(last_time.exam_opens, dt.time(10)))
    old = attempt_start(user=agent, quiz=junior.exam, now=in_last_window)
    attempt_submit(attempt_id=old.pk, user=agent, revision=0, now=in_last_window)
    registration_create(user=agent, level=junior)
    this_cycle = quiz_result(user=agent, quiz=junior.exam)
    assert (this_cycle.attempts_used, this_cycle.attempts_left) == (0, 1)
    assert attempt_start(user=agent, quiz=junior.exam).number == 2


def test_revoking_a_certificate_reinstates_what_it_superseded_and_allows_a_new_result(
    academy, past_cycle, open_cycle
):
    old = cert.certificate(academy.agent_a, past_cycle, LevelCode.JUNIOR)
    new = cert.certificate(academy.agent_a, open_cycle, LevelCode.JUNIOR)
    with committed():
        certificate_revoke(certificate=new, actor=academy.admin, reason="证书信息有误")
    old.refresh_from_db()
    assert old.status() == "valid"
    with committed():
        result_record_exceptional(
            user=academy.agent_a, cycle=open_cycle, level=LevelCode.JUNIOR, passed=True,
            percent=Decimal("91"), reason="更正后重新颁发", actor=academy.admin,
        )  # fmt: skip
    reissued = Certificate.objects.get(user=academy.agent_a, cycle=open_cycle, revoked_at=None)
    assert reissued.pk != new.pk and reissued.percent == Decimal("91")
    new.refresh_from_db()
    assert new.status() == "revoked" and new.result_id is None


def test_a_level_already_held_is_not_offered_again_until_it_is_about_to_lapse(
    academy, levels, settings
):
    settings.CERTIFICATE_LAPSE_WARNING_DAYS = 60
    junior, _intermediate = levels
    cert.cycle(2026, 2)
    far = cert.cycle(2026, 1, open_now=False, valid_until=TODAY + dt.timedelta(days=300))
    cert.certificate(academy.agent_a, far, LevelCode.JUNIOR)
    with pytest.raises(Refused):
        registration_create(user=academy.agent_a, level=junior)
    Certificate.objects.filter(user=academy.agent_a).update(
        expires_on=TODAY + dt.timedelta(days=20)
    )
    assert registration_create(user=academy.agent_a, level=junior)


def test_a_position_change_in_the_user_admin_restarts_the_tenure(academy, login):
    from lms.models import Position

    agent = academy.agent_a
    agent.position_since = dt.date(2024, 1, 1)
    agent.save()
    admin = login(academy.admin)
    url = reverse("wagtailusers_users:edit", args=[agent.pk])
    data = admin_form(admin, url, position=Position.SENIOR_AGENT)
    response = admin.post(url, data)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.position == Position.SENIOR_AGENT
    assert agent.position_since == TODAY


def test_editing_someone_in_the_user_admin_keeps_their_position_date(academy, login):
    agent = academy.agent_a
    agent.position_since = dt.date(2024, 1, 1)
    agent.save()
    admin = login(academy.admin)
    url = reverse("wagtailusers_users:edit", args=[agent.pk])
    response = admin.post(url, admin_form(admin, url, display_name="王芳（改名）"))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.display_name, agent.position_since) == ("王芳（改名）", dt.date(2024, 1, 1))

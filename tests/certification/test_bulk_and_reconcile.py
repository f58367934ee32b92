"""
A cycle's close survives crashes: the desk confirms before issuing, a run interrupted while
issuing is picked up again (from the desk or by the reconciler) and carries on where the
database says it stopped, and results whose queue message was lost still get their one
certificate and one PDF.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import BulkIssue, Certificate, LevelCode, Result
from certification.services import certificate_issue, cycle_bulk_issue_start
from lms.refusals import Refused
from lms.tasks import jobs_reconcile
from tests.factories import UserFactory
from tests.factories import certification as cert

committed = cert.committed


@pytest.fixture
def open_cycle(db):
    return cert.cycle(2026, 2)


@pytest.fixture
def closed_cycle(db):
    return cert.cycle(2026, 1, open_now=False)


def _passed(cycle, n):
    people = [UserFactory() for _ in range(n)]
    for person in people:
        Result.objects.create(
            user=person, cycle=cycle, level=LevelCode.JUNIOR, passed=True, percent=88
        )
    return people


def _one_each(cycle):
    """Every passed result of the cycle has exactly one current certificate and PDF."""
    passed = Result.objects.filter(cycle=cycle, passed=True)
    certificates = Certificate.objects.filter(cycle=cycle, revoked_at=None)
    return (
        certificates.count() == passed.count()
        and set(certificates.values_list("result_id", flat=True))
        == set(passed.values_list("pk", flat=True))
        and certificates.filter(render_state=Certificate.RenderState.READY).exclude(pdf="").count()
        == passed.count()
    )


def test_the_desk_confirms_how_many_it_will_issue_before_issuing(academy, closed_cycle, login):
    _passed(closed_cycle, 3)
    admin = login(academy.admin)
    url = reverse("certification_admin_bulk_issue", args=[closed_cycle.pk])
    page = admin.get(url)
    assert page.status_code == 200
    assert "3" in page.content.decode()
    assert not BulkIssue.objects.exists()  # looking at the confirmation starts nothing
    with committed():
        response = admin.post(url, {"reason": ""})
    assert response.status_code == 302
    bulk = BulkIssue.objects.get()
    assert bulk.status == BulkIssue.Status.DONE and bulk.early_reason == ""
    assert _one_each(closed_cycle)


def test_issuing_while_the_exam_window_is_open_needs_a_reason_which_is_kept(
    academy, open_cycle, login
):
    _passed(open_cycle, 2)
    admin = login(academy.admin)
    url = reverse("certification_admin_bulk_issue", args=[open_cycle.pk])
    refused = admin.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "考试窗口" in refused.content.decode()
    assert not BulkIssue.objects.exists() and not Certificate.objects.exists()
    with pytest.raises(Refused) as refusal:
        cycle_bulk_issue_start(cycle=open_cycle, actor=academy.admin)
    assert refusal.value.code == "exam_window_open"
    with committed():
        admin.post(url, {"reason": "补考人员已全部完成"})
    assert BulkIssue.objects.get().early_reason == "补考人员已全部完成"
    assert _one_each(open_cycle)


def test_only_administrators_may_issue_all(academy, closed_cycle, login):
    _passed(closed_cycle, 1)
    url = reverse("certification_admin_bulk_issue", args=[closed_cycle.pk])
    trainer = login(academy.trainer)
    for response in (trainer.get(url), trainer.post(url, {"reason": "x"})):
        # Wagtail's admin answers a refusal by sending the person back to its home page.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not BulkIssue.objects.exists() and not Certificate.objects.exists()
    with committed():
        login(academy.admin).post(url, {"reason": ""})
    assert BulkIssue.objects.count() == 1  # the same request from an administrator issues


def _interrupted_run(cycle, *, issued):
    """A run whose worker died after issuing `issued` certificates (its lease ran out)."""
    bulk = BulkIssue.objects.create(
        cycle=cycle,
        status=BulkIssue.Status.RUNNING,
        lease_expires_at=timezone.now() - dt.timedelta(seconds=5),
        attempts=1,
    )
    for result in Result.objects.filter(cycle=cycle, passed=True).order_by("pk")[:issued]:
        with committed():
            certificate_issue(result_id=result.pk, render=False)
    return bulk


def test_pressing_issue_all_again_restarts_an_interrupted_run_and_finishes_it(
    academy, closed_cycle, login
):
    _passed(closed_cycle, 6)
    bulk = _interrupted_run(closed_cycle, issued=2)
    index = login(academy.admin).get(reverse("certification_admin_index")).content.decode()
    assert "中断" in index or "Interrupted" in index
    with committed():
        again = cycle_bulk_issue_start(cycle=closed_cycle, actor=academy.admin)
    assert again.pk == bulk.pk  # the same run, carried on
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.DONE and bulk.attempts == 2
    assert _one_each(closed_cycle)


def test_a_running_run_whose_lease_is_alive_is_left_to_its_worker(academy, closed_cycle):
    _passed(closed_cycle, 2)
    bulk = BulkIssue.objects.create(
        cycle=closed_cycle,
        status=BulkIssue.Status.RUNNING,
        lease_expires_at=timezone.now() + dt.timedelta(minutes=1),
        attempts=1,
    )
    with committed():
        assert cycle_bulk_issue_start(cycle=closed_cycle, actor=academy.admin).pk == bulk.pk
        jobs_reconcile()
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.RUNNING and bulk.attempts == 1
    assert not Certificate.objects.exists()


def test_the_reconciler_carries_on_an_interrupted_run_exactly_once(academy, closed_cycle):
    _passed(closed_cycle, 7)
    bulk = _interrupted_run(closed_cycle, issued=3)
    with committed():
        handled = jobs_reconcile()
    assert handled["certification"] >= 1
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.DONE
    assert (bulk.total, bulk.done) == (7, 7)
    assert _one_each(closed_cycle)
    # A second reconcile (or the original worker waking up) changes nothing.
    with committed():
        jobs_reconcile()
    assert Certificate.objects.filter(cycle=closed_cycle).count() == 7


def test_the_reconciler_issues_a_pass_whose_message_was_lost(academy, closed_cycle):
    (person,) = _passed(closed_cycle, 1)
    result = Result.objects.get(user=person)
    with committed():
        jobs_reconcile()
    assert not Certificate.objects.exists()  # a minute's grace: the queue may still do it
    Result.objects.filter(pk=result.pk).update(recorded_at=timezone.now() - dt.timedelta(minutes=5))
    with committed():
        jobs_reconcile()
    certificate = Certificate.objects.get(result=result)
    assert certificate.render_state == Certificate.RenderState.READY and certificate.pdf_sha256


def test_the_reconciler_never_reissues_a_revoked_pass(academy, closed_cycle):
    certificate = cert.certificate(academy.agent_a, closed_cycle)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    Result.objects.filter(pk=certificate.result_id).update(
        recorded_at=timezone.now() - dt.timedelta(minutes=5)
    )
    with committed():
        jobs_reconcile()
    assert Certificate.objects.filter(user=academy.agent_a).count() == 1


def test_a_graded_exam_whose_result_was_never_recorded_is_recorded_by_the_reconciler(academy):
    """The grade committed, then the process that was to record the result died: the
    reconciler records it and the pass gets its certificate."""
    from certification.services import registration_create
    from lms.models import Attempt
    from lms.services.quiz import attempt_start, attempt_submit
    from tests.factories.learning import right_answers

    cycle = cert.cycle(2026, 2)
    junior = cert.level(LevelCode.JUNIOR)
    registration_create(user=academy.agent_a, level=junior)
    attempt = attempt_start(user=academy.agent_a, quiz=junior.exam)
    # Handed in without running its on-commit work: as if the process died right after.
    attempt_submit(
        attempt_id=attempt.pk, user=academy.agent_a, revision=0, answers=right_answers(attempt)
    )
    assert not Result.objects.exists()
    with committed():
        jobs_reconcile()
    assert not Result.objects.exists()  # a minute's grace for the on-commit work
    Attempt.objects.filter(pk=attempt.pk).update(graded_at=timezone.now() - dt.timedelta(minutes=5))
    with committed():
        jobs_reconcile()
        jobs_reconcile()  # twice is once
    result = Result.objects.get(user=academy.agent_a, cycle=cycle, level=LevelCode.JUNIOR)
    assert result.passed and result.attempt_id == attempt.pk
    Result.objects.filter(pk=result.pk).update(recorded_at=timezone.now() - dt.timedelta(minutes=5))
    with committed():
        jobs_reconcile()
    assert Certificate.objects.filter(result=result).count() == 1


def test_a_run_hands_each_chunk_to_the_renderers_as_soon_as_it_is_issued(
    academy, closed_cycle, monkeypatch
):
    """At a cycle's close the cluster's other workers render while one issues: a chunk's
    renders are queued when the chunk is issued, not after the whole cycle. Certificates an
    interrupted run left unrendered are queued too, each exactly once."""
    from certification.services import bulk as bulk_service

    _passed(closed_cycle, 5)
    bulk = _interrupted_run(closed_cycle, issued=1)
    BulkIssue.objects.filter(pk=bulk.pk).update(status=BulkIssue.Status.QUEUED)
    queued = []  # (certificates issued when queued, the batch)

    def enqueue(task, ids):
        assert task == "certification.tasks.certificates_render_batch"
        queued.append((Certificate.objects.filter(cycle=closed_cycle).count(), ids))

    monkeypatch.setattr(bulk_service, "enqueue", enqueue)
    bulk_service.cycle_bulk_issue_run(bulk_id=bulk.pk, chunk=2)

    assert queued[0][0] == 3  # the earlier run's one, then a chunk of two: not yet all five
    batches = [ids for _, ids in queued]
    everything = [pk for ids in batches for pk in ids]
    assert sorted(everything) == sorted(
        Certificate.objects.filter(cycle=closed_cycle).values_list("pk", flat=True)
    )
    assert len(everything) == len(set(everything)) == 5
    assert all(len(ids) <= 2 for ids in batches)


def test_a_long_run_hands_over_to_fresh_tasks_and_issues_each_once(
    academy, closed_cycle, monkeypatch
):
    """The queue kills a task past its timeout (300 s), and a close of 10,000 took longer
    than that in one task: each task issues a bounded share and queues the run again."""
    from certification.services import bulk as bulk_service

    monkeypatch.setattr(bulk_service, "ISSUE_PER_TASK", 3)
    _passed(closed_cycle, 7)
    bulk = BulkIssue.objects.create(cycle=closed_cycle)
    with committed():
        bulk_service.cycle_bulk_issue_run(bulk_id=bulk.pk)  # 3, then 3, then 1
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.DONE and bulk.attempts == 3
    assert (bulk.total, bulk.done) == (7, 7)
    assert _one_each(closed_cycle)


def test_a_lost_hand_over_is_carried_on_by_the_reconciler(academy, closed_cycle, monkeypatch):
    from certification.services import bulk as bulk_service

    _passed(closed_cycle, 5)
    bulk = BulkIssue.objects.create(cycle=closed_cycle)
    real_enqueue = bulk_service.enqueue
    lost = []

    def enqueue(task, *args):
        if task == "certification.tasks.cycle_bulk_issue":
            lost.append(args)  # the hand-over's message never reaches a worker
            return None
        return real_enqueue(task, *args)

    monkeypatch.setattr(bulk_service, "enqueue", enqueue)
    monkeypatch.setattr(bulk_service, "ISSUE_PER_TASK", 2)
    with committed():
        bulk_service.cycle_bulk_issue_run(bulk_id=bulk.pk)
    assert lost and Certificate.objects.filter(cycle=closed_cycle).count() == 2
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.RUNNING and bulk.issued_at is None
    monkeypatch.setattr(bulk_service, "enqueue", real_enqueue)
    with committed():
        jobs_reconcile()  # finds the let-go lease and queues the run: it finishes
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.DONE
    assert _one_each(closed_cycle)

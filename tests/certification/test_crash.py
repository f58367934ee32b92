"""
A cycle's close survives a crash. 300 passed results, "issue all", the queue cluster killed
with SIGKILL in the middle, started again: within the reconciler's period every result has
exactly one certificate and one rendered PDF, and the run shows done. Once with the
database as the broker, once with Redis (which has no acknowledgements: what a killed
worker had taken from it is gone, and only the database knows it was owed).
"""

import datetime as dt
import hashlib
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_q.models import Schedule
from wagtail.models import ModelLogEntry

from certification.audit import CertAction
from certification.models import BulkIssue, Certificate, LevelCode, Result
from lms.models import User
from tests.factories import certification as cert
from tests.processes import ROOT, QCluster, production_env, wait_for

PASSED = 300
REDIS_URL = "redis://127.0.0.1:6379/13"

START = """
import django
django.setup()
from certification.models import Cycle
from certification.services import cycle_bulk_issue_start
from lms.models import User
cycle, actor = Cycle.objects.get(pk={cycle}), User.objects.get(pk={actor})
print(cycle_bulk_issue_start(cycle=cycle, actor=actor).pk)
"""


def _redis_answers() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


def _redis_forget(prefix: str):
    """Remove this run's queue and cache keys, and nobody else's (other runs may share it)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def _closed_cycle_with_passes():
    cycle = cert.cycle(2025, 2, open_now=False)
    people = User.objects.bulk_create(
        User(username=f"crash{n}", employee_no=f"CR{n:04d}", display_name=f"压测{n}")
        for n in range(PASSED)
    )
    Result.objects.bulk_create(
        Result(user=person, cycle=cycle, level=LevelCode.JUNIOR, passed=True, percent=85)
        for person in people
    )
    return cycle, User.objects.create(username="crash-admin", display_name="管理员")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["database", "redis"])
def test_a_bulk_issue_killed_mid_run_still_certifies_every_pass_exactly_once(broker, tmp_path):
    # Its own queue and cache keys: other test runs on this machine may use the same Redis.
    prefix = f"crash{os.getpid()}"
    if broker == "redis" and not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    cycle, admin = _closed_cycle_with_passes()
    # Short leases and render claims, so the test waits seconds where production waits
    # minutes; the reconciler runs on its real schedule, every minute.
    env = production_env(
        tmp_path,
        JOB_LEASE_SECONDS=5,
        CERTIFICATE_RENDER_TIMEOUT_SECONDS=5,
        CERTIFICATE_RENDER_RETRY_SECONDS=5,
        Q_NAME=prefix,
        **({"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix} if broker == "redis" else {}),
    )
    subprocess.run([sys.executable, "manage.py", "setup_schedules"], cwd=ROOT, env=env, check=True)
    Schedule.objects.exclude(name="jobs_reconcile").delete()  # only what this test is about
    cluster = QCluster(env).start()
    try:
        started = subprocess.run(  # noqa: S603
            [sys.executable, "-c", START.format(cycle=cycle.pk, actor=admin.pk)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        bulk = BulkIssue.objects.get(pk=int(started.stdout.split()[-1]))
        issued = Certificate.objects.filter(cycle=cycle)
        assert wait_for(lambda: issued.count() >= 40, timeout=120, every=0.05), cluster.log[-20:]
        cluster.kill()
    except BaseException:
        cluster.stop()
        raise
    ready = issued.filter(render_state=Certificate.RenderState.READY)
    assert ready.count() < PASSED, "the cluster finished before it could be killed"
    bulk.refresh_from_db()
    assert bulk.status == BulkIssue.Status.RUNNING  # stranded, as the crash left it

    # Started again; the reconciler's next run is due at once, then every minute.
    Schedule.objects.filter(name="jobs_reconcile").update(next_run=timezone.now())
    cluster = QCluster(env).start()
    try:

        def finished():
            bulk.refresh_from_db()
            return bulk.status == BulkIssue.Status.DONE and ready.count() == PASSED

        assert wait_for(finished, timeout=360, every=1), (
            bulk.status,
            issued.count(),
            ready.count(),
            cluster.log[-30:],
        )
    finally:
        cluster.stop()
        if broker == "redis":
            _redis_forget(prefix)

    certificates = list(issued.select_related("result"))
    assert len(certificates) == PASSED
    assert {c.result.user_id for c in certificates} == set(
        Result.objects.filter(cycle=cycle).values_list("user_id", flat=True)
    )
    assert len({c.pdf.name for c in certificates}) == PASSED
    for certificate in certificates[:: PASSED // 30]:  # every PDF is the one its hash names
        pdf = (tmp_path / "private" / certificate.pdf.name).read_bytes()
        assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    ids = [str(pk) for pk in Certificate.objects.filter(cycle=cycle).values_list("pk", flat=True)]
    events = ModelLogEntry.objects.filter(object_id__in=ids, content_type__model="certificate")
    assert events.filter(action=CertAction.ISSUED).count() == PASSED
    assert events.filter(action=CertAction.RENDERED).count() == PASSED
    assert (bulk.total, bulk.done, bulk.failed) == (PASSED, PASSED, 0)
    assert bulk.finished_at and bulk.finished_at - bulk.created_at < dt.timedelta(minutes=10)

"""
The day a cycle closes: a bulk issue of 10,000 certificates through the real django-q2
cluster with two workers, as an administrator starts it from the CMS desk, timed from the
moment it is queued until the desk would show it done. Also reads the queue workers' peak
memory.

    .venv/bin/python -m tests.bench.bulk_issue [--certificates 10000] [--workers 2]
        [--clusters 1]

`--clusters 2 --workers 1` runs two queue clusters side by side, as two servers would each
run theirs against the same database and broker (README, "Several app servers").

Runs on a throwaway copy of the size L benchmark database (kefu_bench_bulk, dropped after),
with its PDFs in a throwaway directory, so the run can be repeated and leaves nothing
behind. The broker is Redis when the bench found it (REDIS_URL), otherwise the database.
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time

from tests.bench import harness

COPY = "bulk"  # harness database suffix: kefu_bench_bulk
SOURCE = "L"  # 10,000 staff: one certificate each

PREPARE = r"""
import datetime as dt
from certification.models import Cycle, LevelCode, Result
from lms.models import User

# A half year no synthetic site uses, with its exams over and results to certify.
cycle = Cycle.objects.create(
    year=2030, half=1,
    registration_opens=dt.date(2030, 1, 1), registration_closes=dt.date(2030, 3, 31),
    exam_opens=dt.date(2030, 4, 1), exam_closes=dt.date(2030, 5, 31),
)
people = list(
    User.objects.filter(employee_no__startswith="GS", is_active=True)
    .order_by("employee_no").values_list("pk", flat=True)[:CERTIFICATES]
)
Result.objects.bulk_create(
    Result(user_id=pk, cycle=cycle, level=LevelCode.JUNIOR, passed=True, percent=80 + i % 20)
    for i, pk in enumerate(people)
)
admin = User.objects.filter(is_superuser=True).first() or User.objects.first()
print(json.dumps({"cycle": cycle.pk, "people": len(people), "admin": admin.pk}))
"""

START = r"""
from certification.models import Cycle
from certification.services import cycle_bulk_issue_start
from lms.models import User

bulk = cycle_bulk_issue_start(cycle=Cycle.objects.get(pk=CYCLE), actor=User.objects.get(pk=ADMIN))
print(json.dumps({"bulk": bulk.pk}))
"""

OUTCOME = r"""
from certification.models import BulkIssue, Certificate

certificates = Certificate.objects.filter(cycle_id=CYCLE)
bulk = BulkIssue.objects.get(pk=BULK)
print(json.dumps({
    "certificates": certificates.count(),
    "signed": certificates.exclude(credential="").count(),
    "ready": certificates.filter(render_state="ready").exclude(pdf="").count(),
    "distinct_pdfs": certificates.exclude(pdf="").values("pdf").distinct().count(),
    "failed": certificates.filter(render_state="failed").count(),
    "status": bulk.status,
}))
"""


def _copy_database() -> None:
    import psycopg

    source, name = harness.database_name(SOURCE), harness.database_name(COPY)
    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{harness.database_name(COPY)}" WITH (FORCE)')


def _progress(bulk_id: int) -> tuple[str, int, int, int]:
    import psycopg

    with psycopg.connect(harness.database_url(COPY)) as conn:
        return conn.execute(
            "SELECT status, done, failed, total FROM certification_bulkissue WHERE id = %s",
            (bulk_id,),
        ).fetchone()


class Cluster:
    """`manage.py qcluster` with the production settings, ready when every worker says so."""

    def __init__(self, workers: int, env: dict[str, str]):
        self.workers, self.env = workers, env
        self.ready = threading.Semaphore(0)
        self.log: list[str] = []

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [harness.PYTHON, "manage.py", "qcluster"],
            cwd=harness.ROOT,
            env={**self.env, "Q_WORKERS": str(self.workers), "LOG_LEVEL": "INFO"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        for _ in range(self.workers):
            if not self.ready.acquire(timeout=120):
                raise RuntimeError("qcluster did not start:\n" + "".join(self.log[-40:]))
        return self

    def _read(self):
        for line in self.process.stderr:
            self.log.append(line)
            # django-q2 logs in the academy's language: "ready for work" / "已准备好…工作".
            if "ready for work" in line or "已准备好" in line:
                self.ready.release()

    def peak_rss_mib(self) -> float:
        """The largest peak resident memory among the cluster's processes (the workers)."""
        pids = harness.descendant_pids(self.process.pid)
        return max((harness.peak_rss_mib(pid) for pid in pids), default=0.0)

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in harness.descendant_pids(self.process.pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait()


def bulk_issue(
    certificates: int = 10_000, workers: int = 2, clusters: int = 1, timeout: float = 1200
) -> dict:
    """Issue and render `certificates` certificates through `clusters` queue clusters of
    `workers` workers each; returns the figures."""
    from certification.credentials.keys import signing_key_generate

    private = harness.ROOT / "var" / "bench" / "bulk-private"
    shutil.rmtree(private, ignore_errors=True)
    # Production signs each certificate's credential at issue: so does the bench, with a
    # key of its own for the run.
    env = harness.django_env(
        COPY,
        PRIVATE_MEDIA_ROOT=str(private),
        CREDENTIALS_SIGNING_KEY=signing_key_generate().secret_multibase,
    )
    _copy_database()
    try:
        prepared = harness.django_json(COPY, f"CERTIFICATES = {certificates}\n" + PREPARE, env=env)
        with contextlib.ExitStack() as stack:
            running = [stack.enter_context(Cluster(workers, env)) for _ in range(clusters)]
            started = time.monotonic()
            bulk_id = harness.django_json(
                COPY,
                f"CYCLE = {prepared['cycle']}\nADMIN = {prepared['admin']}\n" + START,
                env=env,
            )["bulk"]
            deadline = started + timeout
            peak = 0.0
            while time.monotonic() < deadline:
                status, done, failed, total = _progress(bulk_id)
                peak = max(peak, *(cluster.peak_rss_mib() for cluster in running))
                if status in ("done", "failed"):
                    break
                time.sleep(0.25)
            elapsed = time.monotonic() - started
            peak = max(peak, *(cluster.peak_rss_mib() for cluster in running))
        outcome = harness.django_json(
            COPY, f"CYCLE = {prepared['cycle']}\nBULK = {bulk_id}\n" + OUTCOME, env=env
        )
    finally:
        _drop_database()
        shutil.rmtree(private, ignore_errors=True)
    return {
        **outcome,
        "people": prepared["people"],
        "seconds": elapsed,
        "per_minute": outcome["ready"] / elapsed * 60,
        "progress": {"done": done, "failed": failed, "total": total},
        "worker_peak_rss_mib": peak,
        "broker": "Redis" if env.get("REDIS_URL") else "database",
        "clusters": clusters,
        "workers": workers,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="workers of each cluster")
    parser.add_argument("--clusters", type=int, default=1)
    args = parser.parse_args()
    result = bulk_issue(args.certificates, args.workers, args.clusters)
    print(re.sub(r"\s+", " ", repr(result)))
    return 0 if result["status"] == "done" and result["ready"] == result["people"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

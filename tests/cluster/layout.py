"""
The cluster test's layout on this machine: the database it builds, the processes it runs
(gunicorn app servers, queue clusters, HAProxy in front) and how it talks to them.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.bench import harness

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ADMIN_URL = os.environ.get("CLUSTER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("CLUSTER_DATABASE", "kefu_cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/14")
PREFIX = os.environ.get("CLUSTER_PREFIX", "kefu_cluster")
PORT = int(os.environ.get("CLUSTER_PORT", "8480"))
LEARNERS = int(os.environ.get("CLUSTER_LEARNERS", "500"))
CERTIFICATES = int(os.environ.get("CLUSTER_CERTIFICATES", "200"))
RATE = 60
PROMISED_SECONDS = 10
STATE = ROOT / "var" / "cluster"
SECRET = "cluster-only-secret-key-000000000000000000000000000000000000000"


def database_url() -> str:
    return urllib.parse.urlsplit(ADMIN_URL)._replace(path=f"/{DATABASE}").geturl()


def django_env(**extra) -> dict[str, str]:
    """Production settings as every machine of the layout has them: the same database,
    Redis (broker, caches, rate limits) and shared storage for certificate PDFs."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": SECRET,
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": PREFIX,
        "Q_NAME": PREFIX,
        "Q_WORKERS": "1",
        "MEDIA_ROOT": str(STATE / "shared" / "media"),
        "PRIVATE_MEDIA_ROOT": str(STATE / "shared" / "private"),
        "VAR_DIR": str(STATE / "var"),
        # HAProxy sets X-Forwarded-For: the rate limit counts the visitor, not the balancer.
        "TRUSTED_PROXY_COUNT": "1",
        "CERTIFICATE_VERIFY_RATE_PER_MINUTE": str(RATE),
        # Leases and render claims of seconds, so the reconciler takes over from the killed
        # cluster within this run rather than within production's minutes.
        "JOB_LEASE_SECONDS": "10",
        "CERTIFICATE_RENDER_TIMEOUT_SECONDS": "20",
        "CERTIFICATE_RENDER_RETRY_SECONDS": "10",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=django_env(), capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def django_json(code: str) -> dict:
    return harness.django_json("-", code, env=django_env())


def build_database() -> float:
    """The synthetic centre of size M; one kept from an earlier run is reused (each run
    leaves it as it found it, apart from its own cycle), unless CLUSTER_REBUILD=1."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if exists and os.environ.get("CLUSTER_REBUILD") != "1":
            manage("migrate", "-v0")
            manage("setup_schedules")
            manage("collectstatic", "--noinput", "-v0")
            return 0.0
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    manage("migrate", "-v0")
    manage("createcachetable")
    manage("generate_site", "--size", "M")
    manage("setup_schedules")
    manage("collectstatic", "--noinput", "-v0")
    return time.monotonic() - started


def forget_redis() -> None:
    """This run's queue and cache keys only: other academies may share the Redis."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{PREFIX}*"):
        client.delete(key)


PREPARE = r"""
import datetime as dt
from django_q.models import Schedule
from django.utils import timezone
from certification.models import Certificate, Cycle, LevelCode, Result
from certification.services import cycle_bulk_issue_start
from lms.models import User
from lms.roles import Role

# Only the reconciler: the other schedules are not what this run is about.
Schedule.objects.exclude(name="jobs_reconcile").delete()
Schedule.objects.filter(name="jobs_reconcile").update(next_run=timezone.now())
year = max(Cycle.objects.values_list("year", flat=True), default=2026) + 1
cycle = Cycle.objects.create(
    year=year, half=1, registration_opens=dt.date(year, 1, 10),
    registration_closes=dt.date(year, 2, 10), exam_opens=dt.date(year, 3, 1),
    exam_closes=dt.date(year, 3, 20), results_published_on=dt.date(year, 4, 1),
)
people = User.objects.bulk_create(
    User(username=f"cluster{year}-{n}", employee_no=f"CL{year}{n:04d}", display_name=f"集群{n}")
    for n in range(CERTIFICATES)
)
Result.objects.bulk_create(
    Result(user=person, cycle=cycle, level=LevelCode.JUNIOR, passed=True, percent=88)
    for person in people
)
admin = User.objects.filter(groups__name=Role.ADMINISTRATOR).first() or User.objects.filter(
    is_superuser=True).first()
if admin is None:
    admin = User.objects.create_superuser("cluster-admin", "", secrets.token_urlsafe())
print(json.dumps({"cycle": cycle.pk, "admin": admin.pk}))
"""

START_BULK = r"""
from certification.models import Cycle
from certification.services import cycle_bulk_issue_start
from lms.models import User
bulk = cycle_bulk_issue_start(cycle=Cycle.objects.get(pk=CYCLE), actor=User.objects.get(pk=ADMIN))
print(json.dumps({"bulk": bulk.pk}))
"""

CERTIFIED = r"""
from django.db.models import Count
from wagtail.models import ModelLogEntry
from certification.audit import CertAction
from certification.models import BulkIssue, Certificate, Result
results = Result.objects.filter(cycle_id=CYCLE, passed=True)
issued = Certificate.objects.filter(cycle_id=CYCLE)
per_result = list(issued.values("result_id").annotate(n=Count("pk")).values_list("n", flat=True))
bulk = BulkIssue.objects.get(pk=BULK)
print(json.dumps({
    "results": results.count(),
    "certificates": issued.count(),
    "results_certified": len(per_result),
    "doubled": sum(1 for n in per_result if n > 1),
    "ready": issued.filter(render_state="ready").exclude(pdf="").count(),
    "issued_events": ModelLogEntry.objects.filter(
        content_type__model="certificate", action=CertAction.ISSUED,
        object_id__in=[str(pk) for pk in issued.values_list("pk", flat=True)]).count(),
    "bulk_status": bulk.status,
    "sample": list(issued.order_by("pk").values_list("pk", "verification_code")[:1]),
}))
"""

REVOKE = r"""
from certification.models import Certificate
from certification.services import certificate_revoke
from lms.models import User
import time
certificate_revoke(certificate=Certificate.objects.get(pk=PK), actor=User.objects.get(pk=ADMIN),
                   reason="集群测试：撤销")
print(json.dumps({"committed_at": time.time()}))  # the request's transaction has committed
"""


class Process:
    """A server in its own process group, so SIGKILL takes it and every child at once."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None):
        self.name, self.args, self.env = name, args, env or django_env()
        self.log = STATE / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed commands of ours
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def app_server(number: int) -> Process:
    return Process(
        f"app{number}",
        [PYTHON, "-m", "gunicorn", "lms.wsgi:application", "--bind",
         f"127.0.0.1:{PORT + number}", "--workers", "2", "--timeout", "60",
         "--log-level", "warning"],
    )  # fmt: skip


def queue_cluster(number: int) -> Process:
    return Process(f"queue{number}", [PYTHON, "manage.py", "queue_cluster"])


HAPROXY_CFG = """
global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    option forwardfor
    # A request a dying app server never answered is sent to the other one: the
    # academy's writes are idempotent (one attempt per learner and quiz, a hand-in once).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend academy
    bind 127.0.0.1:{port}
    default_backend app_servers

backend app_servers
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    timeout check 5s
    # Each app server gets as many requests at once as it has workers, and HAProxy queues
    # the rest: a burst waits in the balancer, where a dead server's share is sent to the
    # other one, instead of in a dead server's backlog, and /healthz is never stuck behind it.
    timeout queue 120s
    # A refused connection marks the server down at once (not after two failed checks),
    # so the retries above go to the other one; /healthz brings it back.
    default-server check inter 1s fall 2 rise 2 maxconn 2
    default-server observe layer4 error-limit 1 on-error mark-down
    server app1 127.0.0.1:{app1}
    server app2 127.0.0.1:{app2}
"""


def haproxy() -> Process:
    config = STATE / "haproxy.cfg"
    config.write_text(HAPROXY_CFG.format(port=PORT, app1=PORT + 1, app2=PORT + 2))
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return Process("haproxy", [binary, "-db", "-f", str(config)], env=dict(os.environ))


def wait_until(check, timeout: float, every: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(every)
    return False


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def healthy(base: str) -> bool:
    return get(base + "/healthz")[0] == 200

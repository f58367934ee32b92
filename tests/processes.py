"""
Real processes for tests that must see what happens across them: a queue cluster killed
mid-job, two app servers counting one visitor. They run with the production settings
against the test's own database (a file for SQLite, see lms/settings/test.py), so what the
test commits they see, and what they commit the test sees.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
SECRET = "separate-process-secret-key-00000000000000000000000000000000000000000"


def test_database_url() -> str:
    """The running test database, as a DATABASE_URL another process can open."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict["USER"] or "postgres"
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or 5432
        return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"
    name = settings_dict["NAME"]
    if "memory" in str(name):
        raise RuntimeError("the SQLite test database must be a file (lms/settings/test.py)")
    return f"sqlite:///{name}"


def production_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=SECRET,
        HTTPS="0",
        DATABASE_URL=test_database_url(),
        VAR_DIR=str(tmp_path / "var"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        LOG_LEVEL="INFO",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def descendant_pids(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(child) for child in (task / "children").read_text().split()]
                found += children
                todo += children
    return found


class QCluster:
    """`manage.py qcluster` in its own process group, ready when every worker says so."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.env, self.workers = {**env, "Q_WORKERS": str(workers)}, workers
        self.log: list[str] = []

    def start(self, timeout: float = 180) -> "QCluster":
        ready = threading.Semaphore(0)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

        def read():
            for line in self.process.stderr:
                self.log.append(line)
                # django-q2 logs in the academy's language: "ready for work" / "已准备好".
                if "ready for work" in line or "已准备好" in line:
                    ready.release()

        threading.Thread(target=read, daemon=True).start()
        for _ in range(self.workers):
            if not ready.acquire(timeout=timeout):
                self.kill()
                raise RuntimeError("qcluster did not start:\n" + "".join(self.log[-40:]))
        return self

    def kill(self) -> None:
        """SIGKILL to the cluster and every process it started: nothing gets to clean up."""
        pids = descendant_pids(self.process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, timeout: float, every: float = 0.2):
    """Poll `condition()` until it returns something true; return it, or None at timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None

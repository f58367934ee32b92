"""
`make run` stays up: `manage.py serve` hands gunicorn and the queue cluster to supervisord,
which restarts either when it is killed while the other keeps serving; /healthz reports the
cluster down meanwhile; Ctrl-C (SIGINT) stops everything. Real processes, real signals.
"""

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux processes")


def _free_port() -> int:
    for port in range(8390, 8300, -1):  # this project's test range
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _tree(pid: int) -> list[int]:
    return [pid, *(p for child in _children(pid) for p in _tree(child))]


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - our server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def _queue(base: str) -> dict:
    status, body = _get(base + "/healthz")
    return json.loads(body)["queue"] if status == 200 else {"ok": False, "clusters": 0}


def _database_url(tmp_path: Path) -> str:
    """The test database as a deployment would reach it: PostgreSQL by its name, SQLite
    (in memory here) copied into a file."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"
    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "kefu.sqlite3")
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{tmp_path / 'kefu.sqlite3'}"


def _wait(condition, seconds: float, step: float = 0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def _is_queue_cluster(cmdline: str) -> bool:
    return "queue_cluster" in cmdline or cmdline.startswith("qcluster")


def test_a_killed_queue_cluster_or_web_server_comes_back_while_the_site_keeps_answering(
    transactional_db, tmp_path
):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "0",
        "SITE_URL": base,
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": _database_url(tmp_path),
        "WEB_WORKERS": "1",
        "Q_WORKERS": "1",
    }
    # Only the academy's own static files: the pages tested need no CMS assets.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0",
         "-i", "wagtail*", "-i", "rest_framework", "-i", "django_*"],
        cwd=ROOT, env=environment, check=True, timeout=300,
    )  # fmt: skip
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        # serve hands over to supervisord in the same process.
        assert _wait(lambda: _queue(base)["ok"], 120), (tmp_path / "serve.log").read_text()
        assert "supervisord" in _cmdline(server.pid)
        assert _get(base + "/accounts/login/")[0] == 200

        # The queue cluster is killed outright, with everything it forked.
        # django-q2 renames its process ("qcluster MainProcess …") where setproctitle is
        # installed (mutmut brings it); either name is the queue cluster.
        (queue,) = [p for p in _children(server.pid) if _is_queue_cluster(_cmdline(p))]
        cluster = _tree(queue)
        assert len(cluster) >= 3  # main process, sentinel, workers
        killed_at = time.monotonic()
        os.kill(queue, signal.SIGKILL)
        seen_down_after = None
        pages = []
        while time.monotonic() - killed_at < 90:
            pages.append(_get(base + "/accounts/login/")[0])
            state = _queue(base)
            elapsed = time.monotonic() - killed_at
            if not state["ok"] and seen_down_after is None:
                seen_down_after = elapsed
            if state["ok"] and min(state["uptime_seconds"]) < elapsed:
                back_after = elapsed - min(state["uptime_seconds"])
                break  # a new cluster, younger than the kill, reports in
            time.sleep(0.2)
        else:
            pytest.fail("the queue cluster did not come back:\n" + _log(tmp_path))
        # The killed cluster's last report lives 3 s (tests/lms/test_health.py): a cluster
        # back after that leaves a gap /healthz must report, within the polling's second or
        # two. One back sooner (supervisord is quick) leaves no gap to see.
        if back_after > 4:
            assert seen_down_after is not None and seen_down_after <= 5
        assert set(pages) == {200}, pages  # the site answered all along
        assert not [p for p in cluster if _alive(p)]  # no orphan sentinel or worker

        # The web server is killed outright: the cluster keeps running, the site comes back.
        (web,) = [p for p in _children(server.pid) if "gunicorn" in _cmdline(p)]
        queue_now = [p for p in _children(server.pid) if _is_queue_cluster(_cmdline(p))]
        assert len(queue_now) == 1, queue_now  # the cluster that came back
        old_workers = _tree(web)
        os.kill(web, signal.SIGKILL)

        def new_web_answers():
            webs = [p for p in _children(server.pid) if "gunicorn" in _cmdline(p)]
            if not webs or webs == [web] or any(_alive(p) for p in old_workers):
                return False  # its workers leave once they see their master gone
            return _get(base + "/accounts/login/")[0] == 200 and _queue(base)["ok"]

        assert _wait(new_web_answers, 90), _log(tmp_path)
        assert [p for p in _children(server.pid) if _is_queue_cluster(_cmdline(p))] == queue_now

        # Ctrl-C stops everything.
        everything = _tree(server.pid)
        os.kill(server.pid, signal.SIGINT)
        assert server.wait(timeout=90) == 0
        assert _wait(lambda: not [p for p in everything if _alive(p)], 10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            for pid in _tree(server.pid):
                os.kill(pid, signal.SIGKILL)
            server.wait()
        log.close()


def _log(tmp_path: Path) -> str:
    return (tmp_path / "serve.log").read_text(errors="replace")[-5000:]

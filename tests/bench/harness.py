"""
Plumbing for `make bench`: benchmark databases on PostgreSQL built by generate_site, a
production-configured server (gunicorn) to load, wrk to load it, and peak memory readings.
Nothing here runs under pytest; tests/bench/run.py drives it.
"""

import contextlib
import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-only-secret-key-0000000000000000000000000000000000000000000"
# Production runs with Redis for caches and the queue broker (lms/settings/base.py); the bench
# does too when Redis answers. Database 15 is the bench's own and is emptied at the start.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    """Whether the bench's Redis answers; without it caches and broker use the database."""
    if not REDIS_URL:
        return False
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # any failure means "not available"
        return False
    return True


@functools.cache
def use_redis() -> bool:
    """Asked once, when the bench first needs to know (not when this module is imported)."""
    return redis_available()


def redis_flush() -> None:
    """Start from an empty bench Redis: no rate-limit counters or queued jobs left over."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# Several checkouts on one PostgreSQL server each name their own bench databases.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "kefu_bench")


def database_name(size: str) -> str:
    return f"{DB_PREFIX}_{size.lower()}"


def database_url(size: str) -> str:
    base = urllib.parse.urlsplit(PG_ADMIN_URL)
    return base._replace(path=f"/{database_name(size)}").geturl()


def django_env(size: str, **extra) -> dict[str, str]:
    """The environment of the production settings, on the benchmark database of `size`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": SECRET,
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(size),
        "ACADEMY_BENCH": "1",
        # The limiter still runs (its cost is part of the page) but wrk, one address, must
        # not be turned away with 429s.
        "CERTIFICATE_VERIFY_RATE_PER_MINUTE": "1000000000",
        "LOG_LEVEL": "WARNING",
        **({"REDIS_URL": REDIS_URL} if use_redis() else {}),
        **extra,
    }


def manage(size: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(size),
        check=check,
        capture_output=True,
        text=True,
    )


def database_build(size: str, *, rebuild: bool = False) -> float:
    """A fresh database with the synthetic site of `size`; returns seconds taken (0 if kept)."""
    import psycopg

    name = database_name(size)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not rebuild:
            manage(size, "migrate", "-v0")  # a kept database follows the code's migrations
            return 0.0
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    manage(size, "migrate", "-v0")
    manage(size, "createcachetable")
    manage(size, "generate_site", "--size", size)
    return time.monotonic() - started


def page_targets(size: str, targets_code: str) -> dict:
    """The benchmark database of `size` built (once), the production static files collected
    (the pages' templates name them), and the addresses and people `targets_code` finds."""
    database_build(size)
    manage(size, "collectstatic", "--noinput", "-v0")
    return django_json(size, targets_code)


def django_run(size: str, code: str, env=None, *, capture: bool = True):
    """Run `code` in a Django process on `size`'s database (its output shown unless
    `capture`); the finished process."""
    prelude = "import django, json; django.setup()\n"
    return subprocess.run(  # noqa: S603
        [PYTHON, "-c", prelude + code],
        cwd=ROOT,
        env=env or django_env(size),
        check=False,
        capture_output=capture,
        text=True,
    )


def django_json(size: str, code: str, env: dict[str, str] | None = None) -> dict:
    """Run `code` (which prints one JSON object last) in a Django process on `size`'s DB."""
    result = django_run(size, code, env)
    if result.returncode:
        raise RuntimeError(f"benchmark step failed on size {size}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    """A free port; within BENCH_PORTS (e.g. 8600-8649) when several people share a machine."""
    low, _, high = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high) + 1) if int(low) else [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


class Server:
    """gunicorn with the production settings, as `make run` serves the academy."""

    def __init__(self, size: str, workers: int = 2, threads: int = 1):
        self.size, self.workers, self.threads = size, workers, threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "lms.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=django_env(self.size),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.base + "/bench/bare/", timeout=2)  # noqa: S310
                return self
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start: " + self.process.stderr.read().decode()[-2000:])

    def __exit__(self, *exc):
        # SIGQUIT: stop now, without waiting for requests wrk left behind.
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def settle(self, timeout: float = 30) -> None:
        """Wait until the workers have answered what an earlier load left queued: wrk stops
        sending, but requests already accepted are still served, for a second or more on a
        slow page, and would count against the next measurement."""
        deadline = time.monotonic() + timeout
        quick = 0
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.base + "/bench/bare/", timeout=10)  # noqa: S310
            quick = quick + 1 if time.monotonic() - started < 0.02 else 0
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        return descendant_pids(self.process.pid)


def descendant_pids(pid: int) -> list[int]:
    """Every process started under `pid` (gunicorn's workers, a cluster's sentinel and
    workers), read from /proc; a process that ends meanwhile is skipped."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(child) for child in (task / "children").read_text().split()]
                found += children
                todo += children
    return found


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds of request durations given in seconds."""
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return {"p50_ms": at(0.50), "p95_ms": at(0.95)}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class SignedIn:
    """A browser signed in with `session_key`: CSRF satisfied as a browser does, by cookie and
    header (any secret works when the two agree); redirects are returned, not followed."""

    TOKEN = "a" * 32

    def __init__(self, base: str, session_key: str):
        self.base = base
        self.headers = {
            "Cookie": f"sessionid={session_key}; csrftoken={self.TOKEN}",
            "X-CSRFToken": self.TOKEN,
            "Referer": base + "/",
        }
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: bytes | None = None, content_type: str = ""):
        """(status, Location, body) of a GET, or of a POST when `data` is given."""
        headers = {**self.headers, **({"Content-Type": content_type} if content_type else {})}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=120)
            return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read()


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MiB."""
    # A process that has just ended (or is a zombie) has no memory line left: it counts 0.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def session_cookie(base: str, username: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header of the signed-in session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    )
    opener.open(request)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"could not sign in as {username}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(url: str, *, cookie: str = "", connections: int = 50, seconds: int = 10) -> dict:
    """Load `url`; returns throughput, p50/p95 latency in ms and errors (incl. non-2xx/3xx)."""
    script = ROOT / "var" / "bench" / "report.lua"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(WRK_SCRIPT)
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    url = urllib.parse.quote(url, safe=":/?=&%")  # wrk wants Chinese queries percent-encoded
    output = subprocess.run(  # noqa: S603
        [*args, url], check=True, capture_output=True, text=True
    ).stdout
    requests, duration_us, p50, p95, errors = map(
        int, re.search(r"BENCH (\d+) (\d+) (\d+) (\d+) (\d+)", output).groups()
    )
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "errors": errors,
        "requests": requests,
    }


def users(
    url: str | list[str],
    *,
    cookie: str = "",
    count: int = 50,
    think: tuple[float, float] = (0.5, 1.5),
    seconds: int = 10,
) -> dict:
    """
    `count` people using a page at once the way people do: each asks, reads for a moment
    (`think`, seconds, uniformly drawn) and asks again. wrk's connections ask back to back,
    which measures throughput but makes every page's latency a queue behind 49 others;
    this is the latency a person sees when 50 are busy on the site together. Given a list
    of addresses (one server), each request asks for the next one of them.
    """
    import http.client
    import itertools
    import random
    import threading

    def path_of(address: str) -> str:
        parts = urllib.parse.urlsplit(address)
        return urllib.parse.quote(parts.path, safe="/%") + (
            "?" + urllib.parse.quote(parts.query, safe="=&%") if parts.query else ""
        )

    addresses = [url] if isinstance(url, str) else url
    parts = urllib.parse.urlsplit(addresses[0])
    paths = itertools.cycle([path_of(a) for a in addresses])
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def person(seed: int) -> None:
        rng = random.Random(seed)  # think times, not secrets
        time.sleep(rng.uniform(0, think[1]))  # people do not all arrive in the same instant
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < stop:
            with lock:
                path = next(paths)
            started = time.monotonic()
            try:
                connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            took = time.monotonic() - started
            with lock:
                latencies.append(took)
                errors[0] += not ok
            time.sleep(rng.uniform(*think))
        connection.close()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        **percentiles(latencies),
        "errors": errors[0],
    }

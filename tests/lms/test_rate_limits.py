"""
Rate limits count in the shared cache, so every worker of every app server counts the same
visitor together. Without Redis that cache is a database table; these tests run two real
processes against one database and check that no hit is lost or counted twice.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Each process counts `n` hits of one visitor against a limit of 60 a day and prints how
# many of its hits were refused. (A day-long window: the test cannot straddle two windows.)
COUNTER = """
import sys
import django
django.setup()
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited
request = RequestFactory().get("/verify/guess/", REMOTE_ADDR="203.0.113.7")
refused = sum(
    is_ratelimited(request, group="two-processes", key="ip", rate="60/d", increment=True)
    for _ in range(int(sys.argv[1]))
)
print(refused)
"""


def _database_url(tmp_path) -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict["USER"] or "postgres"
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or 5432
        return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_two_processes_counting_one_visitor_at_once_share_one_limit(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": _database_url(tmp_path),
    }
    # The cache table, as migrate creates it on a new installation.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True
    )
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", COUNTER, "45"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    refused = [int(out.strip().splitlines()[-1]) for out, _err in outputs]
    # 90 hits against a limit of 60: exactly 30 refused between them, whichever process
    # made them. A lost increment would refuse fewer; a double count, more.
    assert sum(refused) == 30, refused

"""
Rate limits count in the shared cache, so every worker of every app server counts the same
visitor together. Without Redis that cache is a database table; this test runs two real
processes against one database and checks that no hit is lost or counted twice.
"""

import subprocess
import sys

import pytest

from tests.processes import ROOT, production_env

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


@pytest.mark.django_db(transaction=True)
def test_two_processes_counting_one_visitor_at_once_share_one_limit(tmp_path):
    env = production_env(tmp_path)
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
    outputs = [process.communicate(timeout=180) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    refused = [int(out.strip().splitlines()[-1]) for out, _err in outputs]
    # 90 hits against a limit of 60: exactly 30 refused between them, whichever process
    # made them. A lost increment would refuse fewer; a double count, more.
    assert sum(refused) == 30, refused

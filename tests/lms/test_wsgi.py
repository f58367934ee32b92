"""
A web worker, once started (lms.wsgi), has its start-up objects out of the garbage
collector's walk: a full collection over them stalled a request by some 80 ms, and every
request queued behind it on that worker.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import gc, time
import lms.wsgi
frozen = gc.get_freeze_count()
started = time.perf_counter()
gc.collect()
print(frozen, len(gc.get_objects()), (time.perf_counter() - started) * 1000)
"""


def test_a_started_worker_leaves_its_start_up_objects_out_of_every_collection(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    frozen, walked, _ms = result.stdout.split()[-3:]
    # Django, Wagtail, the apps and jieba's dictionary: far more than a collection walks.
    assert int(frozen) > 100_000
    assert int(walked) < int(frozen) / 2

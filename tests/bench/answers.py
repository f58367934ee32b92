"""
Answering a quiz: 50 learners each in their own go-live attempt, the quiz page saving an
answer as they pick it (the page's autosave, POST /attempts/<id>/save/ with the revision it
last saw), each thinking 0.5-1.5 s between answers. The latency they see is the figure; the
server's answers are checked as they come (a refused save counts as an error).

    .venv/bin/python -m tests.bench.answers [--people 50] [--seconds 10] [--size M]

Sessions come from the session store as in the spike (tests/bench/spike.py); the attempts
and sessions are removed afterwards, so the run can be repeated.
"""

import argparse
import json
import random
import re
import threading
import time

from tests.bench import harness, spike

CLEAN_UP = r"""
from importlib import import_module
from django.conf import settings
from lms.models import Attempt

Attempt.objects.filter(quiz_id=QUIZ, user_id__in=USERS).delete()
engine = import_module(settings.SESSION_ENGINE)
for key in KEYS:
    engine.SessionStore(key).delete()
print(json.dumps({}))
"""

ANSWER_FOR_KIND = {  # lms.models.QuestionKind
    "single": "0",
    "multiple": ["0"],
    "true_false": "true",
    "written": "您好，已为您登记，三个工作日内回电。",
}


def learner(base, session_key, quiz_id, stop, think, latencies, errors, barrier):
    browser = harness.SignedIn(base, session_key)
    call = browser.request
    rng = random.Random(session_key)  # think times, not secrets

    status, location, _ = call(f"/quizzes/{quiz_id}/start/", b"")
    if status != 302 or "/attempts/" not in location:
        errors.append(f"start {status}")
        barrier.wait()
        return
    attempt = location.rstrip("/").split("/")[-1]
    _status, _location, page = call(f"/attempts/{attempt}/")
    page = page.decode()
    items = re.findall(r'data-item="(\d+)" data-kind="(\w+)"', page)
    revision = int(re.search(r'name="revision" value="(\d+)"', page).group(1))
    barrier.wait()  # everyone has the quiz open
    while time.monotonic() < stop[0]:
        item, kind = rng.choice(items)
        body = json.dumps(
            {"revision": revision, "answers": {item: ANSWER_FOR_KIND.get(kind, "0")}}
        ).encode()
        started = time.monotonic()
        status, _location, reply = call(f"/attempts/{attempt}/save/", body, "application/json")
        latencies.append(time.monotonic() - started)
        if status == 200:
            revision = json.loads(reply)["revision"]
        else:
            errors.append(f"save {status} {reply[:120]!r}")
        time.sleep(rng.uniform(*think))


def answering(size="M", people=50, seconds=10, think=(0.5, 1.5)) -> dict:
    made = harness.django_json(size, f"LEARNERS = {people}\n" + spike.SESSIONS)
    latencies, errors = [], []
    try:
        with harness.Server(size) as server:
            barrier = threading.Barrier(len(made["sessions"]) + 1)
            stop = [float("inf")]
            threads = [
                threading.Thread(
                    target=learner,
                    args=(server.base, key, made["quiz"], stop, think, latencies, errors, barrier),
                )
                for _pk, key in made["sessions"]
            ]
            for thread in threads:
                thread.start()
            barrier.wait()
            stop[0] = time.monotonic() + seconds
            for thread in threads:
                thread.join()
    finally:
        harness.django_json(
            size,
            f"QUIZ = {made['quiz']}\nUSERS = {[pk for pk, _key in made['sessions']]}\n"
            f"KEYS = {[key for _pk, key in made['sessions']]}\n" + CLEAN_UP,
        )
    return {
        "people": len(made["sessions"]),
        "saves": len(latencies),
        "rps": len(latencies) / seconds,
        "errors": len(errors),
        "error_samples": errors[:3],
        **harness.percentiles(latencies),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--size", default="M")
    args = parser.parse_args(argv)
    result = answering(args.size, args.people, args.seconds)
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

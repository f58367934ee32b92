"""
Practice conversations: 50 people each playing a simulation at once, each reply judged on
the server (the rule that fires, the customer's mood and next turn, at an end the three
dimension scores), each person thinking 0.5-1.5 s between replies and starting a new run
when one ends. The latency of a judged reply (POST /practice/runs/<id>/reply/) is the
figure; every reply must be stored (a refused one counts as an error).

    .venv/bin/python -m tests.bench.practice [--people 50] [--seconds 10] [--size M]

The simulation is the tests' three-turn one (tests/factories/practice.py), added once to
the bench database; runs and sessions are removed afterwards, so the run can be repeated.
"""

import argparse
import random
import re
import threading
import time
import urllib.parse

from tests.bench import harness, spike

SLUG = "bench-parcel"
P95_LIMIT_MS = 150
# Apologise and look it up, then a time and a follow-up: a good end after two replies.
REPLIES = ["对不起久等了，我这就为您查询物流。", "今天18点前给您回复，我会跟进到底并通知您。"]

SIMULATION = r"""
from cases.models import Simulation
from tests.factories.practice import simulation

if not Simulation.objects.filter(slug=SLUG).exists():
    simulation(SLUG, title="包裹滞留（压测）")
print(json.dumps({}))
"""

OUTCOME = r"""
from importlib import import_module
from django.conf import settings
from cases.models import PracticeReply, PracticeRun

runs = PracticeRun.objects.filter(simulation__slug=SLUG, user_id__in=USERS)
stored = PracticeReply.objects.filter(run__in=runs).count()
finished = runs.filter(status="finished").count()
runs.delete()
engine = import_module(settings.SESSION_ENGINE)
for key in KEYS:
    engine.SessionStore(key).delete()
print(json.dumps({"stored": stored, "finished": finished}))
"""

RUN_ADDRESS = re.compile(r'action="/practice/runs/(\d+)/reply/"')
TURN = re.compile(r'name="turn" value="(\d+)"')


def _open_run(call) -> tuple[str, int] | None:
    """Start (or resume) the person's run; its id and the turn number to quote."""
    status, _location, _body = call(f"/practice/{SLUG}/start/", b"")
    if status != 302:
        return None
    _status, _location, page = call(f"/practice/{SLUG}/")
    page = page.decode()
    run, turn = RUN_ADDRESS.search(page), TURN.search(page)
    return (run.group(1), int(turn.group(1))) if run and turn else None


def player(base, session_key, stop, think, latencies, errors, barrier):
    call = harness.SignedIn(base, session_key).request
    rng = random.Random(session_key)  # think times, not secrets
    opened = _open_run(call)
    barrier.wait()  # everyone has a conversation open
    if opened is None:
        errors.append("could not start a run")
        return
    run, turn = opened
    said = 0
    while time.monotonic() < stop[0]:
        body = urllib.parse.urlencode({"turn": turn, "reply": REPLIES[said]}).encode()
        started = time.monotonic()
        status, location, _reply = call(
            f"/practice/runs/{run}/reply/", body, "application/x-www-form-urlencoded"
        )
        latencies.append(time.monotonic() - started)
        if status != 302:
            errors.append(f"reply {status}")
            return
        turn, said = turn + 1, said + 1
        if "/practice/runs/" in location:  # the debrief: the conversation ended
            opened = _open_run(call)
            if opened is None:
                errors.append("could not start the next run")
                return
            (run, turn), said = opened, 0
        time.sleep(rng.uniform(*think))


def playing(size="M", people=50, seconds=10, think=(0.5, 1.5)) -> dict:
    harness.django_json(size, f"SLUG = {SLUG!r}\n" + SIMULATION)
    made = harness.django_json(size, f"LEARNERS = {people}\n" + spike.SESSIONS)
    latencies, errors = [], []
    try:
        with harness.Server(size) as server:
            barrier = threading.Barrier(len(made["sessions"]) + 1)
            stop = [float("inf")]
            threads = [
                threading.Thread(
                    target=player,
                    args=(server.base, key, stop, think, latencies, errors, barrier),
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
        outcome = harness.django_json(
            size,
            f"SLUG = {SLUG!r}\nUSERS = {[pk for pk, _key in made['sessions']]}\n"
            f"KEYS = {[key for _pk, key in made['sessions']]}\n" + OUTCOME,
        )
    # A reply the server refused (stale, empty) redirects like one it judged: only the
    # stored replies tell them apart.
    refused = len(latencies) - outcome["stored"]
    return {
        "people": len(made["sessions"]),
        "replies": len(latencies),
        "finished_runs": outcome["finished"],
        "rps": len(latencies) / seconds,
        "errors": len(errors) + max(refused, 0),
        "error_samples": errors[:3],
        **harness.percentiles(latencies),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--size", default="M")
    args = parser.parse_args(argv)
    result = playing(args.size, args.people, args.seconds)
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = result["errors"] == 0 and result["p95_ms"] <= P95_LIMIT_MS
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

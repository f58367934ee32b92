"""
The go-live spike: N learners (default 500) start and hand in the same go-live quiz at the
same moment, over HTTP, against gunicorn with the production settings on PostgreSQL.
Afterwards the database is asked what happened: every learner must have exactly one
attempt, handed in (nothing lost, nothing doubled). Its baseline, measured just before on
the same server by the same client: the same people asking for the empty signed-in page
twice each, all at once.

    .venv/bin/python -m tests.bench.spike [--learners 500] [--size M]

Signed-in sessions are created directly in the session store (500 logins would measure
password hashing instead); CSRF is satisfied the way a browser does, cookie plus header.
"""

import argparse
import sys
import threading
import time

from tests.bench import harness

SESSIONS = r"""
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from lms.models import Attempt, GoLiveStatus, User

quiz = GoLiveStatus.objects.filter(user__employee_no__startswith="GS").first()
quiz = quiz.curriculum.golive_quizzes.first()
people = list(
    User.objects.filter(employee_no__startswith="GS", position="agent", is_active=True)
    .exclude(attempts__quiz=quiz).order_by("employee_no")[:LEARNERS]
)
engine = import_module(settings.SESSION_ENGINE)
sessions = []
for person in people:
    store = engine.SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    sessions.append([person.pk, store.session_key])
print(json.dumps({"quiz": quiz.pk, "sessions": sessions}))
"""

OUTCOME = r"""
from importlib import import_module
from django.conf import settings
from django.db.models import Count
from lms.models import Attempt

rows = Attempt.objects.filter(quiz_id=QUIZ, user_id__in=USERS)
per_person = dict(rows.values_list("user_id").annotate(n=Count("pk")))
print(json.dumps({
    "created": rows.count(),
    "people_with_attempt": len(per_person),
    "doubled": sum(1 for n in per_person.values() if n > 1),
    "handed_in": rows.exclude(status="in_progress").count(),
    "graded": rows.filter(status="graded").count(),
    "awaiting_review": rows.filter(status="awaiting_review").count(),
}))
# Leave the site as it was, so the spike can run again on the same database.
rows.delete()
engine = import_module(settings.SESSION_ENGINE)
for key in KEYS:
    engine.SessionStore(key).delete()
"""


FORM = "application/x-www-form-urlencoded"


def learner(base, session_key, quiz_id, barrier, timings, errors):
    browser = harness.SignedIn(base, session_key)

    def post(path, body=b""):
        started = time.monotonic()
        status, location, _body = browser.request(path, body, FORM)
        timings.append(time.monotonic() - started)
        return status, location

    barrier.wait()
    status, location = post(f"/quizzes/{quiz_id}/start/")
    if status != 302 or "/attempts/" not in location:
        errors.append(f"start {status} {location}")
        return
    attempt = location.rstrip("/").split("/")[-1]
    status, location = post(f"/attempts/{attempt}/submit/", b"revision=0")
    if status != 302 or "/result/" not in location:
        errors.append(f"submit {status} {location}")


def floor_visitor(base, session_key, _quiz_id, barrier, timings, errors):
    """The spike's baseline: the same person, the same client, the same moment, asking for
    the empty signed-in page twice instead of starting and handing in a quiz."""
    browser = harness.SignedIn(base, session_key)
    barrier.wait()
    for _ in range(2):
        started = time.monotonic()
        status, _location, _body = browser.request("/bench/signed-in/")
        timings.append(time.monotonic() - started)
        if status != 200:
            errors.append(f"floor {status}")


def _all_at_once(server, sessions, quiz_id, visit) -> tuple[float, list, list]:
    """Every session's `visit` started together; (seconds until the last ends, timings,
    errors)."""
    timings, errors = [], []
    barrier = threading.Barrier(len(sessions))
    threads = [
        threading.Thread(target=visit, args=(server.base, key, quiz_id, barrier, timings, errors))
        for _pk, key in sessions
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, timings, errors


def spike(size="M", learners=500) -> dict:
    """The spike, and as its baseline the same people asking for as many empty signed-in
    pages through the same client at the same moment (the client's 500 threads share the
    machine's two cores with the server, so a baseline measured by wrk would flatter it)."""
    made = harness.django_json(size, f"LEARNERS = {learners}\n" + SESSIONS)
    sessions = made["sessions"]
    with harness.Server(size) as server:
        floor_seconds, floor_timings, floor_errors = _all_at_once(
            server, sessions, made["quiz"], floor_visitor
        )
        server.settle()
        elapsed, timings, errors = _all_at_once(server, sessions, made["quiz"], learner)
    outcome = harness.django_json(
        size,
        f"QUIZ = {made['quiz']}\nUSERS = {[pk for pk, _key in sessions]}\n"
        f"KEYS = {[key for _pk, key in sessions]}\n" + OUTCOME,
    )
    return {
        "learners": len(sessions),
        "seconds": elapsed,
        "floor_seconds": floor_seconds,
        "floor_errors": len(floor_errors),
        "floor_p95_ms": harness.percentiles(floor_timings)["p95_ms"],
        "errors": len(errors),
        "error_samples": errors[:5],
        **harness.percentiles(timings),
        **outcome,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--size", default="M")
    args = parser.parse_args(argv)
    harness.database_build(args.size)
    result = spike(args.size, args.learners)
    for key, value in result.items():
        print(f"{key}: {value}")
    lost = result["learners"] - result["handed_in"]
    ok = lost == 0 and result["doubled"] == 0 and result["seconds"] <= 2 * result["floor_seconds"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""
Where one page's time goes, in-process, on a benchmark database: `make profile PAGE=search`.

The page is requested as the person `make bench` uses for it (a learner, a lead, nobody),
warmed up, timed without the profiler (milliseconds per request, queries and their time),
then run again under cProfile; the top of the profile is printed by own time and by
cumulative time, with paths shortened to the project and its libraries.

    .venv/bin/python -m tests.bench.profile search [--size M] [--runs 30] [--top 25]
    .venv/bin/python -m tests.bench.profile /cases/?scenario=3 --as lead

PAGE is a key of tests/bench/pages.py (dashboard, lesson, quiz, case, search, team,
team_certifications, verify), `signed_in` (the empty signed-in page, the floor) or a path.
"""

import argparse
import json
import sys

from tests.bench import harness
from tests.bench.pages import PAGES, TARGETS

FLOOR = "signed_in"
WHO = {key: who for _label, who, key in PAGES} | {FLOOR: "learner"}

PROFILE = r"""
import cProfile
import io
import pstats
import re
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lms.models import User

targets = json.loads(TARGETS_JSON)
client = Client()
if WHO:
    client.force_login(User.objects.get(username=targets["users"][WHO]))
path = targets["paths"].get(PAGE) or ("/bench/signed-in/" if PAGE == "signed_in" else PAGE)


def get():
    response = client.get(path, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}, not 200")
    return response


for _ in range(3):
    get()  # warm: permissions, content types, caches, templates
with CaptureQueriesContext(connection) as context:
    get()
# Read now: every request starts by emptying the connection's query log.
queries = len(context.captured_queries)
sql_ms = sum(float(q["time"]) for q in context.captured_queries) * 1000
slowest = sorted(context.captured_queries, key=lambda q: -float(q["time"]))[:5]
started = time.perf_counter()
for _ in range(RUNS):
    get()
per_request = (time.perf_counter() - started) * 1000 / RUNS

profiler = cProfile.Profile()
profiler.enable()
for _ in range(RUNS):
    get()
profiler.disable()

print(f"page      {path}  (as {WHO or 'nobody'}, size {SIZE})")
print(f"time      {per_request:.1f} ms a request, mean of {RUNS}, without the profiler")
print(f"queries   {queries}, {sql_ms:.1f} ms in the database; the slowest:")
for q in slowest:
    print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
prefix = re.compile(r"\S*/(?:site-packages|lib/python3\.\d+)/")
for order in ("tottime", "cumulative"):
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(order).print_stats(TOP)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print(f"\n-- by {order} (seconds over {RUNS} requests) --")
    for line in lines[start:]:
        if line.strip():
            print(prefix.sub("", line.replace(ROOT + "/", ""), count=1))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("page", help="a key of tests/bench/pages.py, signed_in, or a path")
    parser.add_argument("--size", default="M", choices=["S", "M", "L"])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--as", dest="who", choices=["learner", "lead", "nobody"])
    args = parser.parse_args(argv)
    if not args.page.startswith("/") and args.page not in WHO:
        parser.error(f"unknown page {args.page!r}: one of {', '.join(WHO)} or a path")
    who = args.who or WHO.get(args.page, "learner")
    targets = harness.page_targets(args.size, TARGETS)
    code = (
        f"TARGETS_JSON = {json.dumps(json.dumps(targets))}\n"
        f"PAGE, SIZE, RUNS, TOP = {args.page!r}, {args.size!r}, {args.runs}, {args.top}\n"
        f"WHO = {None if who == 'nobody' else who!r}\n"
        f"ROOT = {str(harness.ROOT)!r}\n" + PROFILE
    )
    return harness.django_run(args.size, code, capture=False).returncode


if __name__ == "__main__":
    sys.exit(main())

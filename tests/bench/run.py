"""
`make bench`: the academy measured against baselines taken in the same run, so the
figures mean something on any machine.

    .venv/bin/python -m tests.bench.run [--rebuild] [--seconds 10] [--connections 50]

1. Query counts of every page at sizes S and M (generate_site on PostgreSQL): must match.
2. Pages under load (wrk, signed-in sessions, gunicorn with the production settings and two
   workers, size M) beside a bare Django view on the same server and an empty signed-in
   page: throughput ratio. Then the latency 50 people see using each page together, each
   reading 0.5-1.5 s between requests (harness.users): wrk's back-to-back connections
   measure throughput, and their latency is mostly the wait behind the other 49.
3. Peak memory of the web workers.
3b. The case search at size L (tests/bench/search.py): 20,000 cases, 50 people searching
   at once with several kinds of query; its query count at L against S.
3c. Every query of every page EXPLAINed at size L (tests/bench/explain.py): no sequential
   scan of a table that grows with the centre.
4. Answering a quiz (tests/bench/answers.py): 50 learners in their own attempts, the page
   saving each answer as it is picked; the latency they see.
4b. Practice conversations (tests/bench/practice.py): 50 people playing at once, each reply
   judged on the server; the latency of a judged reply.
5. The go-live spike (tests/bench/spike.py): 500 learners start and hand in the go-live
   quiz at once over HTTP; the database must show each exactly once.
6. The day a cycle closes (tests/bench/bulk_issue.py): a bulk issue of 1,000 certificates
   through the django-q2 cluster with two workers; certificates a minute, queue worker memory.
7. Certificate PDFs (tests/bench/certificate_pdf.py) beside a one-line document.

Caches and the queue broker are on Redis, as in production, when Redis answers on
BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, emptied first); else on the database.
Prints one Markdown table and writes it to var/bench/report.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from tests.bench import answers, bulk_issue, harness, practice, spike
from tests.bench.explain import explain_rows
from tests.bench.pages import PAGES, QUERY_COUNTS, TARGETS
from tests.bench.search import search_rows

LOGGED_IN_SHARE = 0.40  # of the bare view's throughput
PUBLIC_SHARE = 0.80
P95_LIMIT_MS = 150
SPIKE_P95_LIMIT_MS = 1000


def row(figure, value, baseline="", ratio="", target="", ok=None):
    verdict = "" if ok is None else ("pass" if ok else "FAIL")
    return [figure, value, baseline, ratio, target, verdict]


def query_counts(sizes, targets) -> list[list]:
    counts = {}
    for size in sizes:
        code = (
            f"TARGETS_JSON = {json.dumps(json.dumps(targets[size]))}\n"
            f"PAGES = {PAGES!r}\n" + QUERY_COUNTS
        )
        counts[size] = harness.django_json(size, code)
    small, large = sizes
    rows = []
    for label, _who, _key in PAGES:
        (status_s, n_s), (status_m, n_m) = counts[small][label], counts[large][label]
        rows.append(
            row(
                f"queries: {label}",
                f"{n_m} at {large}",
                f"{n_s} at {small}",
                "",
                "equal",
                n_s == n_m and status_s == status_m == 200,
            )
        )
    return rows


def load(size, targets, *, seconds, connections) -> tuple[list[list], float]:
    rows = []
    with harness.Server(size) as server:
        cookies = {
            who: harness.session_cookie(server.base, username, "Bench-2026")
            for who, username in targets["users"].items()
        }
        bare = harness.wrk(server.base + "/bench/bare/", connections=connections, seconds=seconds)
        rows.append(
            row(
                "bare view (baseline)",
                f"{bare['rps']:.0f} req/s",
                "",
                "",
                "",
                None,
            )
        )
        # What any signed-in page costs before doing its own work: session, user, navigation
        # and the base template. No learner page can be cheaper than this.
        server.settle()
        floor = harness.wrk(
            server.base + "/bench/signed-in/",
            cookie=cookies["learner"],
            connections=connections,
            seconds=seconds,
        )
        rows.append(
            row(
                "signed-in floor: empty page in the base template (reference)",
                f"{floor['rps']:.0f} req/s, p95 {floor['p95_ms']:.0f} ms",
                f"{bare['rps']:.0f} req/s",
                f"{floor['rps'] / bare['rps']:.0%}",
                "—",
                None,
            )
        )
        for label, who, key in PAGES:
            # People first, on a quiet server; then wrk saturates it.
            server.settle()
            people = harness.users(
                server.base + targets["paths"][key],
                cookie=cookies.get(who, ""),
                count=connections,
                seconds=seconds,
            )
            result = harness.wrk(
                server.base + targets["paths"][key],
                cookie=cookies.get(who, ""),
                connections=connections,
                seconds=seconds,
            )
            share = result["rps"] / bare["rps"]
            wanted = PUBLIC_SHARE if who is None else LOGGED_IN_SHARE
            of_floor = f" ({result['rps'] / floor['rps']:.0%} of signed-in floor)" if who else ""
            rows.append(
                row(
                    f"throughput: {label}",
                    f"{result['rps']:.0f} req/s{of_floor}",
                    f"{bare['rps']:.0f} req/s",
                    f"{share:.0%}",
                    f"≥ {wanted:.0%}",
                    share >= wanted and result["errors"] == 0,
                )
            )
            rows.append(
                row(
                    f"saturated latency (wrk, back to back): {label}",
                    f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms",
                    f"p95 {bare['p95_ms']:.0f} ms",
                    "",
                    "— (a queue behind 49 others)",
                    None,
                )
            )
            rows.append(
                row(
                    f"latency, {connections} people at once: {label}",
                    f"p50 {people['p50_ms']:.0f} ms, p95 {people['p95_ms']:.0f} ms "
                    f"({people['rps']:.0f} req/s)",
                    "",
                    "",
                    f"p95 ≤ {P95_LIMIT_MS} ms",
                    people["p95_ms"] <= P95_LIMIT_MS and people["errors"] == 0,
                )
            )
        memory = {pid: harness.peak_rss_mib(pid) for pid in server.worker_pids()}
    rows.append(row("peak memory: web worker", f"{max(memory.values()):.0f} MiB", "", "", "", None))
    return rows, floor["rps"]


def people_at_once_row(what: str, result: dict, counts: str, limit_ms: int) -> list:
    """One latency row for people using a page at once: p50 and p95 against `limit_ms`."""
    return row(
        f"latency, {result['people']} people at once: {what}",
        f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms "
        f"({counts}, {result['rps']:.0f}/s, {result['errors']} refused)",
        "",
        "",
        f"p95 ≤ {limit_ms} ms",
        result["p95_ms"] <= limit_ms and result["errors"] == 0,
    )


def answer_rows(size, people: int, seconds: int) -> list[list]:
    """50 learners answering the quiz, the page saving each answer as it is picked."""
    result = answers.answering(size, people, seconds)
    counts = f"{result['saves']} saves"
    return [people_at_once_row("answer submission (quiz autosave)", result, counts, P95_LIMIT_MS)]


def practice_rows(size, people: int, seconds: int) -> list[list]:
    """50 people in practice conversations, each reply judged on the server."""
    result = practice.playing(size, people, seconds)
    counts = f"{result['replies']} replies, {result['finished_runs']} conversations ended"
    what = "a judged practice reply"
    return [people_at_once_row(what, result, counts, practice.P95_LIMIT_MS)]


def spike_rows(size, learners, floor_rps: float) -> list[list]:
    """N learners start and hand in the go-live quiz at once: nothing lost or doubled."""
    result = spike.spike(size, learners)
    lost = result["learners"] - result["handed_in"]
    requests = 2 * result["learners"]
    # Even if starting and handing in cost no more than an empty signed-in page, the
    # server could not answer all of them sooner than this.
    floor_seconds = requests / floor_rps
    return [
        row(
            f"go-live spike: {result['learners']} learners at once",
            f"{result['created']} attempts, {result['handed_in']} handed in "
            f"({result['graded']} graded), {result['errors']} errors",
            "",
            "",
            "0 lost, 0 doubled",
            lost == 0 and result["doubled"] == 0 and result["errors"] == 0,
        ),
        row(
            "go-live spike latency",
            f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms; all {requests} "
            f"requests answered in {result['seconds']:.1f} s "
            f"({requests / result['seconds']:.0f} req/s)",
            f"{floor_seconds:.1f} s for {requests} empty signed-in pages",
            f"{result['seconds'] / floor_seconds:.1f}× the floor",
            f"p95 ≤ {SPIKE_P95_LIMIT_MS} ms",
            result["p95_ms"] <= SPIKE_P95_LIMIT_MS,
        ),
    ]


def bulk_rows(certificates: int) -> list[list]:
    """The close of a cycle: issue and render through the real two-worker cluster."""
    result = bulk_issue.bulk_issue(certificates)
    complete = (
        result["status"] == "done"
        and result["ready"] == result["people"] == result["distinct_pdfs"]
        and result["certificates"] == result["people"]
    )
    return [
        row(
            f"bulk issue of {result['people']} through qcluster (2 workers, "
            f"{result['broker']} broker)",
            f"{result['per_minute']:.0f} certificates/min ({result['seconds']:.0f} s)",
            "",
            "",
            f"≥ {bulk_issue.TARGET_PER_MINUTE:,}/min",
            result["per_minute"] >= bulk_issue.TARGET_PER_MINUTE,
        ),
        row(
            "bulk issue outcome",
            f"{result['certificates']} issued, {result['ready']} rendered "
            f"({result['distinct_pdfs']} distinct PDFs), {result['failed']} failed; "
            f"progress {result['progress']['done']}/{result['progress']['total']}",
            "",
            "",
            "each once, all rendered",
            complete,
        ),
        row("peak memory: queue worker", f"{result['worker_peak_rss_mib']:.0f} MiB", "", "", ""),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build the databases afresh")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--learners", type=int, default=500, help="go-live spike size")
    parser.add_argument("--certificates", type=int, default=1000, help="bulk issue size")
    args = parser.parse_args(argv)

    sizes = ("S", "M")
    rows, notes = [], []
    if harness.use_redis():
        harness.redis_flush()
        notes.append(f"caches and queue broker on Redis ({harness.REDIS_URL}), as in production")
    else:
        notes.append("no Redis answered: caches and queue broker on the database")
    harness.manage("S", "collectstatic", "--noinput", "-v0")  # the production static files
    targets = {}
    for size in sizes:
        took = harness.database_build(size, rebuild=args.rebuild)
        if took:
            notes.append(f"generate_site --size {size} on PostgreSQL: {took:.0f} s")
        targets[size] = harness.django_json(size, TARGETS)
    rows += query_counts(sizes, targets)
    load_rows, floor_rps = load(
        "M", targets["M"], seconds=args.seconds, connections=args.connections
    )
    rows += load_rows
    rows += search_rows(seconds=args.seconds, connections=args.connections)
    rows += explain_rows("L")
    rows += answer_rows("M", args.connections, args.seconds)
    rows += practice_rows("M", args.connections, args.seconds)
    rows += spike_rows("M", args.learners, floor_rps)
    rows += bulk_rows(args.certificates)
    pdf = subprocess.run(
        [sys.executable, "-m", "tests.bench.certificate_pdf"],
        cwd=harness.ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )
    for line in pdf.stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if (
            len(cells) == 6
            and cells[0]
            and not set(cells[0]) <= {"-", " "}
            and cells[0] != "figure"
        ):
            rows.append(["PDF: " + cells[0], *cells[1:]])

    header = ["figure", "value", "baseline", "ratio", "target", "pass/fail"]
    lines = [
        "# Kefu Academy benchmark",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}, {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; pages under wrk -t2 -c{args.connections} for {args.seconds} s "
        "each against gunicorn (production settings, 2 sync workers) on PostgreSQL, size M; "
        f"latency of {args.connections} people each reading 0.5–1.5 s between requests.",
        *(f"- {note}" for note in notes),
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(str(cell) for cell in r) + " |" for r in rows),
    ]
    report = "\n".join(lines) + "\n"
    out = harness.ROOT / "var" / "bench" / "report.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print(report)
    return 0 if all(r[5] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

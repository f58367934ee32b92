"""
`make bench`: the academy measured against baselines taken in the same run, so the
figures mean something on any machine.

    .venv/bin/python -m tests.bench.run [--rebuild] [--seconds 10] [--connections 50]

1. Query counts of every page at sizes S, M and L (generate_site on PostgreSQL): must match.
2. Pages under load (wrk, signed-in sessions, gunicorn with the production settings and two
   workers, size M) beside a bare Django view on the same server and an empty signed-in
   page (the floor, itself against the bare view): a signed-in page's throughput against
   the floor, a public page's against the bare view. Then the latency 50 people see using
   each page together, each reading 0.5-1.5 s between requests (harness.users): wrk's
   back-to-back connections measure throughput, and their latency is mostly the wait
   behind the other 49.
2b. The same latency at size L (10,000 staff, 20,000 cases).
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
   quiz at once over HTTP; the database must show each exactly once, and all of it must be
   answered within twice the time as many empty signed-in pages take.
6. The day a cycle closes (tests/bench/bulk_issue.py): a bulk issue of 10,000 certificates
   (size L) through the django-q2 cluster with two workers, within 5 minutes; queue worker
   memory.
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

FLOOR_SHARE = 0.25  # the empty signed-in page, of the bare view's throughput
PAGE_SHARE_OF_FLOOR = 0.50  # a signed-in page, of the empty signed-in page's throughput
PUBLIC_SHARE = 0.80  # a public page, of the bare view's throughput
P95_LIMIT_MS = 150
SPIKE_FLOOR_TIMES = 2.0  # the spike's requests, against as many empty signed-in pages
CYCLE_CLOSE_SECONDS = 300  # 10,000 certificates issued and rendered within 5 minutes


def row(figure, value, baseline="", ratio="", target="", ok=None):
    verdict = "" if ok is None else ("pass" if ok else "FAIL")
    return [figure, value, baseline, ratio, target, verdict]


def query_counts(sizes, targets) -> list[list]:
    """Each page's query count at every size against the smallest, built afresh and kept
    (lms.kept_pages): equal, and a 200 each."""
    counts = {}
    for size in sizes:
        code = (
            f"TARGETS_JSON = {json.dumps(json.dumps(targets[size]))}\n"
            f"PAGES = {PAGES!r}\n" + QUERY_COUNTS
        )
        counts[size] = harness.django_json(size, code)
    smallest, *larger = sizes
    rows = []
    for label, _who, _key in PAGES:
        found = {size: counts[size][label] for size in sizes}  # size: [status, built, kept]
        rows.append(
            row(
                f"queries: {label}",
                ", ".join(_counts_shown(found[size], size) for size in larger),
                _counts_shown(found[smallest], smallest),
                "",
                "equal",
                all(
                    (built, kept) == tuple(found[smallest][1:]) and status == 200
                    for status, built, kept in found.values()
                ),
            )
        )
    return rows


def _counts_shown(found, size) -> str:
    _status, built, kept = found
    return f"{built} at {size}" if built == kept else f"{built} built, {kept} kept at {size}"


def _counts_shown(found, size) -> str:
    _status, built, kept = found
    return f"{built} at {size}" if built == kept else f"{built} built, {kept} kept at {size}"


def signed_in_cookies(server, targets) -> dict[str, str]:
    """Each person the bench uses, signed in through the login form on `server`."""
    return {
        who: harness.session_cookie(server.base, username, "Bench-2026")
        for who, username in targets["users"].items()
    }


def people_row(server, path: str, cookie: str, figure: str, *, seconds, connections) -> list:
    """The latency `connections` people see using `path` together, on a settled server."""
    server.settle()
    people = harness.users(server.base + path, cookie=cookie, count=connections, seconds=seconds)
    return row(
        figure,
        f"p50 {people['p50_ms']:.0f} ms, p95 {people['p95_ms']:.0f} ms ({people['rps']:.0f} req/s)",
        "",
        "",
        f"p95 ≤ {P95_LIMIT_MS} ms",
        people["p95_ms"] <= P95_LIMIT_MS and people["errors"] == 0,
    )


def load(size, targets, *, seconds, connections) -> list[list]:
    rows = []
    with harness.Server(size) as server:
        cookies = signed_in_cookies(server, targets)
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
                "signed-in floor: empty page in the base template",
                f"{floor['rps']:.0f} req/s, p95 {floor['p95_ms']:.0f} ms",
                f"{bare['rps']:.0f} req/s",
                f"{floor['rps'] / bare['rps']:.0%}",
                f"≥ {FLOOR_SHARE:.0%} of bare",
                floor["rps"] / bare["rps"] >= FLOOR_SHARE and floor["errors"] == 0,
            )
        )
        for label, who, key in PAGES:
            # People first, on a quiet server; then wrk saturates it.
            people = people_row(
                server,
                targets["paths"][key],
                cookies.get(who, ""),
                f"latency, {connections} people at once: {label}",
                seconds=seconds,
                connections=connections,
            )
            result = harness.wrk(
                server.base + targets["paths"][key],
                cookie=cookies.get(who, ""),
                connections=connections,
                seconds=seconds,
            )
            # A public page is measured against the bare view, a signed-in page against the
            # empty signed-in page it sits in.
            baseline = bare if who is None else floor
            share = result["rps"] / baseline["rps"]
            wanted = PUBLIC_SHARE if who is None else PAGE_SHARE_OF_FLOOR
            rows.append(
                row(
                    f"throughput: {label}",
                    f"{result['rps']:.0f} req/s",
                    f"{baseline['rps']:.0f} req/s ({'bare' if who is None else 'floor'})",
                    f"{share:.0%}",
                    f"≥ {wanted:.0%} of {'bare' if who is None else 'floor'}",
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
            rows.append(people)
        memory = {pid: harness.peak_rss_mib(pid) for pid in server.worker_pids()}
    rows.append(row("peak memory: web worker", f"{max(memory.values()):.0f} MiB", "", "", "", None))
    return rows


def latency_rows(size, targets, *, seconds, connections) -> list[list]:
    """The latency 50 people see on each page at `size` (L: the largest centre we build)."""
    rows = []
    with harness.Server(size) as server:
        cookies = signed_in_cookies(server, targets)
        for label, who, key in PAGES:
            rows.append(
                people_row(
                    server,
                    targets["paths"][key],
                    cookies.get(who, ""),
                    f"latency at {size}, {connections} people at once: {label}",
                    seconds=seconds,
                    connections=connections,
                )
            )
    return rows


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


def spike_rows(size, learners) -> list[list]:
    """N learners start and hand in the go-live quiz at once: nothing lost or doubled, and
    all of it answered within twice the time the same people asking for as many empty
    signed-in pages through the same client take (tests/bench/spike.py)."""
    result = spike.spike(size, learners)
    lost = result["learners"] - result["handed_in"]
    requests = 2 * result["learners"]
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
            "go-live spike time",
            f"all {requests} requests answered in {result['seconds']:.1f} s "
            f"(p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms)",
            f"{result['floor_seconds']:.1f} s for {requests} empty signed-in pages, same "
            f"people and client (p95 {result['floor_p95_ms']:.0f} ms)",
            f"{result['seconds'] / result['floor_seconds']:.1f}× the floor",
            f"≤ {SPIKE_FLOOR_TIMES:.0f}× the floor",
            result["seconds"] <= SPIKE_FLOOR_TIMES * result["floor_seconds"]
            and result["floor_errors"] == 0,
        ),
    ]


def bulk_rows(certificates: int) -> list[list]:
    """The close of a cycle: issue and render through the real two-worker cluster."""
    result = bulk_issue.bulk_issue(certificates)
    complete = (
        result["status"] == "done"
        and result["ready"] == result["people"] == result["distinct_pdfs"]
        and result["certificates"] == result["people"] == result["signed"]
    )
    return [
        row(
            f"bulk issue of {result['people']:,} through qcluster (2 workers, "
            f"{result['broker']} broker)",
            f"{result['seconds']:.0f} s ({result['per_minute']:,.0f} certificates/min)",
            "",
            "",
            f"{certificates:,} within {CYCLE_CLOSE_SECONDS // 60} min",
            result["seconds"] <= CYCLE_CLOSE_SECONDS and result["people"] >= certificates,
        ),
        row(
            "bulk issue outcome",
            f"{result['certificates']} issued ({result['signed']} credentials signed), "
            f"{result['ready']} rendered "
            f"({result['distinct_pdfs']} distinct PDFs), {result['failed']} failed; "
            f"progress {result['progress']['done']}/{result['progress']['total']}",
            "",
            "",
            "each once, all signed and rendered",
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
    parser.add_argument("--certificates", type=int, default=10_000, help="bulk issue size")
    args = parser.parse_args(argv)

    sizes = ("S", "M", "L")
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
    rows += load("M", targets["M"], seconds=args.seconds, connections=args.connections)
    rows += latency_rows("L", targets["L"], seconds=args.seconds, connections=args.connections)
    rows += search_rows(seconds=args.seconds, connections=args.connections)
    rows += explain_rows("L")
    rows += answer_rows("M", args.connections, args.seconds)
    rows += practice_rows("M", args.connections, args.seconds)
    rows += spike_rows("M", args.learners)
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

"""
Every query of every benchmarked page, EXPLAINed on PostgreSQL at size L: a page whose
query reads a whole table that grows with the centre (people, attempts, cases, notices …)
gets slower as the centre grows even when its query count stays the same. Part of
`make bench`; alone:

    .venv/bin/python -m tests.bench.explain [--size L]

A table "grows with the centre" when it holds at least GROWING_ROWS rows at size L; small
tables (levels, teams, positions) are read whole, as the planner rightly prefers. A
sequential scan of a growing table fails the page and is listed with its query.
"""

import argparse
import json
import sys

from tests.bench import harness
from tests.bench.pages import PAGES, TARGETS, VISITS

GROWING_ROWS = 5_000

EXPLAIN = (
    VISITS  # noqa: S608 - Python run in a Django process; its SQL is the pages' own
    + r"""
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT c.relname, c.reltuples FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples >= %s",
        [GROWING_ROWS],
    )
    growing = {name: int(rows) for name, rows in cursor.fetchall()}


def scans(plan):
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in growing:
        yield plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from scans(child)


pages = {}
for label, status, queries, _kept in visits():  # the built page's: every query
    found = []
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        for table in scans(plan[0]["Plan"]):
            found.append({"table": table, "rows": growing[table], "sql": sql[:300]})
    pages[label] = {"status": status, "queries": len(queries), "scans": found}
print(json.dumps({"growing": growing, "pages": pages}))
"""
)


def explain(size: str = "L") -> dict:
    targets = harness.page_targets(size, TARGETS)
    code = (
        f"TARGETS_JSON = {json.dumps(json.dumps(targets))}\n"
        f"PAGES = {PAGES!r}\nGROWING_ROWS = {GROWING_ROWS}\n" + EXPLAIN
    )
    return harness.django_json(size, code)


def explain_rows(size: str = "L") -> list[list]:
    from tests.bench.run import row

    result = explain(size)
    rows = []
    for label, page in result["pages"].items():
        tables = sorted({scan["table"] for scan in page["scans"]})
        rows.append(
            row(
                f"EXPLAIN at {size}: {label}",
                ", ".join(f"seq scan of {t}" for t in tables) or "indexes only",
                f"{page['queries']} queries",
                "",
                f"no seq scan of a table ≥ {GROWING_ROWS:,} rows",
                page["status"] == 200 and not tables,
            )
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--size", default="L", choices=["S", "M", "L"])
    args = parser.parse_args(argv)
    result = explain(args.size)
    print(f"tables of at least {GROWING_ROWS:,} rows at {args.size}: {len(result['growing'])}")
    failed = False
    for label, page in result["pages"].items():
        verdict = "ok" if page["status"] == 200 and not page["scans"] else "FAIL"
        failed |= verdict == "FAIL"
        print(f"\n{verdict:4} {label}: {page['queries']} queries, status {page['status']}")
        for scan in page["scans"]:
            print(f"     seq scan of {scan['table']} ({scan['rows']:,} rows): {scan['sql']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

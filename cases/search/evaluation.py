"""
The case search measured against its evaluation set (cases/search/eval.yaml): recall@5,
mean reciprocal rank, the zero-result rate and each miss. `make search-eval` prints it for
the demo library, and tests/cases/test_search_eval.py holds the search to its targets on
SQLite and PostgreSQL alike.

recall@5 counts, over every query with labelled cases, the labelled cases found in the
first five results, out of the labelled cases (at most five a query). The reciprocal rank
of a query is 1 / the rank of its first labelled case (0 when none is listed). A query
labelled with nothing should list nothing: anything it lists is a false find.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EVAL_FILE = Path(__file__).with_name("eval.yaml")
TOP = 5


@dataclass(frozen=True)
class EvalQuery:
    q: str
    kind: str
    relevant: tuple[str, ...]


@dataclass
class EvalReport:
    queries: int = 0
    labelled: int = 0
    found: int = 0
    wanted: int = 0
    reciprocal_ranks: list[float] = field(default_factory=list)
    zero_results: int = 0
    misses: list[tuple[EvalQuery, list[str]]] = field(default_factory=list)
    false_finds: list[tuple[EvalQuery, list[str]]] = field(default_factory=list)
    nothing_queries: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.wanted if self.wanted else 0.0

    @property
    def mrr(self) -> float:
        ranks = self.reciprocal_ranks
        return sum(ranks) / len(ranks) if ranks else 0.0

    @property
    def zero_result_rate(self) -> float:
        return self.zero_results / self.labelled if self.labelled else 0.0

    def lines(self) -> list[str]:
        out = [
            f"queries: {self.queries} ({self.labelled} labelled with cases, "
            f"{self.nothing_queries} about nothing)",
            f"recall@{TOP}: {self.recall:.3f} ({self.found} of {self.wanted})",
            f"MRR: {self.mrr:.3f}",
            f"zero-result rate: {self.zero_result_rate:.3f} "
            f"({self.zero_results} of {self.labelled} labelled queries listed nothing)",
            f"nothing-queries that listed something: {len(self.false_finds)} "
            f"of {self.nothing_queries}",
        ]
        for query, got in self.misses:
            out.append(
                f"  miss [{query.kind}] {query.q}: wanted {', '.join(query.relevant)}; "
                f"top {TOP}: {', '.join(got[:TOP]) or '(nothing)'}"
            )
        for query, got in self.false_finds:
            out.append(f"  false find [nothing] {query.q}: {', '.join(got[:TOP])}")
        return out


def eval_read(path: Path = EVAL_FILE) -> list[EvalQuery]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        EvalQuery(q=str(e["q"]), kind=e["kind"], relevant=tuple(e.get("relevant") or ()))
        for e in data["queries"]
    ]


def evaluate(search: Callable[[str], list[str]], queries: list[EvalQuery]) -> EvalReport:
    """`search` returns the slugs of the cases a query lists, best first."""
    report = EvalReport(queries=len(queries))
    for query in queries:
        got = search(query.q)
        if not query.relevant:
            report.nothing_queries += 1
            if got:
                report.false_finds.append((query, got))
            continue
        report.labelled += 1
        wanted = set(query.relevant)
        top = got[:TOP]
        hits = len(wanted & set(top))
        report.found += hits
        report.wanted += min(len(wanted), TOP)
        rank = next((i for i, slug in enumerate(got, start=1) if slug in wanted), None)
        report.reciprocal_ranks.append(1 / rank if rank else 0.0)
        if not got:
            report.zero_results += 1
        if hits < min(len(wanted), TOP):
            report.misses.append((query, got))
    return report

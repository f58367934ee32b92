"""
The figure `make mutation` reports: mutants killed (a test failed, or the mutant hung past
its time limit) out of all mutants, from mutants/mutmut-cicd-stats.json, which
`mutmut export-cicd-stats` writes after a run. Below FLOOR it exits non-zero, so a change
that leaves one of the mutated rules unchecked by the tests does not pass unnoticed.
"""

import json
import sys
from pathlib import Path

FLOOR = 85.0
STATS = Path("mutants/mutmut-cicd-stats.json")


def main() -> int:
    stats = json.loads(STATS.read_text())
    killed = stats["killed"] + stats["timeout"]
    total = stats["total"] - stats["skipped"]
    score = 100 * killed / total if total else 0.0
    print(
        f"Mutation score {score:.1f} %: {killed} of {total} mutants killed, "
        f"{stats['survived']} survived, {stats['no_tests']} reached by no test "
        f"(floor {FLOOR:.0f} %)."
    )
    return 0 if score >= FLOOR else 1


if __name__ == "__main__":
    sys.exit(main())

"""
axe-core in every page the browser tests visit.

The pinned axe-core (tests/browser/package.json, installed by `make install-dev`) is
injected into the page and run with the WCAG 2.0–2.2 A and AA rules. What fails a test:
any serious or critical violation, and moderate ones too on the project's own pages. In
the CMS only the project's own admin views are held to that bar (their content area);
Wagtail's own admin markup is reported in var/axe/ but does not fail the suite, as it is
not ours to change.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

AXE_SOURCE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = Path(__file__).resolve().parents[2] / "var" / "axe"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_EVERYWHERE = {"serious", "critical"}
BLOCKING_ON_OUR_PAGES = BLOCKING_EVERYWHERE | {"moderate"}
# The project's own admin views (certificate desk, case planning, statistics, imports and
# reports): held to the same bar as the site. Any other /cms/ page is Wagtail's own.
OWN_ADMIN_PREFIXES = (
    "/cms/certification/",
    "/cms/case-planning/",
    "/cms/quiz-stats/",
    "/cms/staff-import/",
    "/cms/questions/",
    "/cms/reports/",
)


@dataclass
class Finding:
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]
    blocking: bool

    def __str__(self):
        where = ", ".join(self.targets[:3])
        return f"{self.impact} {self.rule} on {self.url}: {self.help} [{where}]"


@dataclass
class AxeAudit:
    """What axe found on the pages one test visited."""

    name: str
    findings: list[Finding] = field(default_factory=list)
    seen: set = field(default_factory=set)

    def check(self, page, who: str = "") -> list[Finding]:
        """Run axe on the page as it is now (once per address, language, width and role)."""
        path = urlsplit(page.url).path
        width = (page.viewport_size or {}).get("width")
        language = page.evaluate("document.documentElement.lang")
        key = (path, urlsplit(page.url).query, language, width, who)
        if key in self.seen or not page.url.startswith("http"):
            return []
        self.seen.add(key)
        in_admin = path.startswith("/cms/")
        ours = not in_admin or path.startswith(OWN_ADMIN_PREFIXES)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_SOURCE))
        # In our admin views only the content area is ours; Wagtail draws the rest.
        context = "document.querySelector('main') || document" if in_admin else "document"
        result = page.evaluate(
            f"""async () => await axe.run({context}, {{
                runOnly: {{type: 'tag', values: {json.dumps(WCAG_TAGS)}}},
                resultTypes: ['violations'],
            }})"""
        )
        blocking = BLOCKING_ON_OUR_PAGES if ours else set()
        found = [
            Finding(
                url=f"{path} [{who + ', ' if who else ''}{language}, {width}px]",
                rule=violation["id"],
                impact=violation.get("impact") or "minor",
                help=violation["help"],
                targets=[" ".join(map(str, node["target"])) for node in violation["nodes"]],
                blocking=(violation.get("impact") or "minor") in blocking,
            )
            for violation in result["violations"]
        ]
        self.findings.extend(found)
        return found

    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]

    def write_report(self) -> None:
        if not self.findings:
            return
        REPORTS.mkdir(parents=True, exist_ok=True)
        found = [finding.__dict__ for finding in self.findings]
        (REPORTS / f"{self.name}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))

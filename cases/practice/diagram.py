"""
The conversation graph as an SVG drawn on the server, for the trainer's preview: customer
turns in rows by their distance from the start, the end states at the bottom, an arrow per
rule (its number on it), unreachable turns and dead ends marked. Drawn here rather than by a
script in the browser so the preview needs no JavaScript and the picture is testable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.practice.engine import END_STATES, GOOD_ENDS, graph_problems

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 150, 52, 30, 60, 20


def _end_labels() -> dict[str, str]:
    return {
        "resolved": _("Resolved"),
        "escalated": _("Escalated in time"),
        "hung_up": _("Hung up"),
        "complaint": _("Complaint"),
    }


def _layers(graph: Sequence[Mapping]) -> list[list[str]]:
    """Turn keys by their distance from the start; unreachable ones in a last row."""
    keys = [t.get("key") for t in graph]
    by_key = {t.get("key"): t for t in graph}
    depth: dict[str, int] = {}
    if keys:
        depth[keys[0]] = 0
        todo = [keys[0]]
        while todo:
            key = todo.pop(0)
            for rule in by_key[key].get("rules") or ():
                nxt = rule.get("next")
                if not rule.get("end") and nxt in by_key and nxt not in depth:
                    depth[nxt] = depth[key] + 1
                    todo.append(nxt)
    rows: list[list[str]] = []
    for key in keys:
        if key in depth:
            while len(rows) <= depth[key]:
                rows.append([])
            rows[depth[key]].append(key)
    stray = [k for k in keys if k not in depth]
    if stray:
        rows.append(stray)
    return rows


def _short(text: str, n: int = 11) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def graph_diagram(graph: Sequence[Mapping]) -> SafeString:
    problems = graph_problems(graph).problems
    unreachable = {k for code, k, _d in problems if code == "unreachable"}
    dead = {k for code, k, _d in problems if code == "dead_end"}
    rows = _layers(graph)
    end_labels = _end_labels()
    used_ends = [
        e for e in END_STATES if any(r.get("end") == e for t in graph for r in t.get("rules") or ())
    ]
    rows_all = [*rows, [f"end:{e}" for e in used_ends]] if used_ends else rows
    widest = max((len(r) for r in rows_all), default=1)
    width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = PAD * 2 + len(rows_all) * BOX_H + (len(rows_all) - 1) * GAP_Y
    pos: dict[str, tuple[int, int]] = {}
    for y_index, row in enumerate(rows_all):
        row_w = len(row) * BOX_W + (len(row) - 1) * GAP_X
        x0 = (width - row_w) // 2
        for x_index, key in enumerate(row):
            pos[key] = (x0 + x_index * (BOX_W + GAP_X), PAD + y_index * (BOX_H + GAP_Y))
    by_key = {t.get("key"): t for t in graph}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="practice-diagram" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(_('Conversation graph'))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
        'fill="#5b6472"/></marker></defs>',
    ]
    for key, turn in by_key.items():
        if key not in pos:
            continue
        x, y = pos[key]
        for number, rule in enumerate(turn.get("rules") or (), start=1):
            target = f"end:{rule['end']}" if rule.get("end") else rule.get("next")
            if target == key or target not in pos:
                continue
            tx, ty = pos[target]
            x1, y1 = x + BOX_W / 2, y + BOX_H
            x2, y2 = tx + BOX_W / 2, ty
            if ty <= y:  # back up the graph: leave from the side
                x1, y1 = x + BOX_W, y + BOX_H / 2
                x2, y2 = tx + BOX_W, ty + BOX_H / 2
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                f'class="edge edge--{escape(rule.get("mood") or "same")}" '
                f'marker-end="url(#arrow)"/>'
                f'<circle cx="{mx:.0f}" cy="{my:.0f}" r="9" class="edge-dot"/>'
                f'<text x="{mx:.0f}" y="{my + 4:.0f}" class="edge-label">{number}</text>'
            )
    for key, (x, y) in pos.items():
        if key.startswith("end:"):
            end = key[4:]
            kind = "good" if end in GOOD_ENDS else "bad"
            parts.append(
                f'<g class="node node--end node--{kind}"><rect x="{x}" y="{y}" width="{BOX_W}" '
                f'height="{BOX_H}" rx="26"/><text x="{x + BOX_W / 2:.0f}" y="{y + 31}">'
                f"{escape(end_labels[end])}</text></g>"
            )
            continue
        turn = by_key[key]
        flag = (
            " node--unreachable" if key in unreachable else (" node--dead" if key in dead else "")
        )
        parts.append(
            f'<g class="node node--turn{flag}"><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="6"/><text x="{x + 10}" y="{y + 20}" class="node-key">'
            f"{escape(_short(key, 16))}</text>"
            f'<text x="{x + 10}" y="{y + 40}" class="node-text">'
            f"{escape(_short(turn.get('customer', '')))}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()

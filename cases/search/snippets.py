"""
A line of the case under each search result showing where it matched: the stretch of its
text that holds the most of the query's words (or their synonyms), those words marked.
"""

import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 80
LEAD = 16


@lru_cache(maxsize=20_000)
def _fold(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).casefold()
    return folded if len(folded) == 1 else ch


def _comparable(text: str) -> str:
    """
    The text folded character by character (full-width to ASCII, case), same length, so a
    position in it is a position in the text. Each character is folded once per process:
    a page of results folds some 15,000 characters drawn from a few thousand.
    """
    return "".join(map(_fold, text))


def _spans(folded: str, terms: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    taken = [False] * len(folded)
    for term in terms:  # longest first: 扫地机器人 before 机器
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end, term))
                for i in range(start, end):
                    taken[i] = True
            start = folded.find(term, end)
    return sorted(spans)


def snippet(text: str, terms: list[str]) -> SafeString:
    text = " ".join(text.split())
    folded = _comparable(text)
    spans = _spans(folded, [t for t in terms if t])
    if not spans:
        return mark_safe(escape(text[:WIDTH]) + ("…" if len(text) > WIDTH else ""))  # noqa: S308
    best_start, best_count = 0, -1
    for start, _end, _term in spans:
        window = max(start - LEAD, 0)
        found = {t for s, e, t in spans if s >= window and e <= window + WIDTH}
        if len(found) > best_count:
            best_start, best_count = window, len(found)
    end = min(best_start + WIDTH, len(text))
    pieces, at = [], best_start
    for start, stop, _term in spans:
        if start < best_start or stop > end:
            continue
        pieces.append(escape(text[at:start]))
        pieces.append(f"<mark>{escape(text[start:stop])}</mark>")
        at = stop
    pieces.append(escape(text[at:end]))
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if end < len(text) else ""
    # Every piece of the case's text is escaped above; only our <mark> tags are markup.
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308

"""
The case library's search, our own module beside Wagtail's search framework (ARCHITECTURE.md
says why, with the figures of both on the evaluation set):

- `index`: each case's terms (lms.search.analysis) with their BM25 weights, rebuilt when the
  case is saved;
- `synonyms`: the groups trainers keep in the CMS, applied when a search runs;
- `ranking`: a query's plan (its words, their synonyms and sound-alikes, which are required)
  and the ranked, filtered cases, in one SQL statement that sums integers, so SQLite and
  PostgreSQL give the same cases in the same order;
- `snippets`: where each result matched, highlighted;
- `evaluation`: recall@5 and MRR on cases/search/eval.yaml (`make search-eval`).

Nothing here is imported by the models at module level except `case_search_text`.
"""

from lms.search.analysis import warm_up

__all__ = ["SEARCH_GENERATION_KEY", "case_search_text", "warm_up", "words_text"]

# Moves on whenever what a search's result list is built from changes (ranking keeps the
# lists under it): a case's terms, whether it is live, its date, its place
# (cases.models.search sends it on).
SEARCH_GENERATION_KEY = "cases:search:generation"


def _stream_strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from _stream_strings(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in ("id", "type", "speaker", "time"):
                yield from _stream_strings(value)


def case_search_text(case) -> str:
    """The case's text as readers see it, one line a part: title, scenario, product, body.
    Indexed for the search and quoted in its snippets."""
    parts = [case.title]
    if case.scenario_id:
        parts.append(case.scenario.name)
    if case.product_id:
        parts.append(case.product.name)
    parts.extend(_stream_strings(case.body.get_prep_value() if case.body else []))
    return "\n".join(part.strip() for part in parts if part and part.strip())


def words_text(text: str) -> str:
    """The word list migration 0004 once stored (kept for that migration only)."""
    import jieba

    words = dict.fromkeys(w.strip() for w in jieba.cut_for_search(text.lower()))
    words = [w for w in words if any(ch.isalnum() for ch in w)]
    return f" {' '.join(words)} " if words else ""

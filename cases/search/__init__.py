"""
Chinese search without a search server: text is cut into words with jieba when a case is
saved, and a query is cut the same way; a case matches when it holds every word of the
query as a word, as in any search engine.

A case keeps its words once each between spaces (`search_text`, " 物流 延误 物流延误 … ").
On PostgreSQL a GIN index over to_tsvector('simple', search_text) finds them (migration
0004): the library's size does not change a search's cost, where scanning every case's
text for a substring took 33 ms per query at 2,000 cases. SQLite, the small embedded
default, looks for " word " with LIKE; both find the same cases.
"""

from django.db import connections
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

# The index's expression (migration 0004); the query must say it the same way to use it.
PG_MATCH = (
    'to_tsvector(\'simple\'::regconfig, "cases_casepage"."search_text") '
    "@@ plainto_tsquery('simple'::regconfig, %s)"
)


def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than in someone's first search."""
    _jieba().initialize()


def _cut(text: str) -> list[str]:
    return [word.strip() for word in _jieba().cut_for_search(text) if word.strip()]


def case_search_text(case) -> str:
    parts = [case.title]
    if case.scenario_id:
        parts.append(case.scenario.name)
    if case.product_id:
        parts.append(case.product.name)
    parts.extend(_stream_strings(case.body.get_prep_value() if case.body else []))
    return words_text(" ".join(parts))


def words_text(text: str) -> str:
    """Each word of `text` once, lower case, between spaces; punctuation left out."""
    words = dict.fromkeys(w for w in _cut(text.lower()) if any(ch.isalnum() for ch in w))
    return f" {' '.join(words)} " if words else ""


def _stream_strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from _stream_strings(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in ("id", "type"):
                yield from _stream_strings(value)


def query_words(query: str) -> list[str]:
    """The words a query asks for; punctuation and single spaces are dropped."""
    words = []
    for word in _cut(query.lower()):
        if any(ch.isalnum() for ch in word) and word not in words:
            words.append(word)
    # cut_for_search also yields compounds of shorter words (物流延误 beside 物流, 延误);
    # asking for the parts finds a case that says them apart too.
    parts = [w for w in words if not any(o != w and o in w for o in words)]
    return parts[:10]


def matching(queryset, query: str):
    """Cases holding every word of the query."""
    words = query_words(query)
    if connections[queryset.db].vendor == "postgresql":
        # The words go in as a parameter; only the fixed expression is SQL.
        match = RawSQL(PG_MATCH, [" ".join(words)], output_field=BooleanField())  # noqa: S611
        return queryset.filter(match)
    condition = Q()
    for word in sorted(words, key=len, reverse=True):  # longest first: the rarest
        condition &= Q(search_text__contains=f" {word} ")
    return queryset.filter(condition)

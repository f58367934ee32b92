"""
Chinese search without a search server: text is cut into words with jieba when a case is
saved, and a query is cut the same way; a case matches when it holds every word. Works the
same on SQLite and PostgreSQL.
"""

from django.db.models import Q


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
    text = " ".join(parts)
    return " ".join(_cut(text)) + " " + text.lower()


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
    """
    Cases holding every word of the query (longest words first: they are the rarest).
    search_text and the query words are both lower case already, so a plain LIKE does:
    icontains would make PostgreSQL upper-case every case's text for every word.
    """
    condition = Q()
    for word in sorted(query_words(query), key=len, reverse=True):
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)

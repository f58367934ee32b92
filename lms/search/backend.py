"""
Wagtail's database search backend, reading Chinese queries the way the academy indexes
Chinese titles (see `lms.search.pages`).

A query with Chinese in it becomes its words (jieba, filler words dropped) and each word its
character bigrams, all required: 会员续费 finds 会员自动续费 because 会员 and 续费 are both
among the title's terms. A query without Chinese, or for anything but pages, reaches the
backend unchanged. The backend class itself (PostgreSQL, SQLite FTS5 or the fallback) is
chosen by Wagtail, as before.
"""

from functools import cache

from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import PlainText
from wagtail.models import Page

from lms.search.analysis import CJK, bigrams, is_cjk, query_words


def chinese_terms(text: str) -> str:
    """
    A Chinese query's words as their bigrams, space-separated; "" when there is none. A
    one-character word is no term of the index (titles are indexed as bigrams), so it is
    left out beside longer words; a query of nothing else keeps its characters together
    (买书 stays 买书, one bigram; 退 alone still starts words in an autocomplete).
    """
    words = query_words(text)
    singles = [w for w in words if is_cjk(w) and len(w) == 1]
    words = [w for w in words if w not in singles] or ["".join(singles)]
    terms = []
    for word in words:
        for term in bigrams(word) if is_cjk(word) else [word]:
            if term not in terms:
                terms.append(term)
    return " ".join(terms)


def chinese_query(query, operator):
    """
    The query and operator to hand on: Chinese cut into required terms, anything else as it
    came. Wagtail's views pass a string or, after parsing filters out of it (the page
    explorer), a `PlainText`; a phrase in quotes stays a phrase.
    """
    text = query.query_string if isinstance(query, PlainText) else query
    if not isinstance(text, str) or not CJK.search(text):
        return query, operator
    terms = chinese_terms(text)
    if not terms:
        return query, operator
    if isinstance(query, PlainText):
        return PlainText(terms, operator="and", boost=query.boost), operator
    return terms, "and"


def _indexes_title_terms(model_or_queryset) -> bool:
    """Pages index their title's terms (lms.search.pages); documents, images and the rest
    keep a Chinese title whole, so a query for them is handed on as typed."""
    model = getattr(model_or_queryset, "model", model_or_queryset)
    return isinstance(model, type) and issubclass(model, Page)


class ChineseQueryMixin:
    def search(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        if _indexes_title_terms(model_or_queryset):
            query, operator = chinese_query(query, operator)
        return super().search(query, model_or_queryset, fields=fields, operator=operator, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        if _indexes_title_terms(model_or_queryset):
            query, operator = chinese_query(query, operator)
        return super().autocomplete(
            query, model_or_queryset, fields=fields, operator=operator, **kwargs
        )


@cache
def _chinese_class(base: type) -> type:
    return type(f"Chinese{base.__name__}", (ChineseQueryMixin, base), {})


def SearchBackend(params):
    """The backend Wagtail would choose for this database, reading Chinese queries."""
    backend = database_backend(params)
    return _chinese_class(type(backend))(params)

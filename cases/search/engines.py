"""
The search engines `manage.py search_eval` can measure, each a factory of
`search(query) -> [slug, ...]`, best first: the library page's own search, and Wagtail's
search framework over the same words (see ARCHITECTURE.md for the comparison).
"""

from django.http import QueryDict


def library_engine():
    """What the library page lists for a query, in its order."""
    from cases.filters import CaseLibraryFilter
    from cases.search.results import case_search_page
    from cases.selectors import live_cases

    def search(query: str) -> list[str]:
        params = QueryDict(mutable=True)
        params["q"] = query
        filterset = CaseLibraryFilter(params, queryset=live_cases())
        found = case_search_page(filterset.qs, filterset.query)
        return [line.slug for line in found.page]

    return search


ENGINES = {"library": library_engine}


def wagtail_engine():
    """
    Wagtail's search framework (the database backend: FTS5 on SQLite, full text on
    PostgreSQL) over the case pages' indexed fields, given the same prepared query words
    as ours, any word enough (operator "or"), in its own relevance order.
    """
    from wagtail.search import index
    from wagtail.search.backends import get_search_backend

    from cases.models import CasePage
    from cases.search.index import case_postings
    from cases.selectors import live_cases
    from lms.search.analysis import bigrams, is_cjk, query_words

    # Measurement only: the case pages indexed with our prepared terms (bigrams and words,
    # space-separated, which Wagtail's tokenisers can split), for this process.
    CasePage.wagtail_terms = lambda case: " ".join(case_postings(case.search_text))
    CasePage.search_fields = [*CasePage.search_fields, index.SearchField("wagtail_terms")]
    backend = get_search_backend()
    backend.add_bulk(CasePage, list(CasePage.objects.all()))

    def search(query: str) -> list[str]:
        terms = []
        for word in query_words(query):
            terms += bigrams(word) if is_cjk(word) else [word]
        if not terms:
            return []
        found = live_cases().search(" ".join(dict.fromkeys(terms)), operator="or")
        return [case.slug for case in found[:20]]

    return search


ENGINES["wagtail"] = wagtail_engine

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
        return [case.slug for case in found.page]

    return search


ENGINES = {"library": library_engine}

"""The case library as a learner browses and searches it: filtered, 20 cases a page."""

from django.core.paginator import Paginator

from cases.filters import CaseLibraryFilter
from cases.search import query_words
from cases.selectors import live_cases

PAGE_SIZE = 20


def case_library_listing(request, library) -> dict:
    """The template context of the library page (and its search) for this request."""
    filterset = CaseLibraryFilter(
        request.GET or None, queryset=live_cases().descendant_of(library), request=request
    )
    # The list shows titles and tags: leave each case's text, words and masking record in
    # the database (about 8 KB a case, and the text's blocks built for nothing).
    cases = filterset.qs.order_by("-first_published_at", "-pk").defer(
        "body", "search_text", "masked_pii"
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    read_ids = set(
        request.user.case_reads.filter(case__in=[c.pk for c in page]).values_list(
            "case_id", flat=True
        )
    )
    params = request.GET.copy()
    params.pop("page", None)
    query = filterset.query
    return {
        "form": filterset.form,
        "cases": page,
        "read_ids": read_ids,
        "query": query,
        "words": query_words(query) if query else [],
        "params": params.urlencode(),
    }

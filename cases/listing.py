"""The case library as a learner browses and searches it: filtered, 20 cases a page."""

from django.core.paginator import Paginator

from cases.filters import CaseLibraryFilter, library_filter_fields
from cases.search.log import case_search_record
from cases.search.results import CaseLine, case_search_page
from cases.selectors import live_cases

PAGE_SIZE = 20


def case_library_listing(request, library) -> dict:
    """The template context of the library page (and its search) for this request."""
    filterset = CaseLibraryFilter(
        request.GET or None, queryset=live_cases().descendant_of(library), request=request
    )
    scope = filterset.qs  # validates the form: the query is known after it
    query = filterset.query
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": filterset.form,
        "filter_fields": library_filter_fields(filterset),
        "query": query,
        "params": params.urlencode(),
    }
    if query:
        # Ranked by relevance among the cases the other filters keep (cases/search/).
        found = case_search_page(
            scope,
            query,
            request=request,
            page=request.GET.get("page"),
            narrowed=filterset.narrowed,
        )
        page = found.page
        record = case_search_record(
            query=query,
            words=found.words,
            results=found.total,
            team_id=getattr(request.user, "team_id", None),
        )
        context.update(
            suggestions=found.suggestions,
            search_id=record.pk,
            capped=found.capped,
        )
    else:
        # The list shows titles and tags: leave each case's text and masking record in
        # the database (about 8 KB a case, and the text's blocks built for nothing).
        cases = CaseLine.cases(scope.order_by("-first_published_at", "-pk"))
        page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = [CaseLine.of(case, request) for case in page]
    read_ids = set(
        request.user.case_reads.filter(case__in=[c.pk for c in page]).values_list(
            "case_id", flat=True
        )
    )
    search_id = context.get("search_id")
    items = [line.item_html(read=line.pk in read_ids, search_id=search_id) for line in page]
    context.update(cases=page, case_items=items)
    return context

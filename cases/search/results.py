"""
One page of search results for the library page: the ranked cases among those the filters
keep, a snippet for each, and, when nothing matches, the query's words that do find cases
(the nearest searches to try). A fixed number of queries whatever the library's size.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from cases.search.ranking import Plan, ranked_case_ids, search_plan
from cases.search.snippets import snippet
from lms.search.analysis import bigrams, is_cjk


@dataclass
class SearchPage:
    page: Page
    plan: Plan
    snippets: dict[int, str] = field(default_factory=dict)
    suggestions: list[tuple[str, int]] = field(default_factory=list)
    capped: bool = False  # more cases may match: the total counts the best of them

    @property
    def total(self) -> int:
        return self.page.paginator.count


def _page_number(raw) -> int:
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def case_search_page(
    scope, query: str, *, page=None, page_size: int = 20, narrowed: bool = True
) -> SearchPage:
    """Page `page` of the cases in `scope` (CasePage queryset, filters applied) for `query`;
    `narrowed` when a filter narrowed the scope (cases.search.ranking.ranked_case_ids)."""
    plan = search_plan(query, db=scope.db)
    number = _page_number(page)
    offset = (number - 1) * page_size
    ids, total, capped = ranked_case_ids(
        plan, scope, limit=page_size, offset=offset, narrowed=narrowed
    )
    if not ids and total == 0 and number > 1:  # past the end: show the last page
        ids, total, capped = ranked_case_ids(
            plan, scope, limit=page_size, offset=0, narrowed=narrowed
        )
        number = 1
    paginator = Paginator(range(total), page_size)
    if total and number > paginator.num_pages:
        number = paginator.num_pages
        offset = (number - 1) * page_size
        ids, total, capped = ranked_case_ids(
            plan, scope, limit=page_size, offset=offset, narrowed=narrowed
        )
    by_id = {
        case.pk: case
        for case in scope.model.objects.using(scope.db)
        .filter(pk__in=ids)
        .select_related("scenario", "product")
        .defer("body", "masked_pii")
    }
    cases = [by_id[pk] for pk in ids if pk in by_id]
    result = SearchPage(page=Page(cases, number, paginator), plan=plan, capped=capped)
    terms = plan.highlight_terms()
    terms += [b for t in terms if is_cjk(t) and len(t) >= 3 for b in bigrams(t)]
    for case in cases:
        result.snippets[case.pk] = snippet(case.search_text, terms)
    if not total:
        result.suggestions = sorted(
            ((c.word, c.frequency) for c in plan.concepts if c.frequency),
            key=lambda item: (-item[1], item[0]),
        )[:4]
    return result

"""
One page of search results for the library page: the ranked cases among those the filters
keep, each as the line the page shows (title, address, tags, a snippet), and, when nothing
matches, the query's words that do find cases (the nearest searches to try). A fixed
number of queries whatever the library's size.

The finished page is kept in the shared cache for the search index's generation, as search
engines keep a query's result list until their index changes: agents in a centre search for
the same few problems all day, and ranking, reading the cases and marking the snippets is
most of a search's cost at size. The key is everything the page depends on (the query as
typed, the filtered scope's SQL, the page, the language, the site); any change to a case's
terms, publication, date, place or tags, to a synonym group or to the scenario and product
lists moves the generation on (cases.models).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from cases.search import SEARCH_GENERATION_KEY
from cases.search.ranking import ranked_case_ids, search_plan
from cases.search.snippets import snippet
from lms.generations import generation_cached
from lms.search.analysis import bigrams, is_cjk

KEPT_SECONDS = 10 * 60  # a kept page at most this long, whatever the generation


@dataclass(frozen=True)
class CaseLine:
    """A case as a list of cases shows it (the library's list and its search results)."""

    pk: int
    slug: str
    title: str
    url: str
    scenario: str
    channel: str  # its label, in the language the line was made in
    difficulty: str
    product: str
    published: dt.datetime | None
    snippet: str = ""  # HTML: the case's text escaped, the matched words marked

    # The columns a line reads (its address needs only `url_path`): a case page row holds
    # some 40 columns of Wagtail's page and the case's text; building 20 of them in full was
    # a fifth of a search's time at size L.
    FIELDS = (
        "pk", "slug", "title", "url_path", "channel", "difficulty", "first_published_at",
        "scenario__name", "product__name",
    )  # fmt: skip

    @classmethod
    def cases(cls, queryset, *, text: bool = False):
        """`queryset` (of CasePage) reading only what lines show; `text` adds the text a
        snippet is cut from."""
        fields = cls.FIELDS + (("search_text",) if text else ())
        return queryset.select_related("scenario", "product").only(*fields)

    @classmethod
    def of(cls, case, request, snippet_html: str = "") -> "CaseLine":
        return cls(
            pk=case.pk,
            slug=case.slug,
            title=case.title,
            url=case.get_url(request) or "",
            scenario=case.scenario.name if case.scenario_id else "",
            channel=str(case.get_channel_display()),
            difficulty=str(case.get_difficulty_display()),
            product=case.product.name if case.product_id else "",
            published=case.first_published_at,
            snippet=snippet_html,
        )

    def item_html(self, *, read: bool, search_id=None) -> SafeString:
        """The line as the library's list shows it (case_library_page.html places each):
        built here, not in the template's loop, whose 20 lines of lookups, conditions and
        a date cost about a millisecond, a tenth of a kept search. Everything is escaped
        (format_html); the snippet was escaped when it was cut."""
        address = self.url + (f"?search={int(search_id)}" if search_id else "")
        product = format_html(' <span class="chip">{}</span>', self.product) if self.product else ""
        read_badge = (
            format_html(' <span class="badge badge--ok">{}</span>', _("Read")) if read else ""
        )
        day = (
            dateformat.format(timezone.localtime(self.published), "Y-m-d") if self.published else ""
        )
        snippet = (
            # Made by cases.search.snippets: the case's text escaped, the matches marked.
            format_html('<p class="case-item__snippet">{}</p>', mark_safe(self.snippet))  # noqa: S308
            if self.snippet
            else ""
        )
        return format_html(
            '<li class="card case-item{}"><a class="case-item__title" href="{}">{}</a>{}'
            '<p class="case__tags"><span class="chip">{}</span> <span class="chip">{}</span>'
            ' <span class="chip">{}</span>{}{} <span class="muted small">{}</span></p></li>',
            " is-read" if read else "",
            address,
            self.title,
            snippet,
            self.scenario,
            self.channel,
            self.difficulty,
            product,
            read_badge,
            day,
        )


@dataclass
class SearchPage:
    page: Page  # of CaseLine
    words: list[str]
    suggestions: list[tuple[str, int]] = field(default_factory=list)
    capped: bool = False  # more cases may match: the total counts the best of them

    @property
    def total(self) -> int:
        return self.page.paginator.count


@dataclass(frozen=True)
class _Found:
    """What the cache keeps of a search page."""

    lines: list[CaseLine]
    number: int
    total: int
    words: list[str]
    suggestions: list[tuple[str, int]]
    capped: bool


def _page_number(raw) -> int:
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def case_search_page(
    scope, query: str, *, request=None, page=None, page_size: int = 20, narrowed: bool = True
) -> SearchPage:
    """Page `page` of the cases in `scope` (CasePage queryset, filters applied) for `query`;
    `narrowed` when a filter narrowed the scope (cases.search.ranking.ranked_case_ids);
    addresses for `request`'s site."""
    number = _page_number(page)
    scope_sql = scope.order_by().values("pk").query.sql_with_params()
    site = Site.find_for_request(request) if request is not None else None
    key = repr(
        (query, scope.db, scope_sql, number, page_size, narrowed, get_language(), site and site.pk)
    )
    found = generation_cached(
        SEARCH_GENERATION_KEY,
        "cases:search:page:" + hashlib.sha256(key.encode()).hexdigest(),
        lambda: _found(scope, query, request, number, page_size, narrowed),
        KEPT_SECONDS,
    )
    paginator = Paginator(range(found.total), page_size)
    return SearchPage(
        page=Page(found.lines, found.number, paginator),
        words=found.words,
        suggestions=found.suggestions,
        capped=found.capped,
    )


def _found(scope, query, request, number, page_size, narrowed) -> _Found:
    plan = search_plan(query, db=scope.db)

    def ranked(number):
        offset = (number - 1) * page_size
        return ranked_case_ids(plan, scope, limit=page_size, offset=offset, narrowed=narrowed)

    ids, total, capped = ranked(number)
    if not ids and total == 0 and number > 1:  # past the end: show the last page
        number = 1
        ids, total, capped = ranked(number)
    if total and number > (last := -(-total // page_size)):
        number = last
        ids, total, capped = ranked(number)
    by_id = {
        case.pk: case
        for case in CaseLine.cases(
            scope.model.objects.using(scope.db).filter(pk__in=ids), text=True
        )
    }
    terms = plan.highlight_terms()
    terms += [b for t in terms if is_cjk(t) and len(t) >= 3 for b in bigrams(t)]
    lines = [
        CaseLine.of(by_id[pk], request, str(snippet(by_id[pk].search_text, terms)))
        for pk in ids
        if pk in by_id
    ]
    suggestions = []
    if not total:
        suggestions = sorted(
            ((c.word, c.frequency) for c in plan.concepts if c.frequency),
            key=lambda item: (-item[1], item[0]),
        )[:4]
    return _Found(lines, number, total, plan.words, suggestions, capped)

"""
Proving that a page's query count does not grow with the data. Later features use this for
every list page: grow the data, fetch the page at two sizes, compare the counts.
"""

from collections.abc import Callable

from django.db import connection
from django.http.response import HttpResponseBase
from django.test.utils import CaptureQueriesContext

from lms.person_rows import academy_changed


def count_queries(action: Callable[[], object]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_queries_constant(
    fetch: Callable[[], HttpResponseBase],
    grow: Callable[[int], None],
    sizes: tuple[int, int] = (3, 30),
    status: int = 200,
) -> tuple[int, int]:
    """
    Call grow(n) to bring the data to size n, then fetch(); do it for both sizes and fail,
    showing the extra queries, when the counts differ. fetch() returns the response, and
    each must have `status`: a refusal or a redirect is cheap at every size, so equal counts
    of 403s prove nothing about the page. Returns both counts.
    """

    def fetch_checked():
        response = fetch()
        code = getattr(response, "status_code", None)
        if code != status:
            raise AssertionError(f"the page answered {code!r}, not {status}: {response!r}")
        return response

    def fetch_built():
        # A kept page part (lms.kept_pages) would answer in a couple of queries at any size:
        # made stale, the count is of the page built, as a first visit or one after a change.
        academy_changed()
        return fetch_checked()

    small, large = sizes
    grow(small)
    # Warm caches (content types, permissions) after each growth, so both runs compare like
    # with like: growing may itself clear a cache (new people move the permission cache on).
    fetch_checked()
    small_count, small_sql = count_queries(fetch_built)
    grow(large)
    fetch_checked()
    large_count, large_sql = count_queries(fetch_built)
    if small_count != large_count:
        extra = "\n".join(sql for sql in large_sql if sql not in small_sql)[:3000]
        raise AssertionError(
            f"query count grew with the data: {small_count} at size {small}, "
            f"{large_count} at size {large}. Queries only in the larger run:\n{extra}"
        )
    return small_count, large_count

"""
The search log: every search in the case library, and the case opened from it. It is
written while the results page is read, the one write a GET makes here: a record of the
request itself, like an access log, not a change to anything a reader sees. That is why it
lives beside the search rather than in cases.services, which reads never call.
"""

from cases.models import CasePage, CaseSearch
from lms.transactions import commit_without_waiting


def case_search_record(*, query: str, words: list[str], results: int, team_id) -> CaseSearch:
    """What was typed, how many cases it found, the searcher's team; never who searched.
    An access log's line: its commit does not wait for the disk (lms.transactions)."""
    with commit_without_waiting():
        return CaseSearch.objects.create(
            query=query[:100], words=" ".join(words)[:200], results=results, team_id=team_id
        )


def case_search_opened(*, search_id, case: CasePage) -> bool:
    """The case opened from a search's results (the first one only); False when unknown."""
    try:
        search_id = int(search_id)
    except (TypeError, ValueError):
        return False
    return bool(
        CaseSearch.objects.filter(pk=search_id, opened_case__isnull=True).update(opened_case=case)
    )

"""
The case search's index: every term of a case (lms.search.analysis.index_terms) with the
term-frequency part of BM25, and the sound of every term for the typo look-up.

BM25's length normalisation uses a fixed typical case length rather than the library's
running average, so saving one case never rewrites the weights of every other case.

How many cases hold each term (its document frequency, BM25's idf) is kept in a small table
of its own, `SearchTermFrequency`, changed by the same transaction that changes a case's
postings: a search reads a query's handful of frequencies from it rather than counting the
postings of common words, which at 20,000 cases is every case for 客户. The row of the empty
term holds how many cases are indexed.
"""

from collections import Counter

from django.db import connections, transaction

from cases.search import SEARCH_GENERATION_KEY
from lms.generations import generation_bump
from lms.search.analysis import index_terms, pinyin_key

K1 = 1.2
B = 0.75
TYPICAL_LENGTH = 400  # terms in a case; the demo cases average 409
MAX_TERM = 32


def posting_weights(terms: Counter) -> dict[str, int]:
    """Each term's BM25 term-frequency part, times 1000, as an integer."""
    length = sum(terms.values())
    norm = K1 * (1 - B + B * length / TYPICAL_LENGTH)
    return {
        term: round(1000 * tf * (K1 + 1) / (tf + norm))
        for term, tf in terms.items()
        if len(term) <= MAX_TERM
    }


def case_postings(text: str) -> dict[str, int]:
    return posting_weights(index_terms(text))


def sounds_ensure(terms, *, model=None) -> None:
    """Record the pinyin of terms not seen before (one query when there are none)."""
    from cases.models import SearchTermSound as current

    SearchTermSound = model or current  # a migration passes its historical model

    terms = list(terms)
    known = set()
    for start in range(0, len(terms), 500):
        chunk = terms[start : start + 500]
        known |= set(SearchTermSound.objects.filter(term__in=chunk).values_list("term", flat=True))
    new = [
        SearchTermSound(term=term, pinyin=key)
        for term in terms
        if term not in known and (key := pinyin_key(term))
    ]
    SearchTermSound.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)


LIBRARY = ""  # the frequency row that counts the indexed cases
FREQUENCY_TABLE = "cases_searchtermfrequency"


def _frequencies_add(terms, step: int, db: str) -> None:
    """Each term's case count moved by `step` (+1 or -1), one statement for all of them.
    An upsert rather than read-then-write, so two cases saved at once both count."""
    terms = sorted(set(terms))
    if not terms:
        return
    with connections[db].cursor() as cursor:
        for start in range(0, len(terms), 500):
            chunk = terms[start : start + 500]
            if step > 0:
                values = ", ".join(["(%s, 1)"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {FREQUENCY_TABLE} (term, cases) VALUES {values}"  # noqa: S608
                    f" ON CONFLICT (term) DO UPDATE SET cases = {FREQUENCY_TABLE}.cases + 1",
                    chunk,
                )
            else:
                cursor.execute(
                    f"UPDATE {FREQUENCY_TABLE} SET cases = cases - 1"  # noqa: S608
                    f" WHERE cases > 0 AND term IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )


def case_index_update(case, *, models=None) -> None:
    """The case's postings made to match its text (case.search_text), and the frequencies of
    the terms it gained or lost. Migration 0005 passes its historical (CaseSearchTerm,
    SearchTermSound) and no frequencies (0006 counts them from the postings)."""
    from cases.models import CaseSearchTerm, SearchTermSound

    posting_model, sound_model = models or (CaseSearchTerm, SearchTermSound)
    postings = case_postings(case.search_text)
    db = posting_model.objects.db
    with transaction.atomic(using=db):
        held = posting_model.objects.filter(case_id=case.pk)
        old = set(held.values_list("term", flat=True)) if models is None else set()
        held.delete()
        posting_model.objects.bulk_create(
            [posting_model(case_id=case.pk, term=t, weight=w) for t, w in postings.items()],
            batch_size=1000,
        )
        if models is None:
            new = set(postings)
            gained, lost = new - old, old - new
            if new and not old:
                gained.add(LIBRARY)
            elif old and not new:
                lost.add(LIBRARY)
            _frequencies_add(gained, +1, db)
            _frequencies_add(lost, -1, db)
    sounds_ensure(postings, model=sound_model)


def case_index_remove(case_id: int, *, db: str = "default") -> None:
    """Before a case is deleted (its postings go with it): its terms count one case less."""
    from cases.models import CaseSearchTerm

    terms = list(
        CaseSearchTerm.objects.using(db).filter(case_id=case_id).values_list("term", flat=True)
    )
    if terms:
        _frequencies_add([*terms, LIBRARY], -1, db)


def frequencies_rebuild(*, db: str = "default") -> None:
    """Every term's case count from the postings themselves: after a bulk build (the synthetic
    centre, a rebuild of the index) and in migration 0006. Two statements."""
    with connections[db].cursor() as cursor, transaction.atomic(using=db):
        cursor.execute(f"DELETE FROM {FREQUENCY_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FREQUENCY_TABLE} (term, cases)"  # noqa: S608
            " SELECT term, COUNT(*) FROM cases_casesearchterm GROUP BY term"
            " UNION ALL SELECT %s, COUNT(DISTINCT case_id) FROM cases_casesearchterm",
            [LIBRARY],
        )
    generation_bump(SEARCH_GENERATION_KEY)  # bulk inserts send no signal


def cases_index_rebuild(cases) -> int:
    """Every given case indexed again (after a change to the analysis); returns how many."""
    done = 0
    for case in cases:
        case_index_update(case)
        done += 1
    frequencies_rebuild()
    return done

"""
The case search's index: every term of a case (lms.search.analysis.index_terms) with the
term-frequency part of BM25, and the sound of every term for the typo look-up.

BM25's length normalisation uses a fixed typical case length rather than the library's
running average, so saving one case never rewrites the weights of every other case.
"""

from collections import Counter

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


def case_index_update(case, *, models=None) -> None:
    """The case's postings made to match its text (case.search_text). A migration passes
    its historical (CaseSearchTerm, SearchTermSound)."""
    from cases.models import CaseSearchTerm, SearchTermSound

    posting_model, sound_model = models or (CaseSearchTerm, SearchTermSound)
    postings = case_postings(case.search_text)
    posting_model.objects.filter(case_id=case.pk).delete()
    posting_model.objects.bulk_create(
        [posting_model(case_id=case.pk, term=t, weight=w) for t, w in postings.items()],
        batch_size=1000,
    )
    sounds_ensure(postings, model=sound_model)


def cases_index_rebuild(cases) -> int:
    """Every given case indexed again (after a change to the analysis); returns how many."""
    done = 0
    for case in cases:
        case_index_update(case)
        done += 1
    return done

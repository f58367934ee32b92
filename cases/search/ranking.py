"""
A query's plan and its ranked cases.

The plan: the query's words (lms.search.analysis.query_words, filler and question words
gone), each a *concept* met by any of its alternatives: the word itself, the words of its
synonym groups, and, when no case holds the word, terms of the same sound (a pinyin typo).
A Chinese alternative of three characters or more is met by its jieba word or by all its
bigrams (cut differently, the bigrams are the same). Most concepts are required, not all:
two of three, three of four; a concept more than half the library holds (客户) only adds to
the score, as in BM25 it weighs almost nothing anyway.

The ranking: BM25, the sum over matched terms of idf(term) × the case's stored weight for
it, synonyms and sound-alikes counting less than the query's own words; ties go to the newer
case. One SQL statement finds, scores, counts and pages the cases among those the filters
keep; its arithmetic is on integers, so SQLite and PostgreSQL order alike.
"""

import math
from dataclasses import dataclass, field

from django.db import connections

from cases.search.synonyms import synonym_map
from lms.search.analysis import bigrams, is_cjk, pinyin_key, query_words

OWN, SYNONYM, SOUND = 100, 70, 60  # how much an alternative counts, in percent
COMMON_SHARE = 0.5
COMMON_FROM = 10  # cases: in a smaller library every word is in half of them
MAX_SOUNDS = 4


@dataclass
class Alternative:
    text: str
    boost: int

    @property
    def long(self) -> bool:
        return is_cjk(self.text) and len(self.text) >= 3

    @property
    def terms(self) -> list[str]:
        return [*bigrams(self.text), self.text] if self.long else [self.text]


@dataclass
class Concept:
    word: str
    alternatives: list[Alternative]
    required: bool = True
    frequency: int = 0  # cases holding it (the largest of its alternatives)


@dataclass
class Plan:
    words: list[str]
    concepts: list[Concept] = field(default_factory=list)
    required: int = 0
    weights: dict[str, int] = field(default_factory=dict)  # term → idf × boost, integer
    frequencies: dict[str, int] = field(default_factory=dict)

    @property
    def searchable(self) -> bool:
        return bool(self.concepts) and self.required > 0

    def highlight_terms(self) -> list[str]:
        """What to mark in a snippet: every alternative that some case holds, longest first."""
        found = {
            alt.text
            for concept in self.concepts
            for alt in concept.alternatives
            if self.alternative_frequency(alt)
        }
        return sorted(found, key=len, reverse=True)

    def alternative_frequency(self, alt: Alternative) -> int:
        df = self.frequencies
        if alt.long:
            return max(df.get(alt.text, 0), min(df.get(t, 0) for t in bigrams(alt.text)))
        return df.get(alt.text, 0)


def _frequencies(terms, db) -> dict[str, int]:
    from django.db.models import Count

    from cases.models import CaseSearchTerm

    rows = (
        CaseSearchTerm.objects.using(db)
        .filter(term__in=sorted(set(terms)))
        .values("term")
        .annotate(n=Count("case_id"))
        .values_list("term", "n")
    )
    return dict(rows)


def _sound_alikes(words: list[str], db) -> dict[str, list[str]]:
    """For each word no case holds, the terms of the same sound some case holds."""
    from cases.models import SearchTermSound

    keys = {pinyin_key(word): word for word in words}
    found: dict[str, list[str]] = {}
    rows = SearchTermSound.objects.using(db).filter(pinyin__in=list(keys)).order_by("term")
    for term, key in rows.values_list("term", "pinyin"):
        if term != keys[key]:
            found.setdefault(keys[key], []).append(term)
    return found


def search_plan(query: str, *, db: str = "default") -> Plan:
    from cases.models import CasePage

    synonyms = synonym_map()  # first: its words join jieba's dictionary before the cut
    plan = Plan(words=query_words(query))
    for word in plan.words:
        if is_cjk(word) and len(word) == 1:
            continue  # a single character says too little to require or to score
        alternatives = [Alternative(word, OWN)]
        alternatives += [Alternative(s, SYNONYM) for s in synonyms.get(word, ())]
        plan.concepts.append(Concept(word, alternatives))
    if not plan.concepts:
        return plan
    terms = {t for c in plan.concepts for a in c.alternatives for t in a.terms}
    plan.frequencies = _frequencies(terms, db)
    unknown = [
        c.word
        for c in plan.concepts
        if is_cjk(c.word) and not any(plan.alternative_frequency(a) for a in c.alternatives)
    ]
    if unknown:
        sounds = _sound_alikes(unknown, db)
        for concept in plan.concepts:
            for term in sounds.get(concept.word, [])[:MAX_SOUNDS]:
                concept.alternatives.append(Alternative(term, SOUND))
        new_terms = {t for alts in sounds.values() for t in alts} - terms
        if new_terms:
            plan.frequencies |= _frequencies(new_terms, db)
    cases = CasePage.objects.using(db).count()
    for concept in plan.concepts:
        concept.frequency = max(plan.alternative_frequency(a) for a in concept.alternatives)
        concept.required = cases < COMMON_FROM or concept.frequency <= COMMON_SHARE * cases
    if not any(c.required for c in plan.concepts):
        for concept in plan.concepts:
            concept.required = True
    wanted = sum(c.required for c in plan.concepts)
    plan.required = wanted if wanted <= 2 else math.ceil(wanted * 2 / 3)
    for concept in plan.concepts:
        for alt in concept.alternatives:
            for term in alt.terms:
                df = plan.frequencies.get(term, 0)
                if not df:
                    continue
                idf = math.log(1 + (cases - df + 0.5) / (df + 0.5))
                weight = round(idf * alt.boost * 10)
                plan.weights[term] = max(plan.weights.get(term, 0), weight)
    return plan


def _alternative_sql(alt: Alternative, params: list) -> str:
    if not alt.long:
        params.append(alt.text)
        return "MAX(CASE WHEN p.term = %s THEN 1 ELSE 0 END) = 1"
    parts = bigrams(alt.text)
    params.append(alt.text)
    params.extend(parts)
    params.append(len(parts))
    return (
        "(MAX(CASE WHEN p.term = %s THEN 1 ELSE 0 END) = 1 OR "
        f"SUM(CASE WHEN p.term IN ({', '.join(['%s'] * len(parts))}) THEN 1 ELSE 0 END) >= %s)"
    )


def ranked_case_ids(plan: Plan, scope, *, limit: int, offset: int = 0) -> tuple[list, int]:
    """
    The ids of the cases in `scope` (a CasePage queryset, the filters applied) that meet
    the plan, best first, `limit` from `offset`, and how many meet it in all.
    """
    if not plan.searchable or not plan.weights:
        return [], 0
    db = scope.db
    scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    params: list = []
    score_cases = " ".join("WHEN %s THEN %s" for _ in plan.weights)
    for term, weight in plan.weights.items():
        params += [term, weight]
    matched = []
    for concept in plan.concepts:
        if not concept.required:
            continue
        conditions = " OR ".join(_alternative_sql(a, params) for a in concept.alternatives)
        matched.append(f"(CASE WHEN {conditions} THEN 1 ELSE 0 END)")
    matched_sql = " + ".join(matched)
    having_params = list(params[2 * len(plan.weights) :])
    terms = list(plan.weights)
    # Only placeholders and fixed SQL are joined here; every value goes in as a parameter.
    sql = (
        "SELECT r.case_id, r.score, COUNT(*) OVER () AS total FROM ("  # noqa: S608
        f" SELECT p.case_id AS case_id, SUM(CASE p.term {score_cases} ELSE 0 END * p.weight)"
        " AS score"
        " FROM cases_casesearchterm p"
        f" WHERE p.term IN ({', '.join(['%s'] * len(terms))})"
        f" AND p.case_id IN ({scope_sql})"
        " GROUP BY p.case_id"
        f" HAVING {matched_sql} >= %s"
        ") r JOIN wagtailcore_page pg ON pg.id = r.case_id"
        " ORDER BY r.score DESC, (pg.first_published_at IS NULL),"
        " pg.first_published_at DESC, r.case_id DESC"
        " LIMIT %s OFFSET %s"
    )
    all_params = [
        *params[: 2 * len(plan.weights)],
        *terms,
        *scope_params,
        *having_params,
        plan.required,
        limit,
        offset,
    ]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, all_params)
        rows = cursor.fetchall()
    total = rows[0][2] if rows else 0
    return [row[0] for row in rows], total

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

At size, a common word's postings are most of the library (客户 is in all 20,000 cases, 退款
in 7,000), and reading them all is what made a search slow. So the statement reads each
term's best PER_TERM postings only (by weight, from an index kept in that order: a rare
term's postings are all of them), keeps the CANDIDATES cases meeting most required concepts
and scoring best on those, and only
then scores them exactly on every term and checks the required concepts. The few cases a
common word holds only in passing can fall out of a very broad query's candidates; they are
the ones BM25 would rank last. Document frequencies come from their own small table.
"""

import math
from dataclasses import dataclass, field

from django.db import connections

from cases.search.index import LIBRARY
from cases.search.synonyms import synonym_map
from lms.search.analysis import bigrams, is_cjk, pinyin_key, query_words

OWN, SYNONYM, SOUND = 100, 70, 60  # how much an alternative counts, in percent
COMMON_SHARE = 0.5
COMMON_FROM = 10  # cases: in a smaller library every word is in half of them
MAX_SOUNDS = 4
PER_TERM = 500  # postings read of each term, its best by weight
CANDIDATES = 200  # cases scored exactly; a search lists at most this many


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
    cases: int = 0  # cases in the index

    @property
    def truncated(self) -> bool:
        """Whether some term has more postings than the search reads."""
        return any(self.frequencies.get(term, 0) > PER_TERM for term in self.read_weights)

    @property
    def searchable(self) -> bool:
        return bool(self.concepts) and self.required > 0

    @property
    def read_weights(self) -> dict[str, int]:
        """The terms the statement reads, with their weights: a term in every case (客户,
        顾客's 客户) weighs 0, so its postings change no score, and unless it meets a required
        concept (when every word is that common) reading them is wasted: 500 postings of
        a word agents type in half their questions."""
        required = {
            term
            for concept in self.concepts
            if concept.required
            for alt in concept.alternatives
            for term in alt.terms
        }
        return {t: w for t, w in self.weights.items() if w or t in required}

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
    """How many cases hold each term, and (under LIBRARY) how many are indexed: one query
    on the frequency table (cases.search.index keeps it)."""
    from cases.models import SearchTermFrequency

    rows = (
        SearchTermFrequency.objects.using(db)
        .filter(term__in=sorted({*terms, LIBRARY}))
        .values_list("term", "cases")
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
    plan.cases = plan.frequencies.pop(LIBRARY, 0)
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
            plan.frequencies.pop(LIBRARY, None)
    cases = plan.cases
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


def _alternative_sql(alt: Alternative, params: list, alias: str = "p") -> str:
    if not alt.long:
        params.append(alt.text)
        return f"MAX(CASE WHEN {alias}.term = %s THEN 1 ELSE 0 END) = 1"
    parts = bigrams(alt.text)
    params.append(alt.text)
    params.extend(parts)
    params.append(len(parts))
    return (
        f"(MAX(CASE WHEN {alias}.term = %s THEN 1 ELSE 0 END) = 1 OR "
        f"SUM(CASE WHEN {alias}.term IN ({', '.join(['%s'] * len(parts))}) THEN 1 ELSE 0 END)"
        " >= %s)"
    )


def _matched_sql(plan: Plan, params: list, alias: str) -> str:
    """How many of the required concepts a case meets, in its postings under `alias`."""
    matched = []
    for concept in plan.concepts:
        if not concept.required:
            continue
        conditions = " OR ".join(_alternative_sql(a, params, alias) for a in concept.alternatives)
        matched.append(f"(CASE WHEN {conditions} THEN 1 ELSE 0 END)")
    return " + ".join(matched)


def _score_sql(alias: str, weights: dict[str, int], params: list) -> str:
    for term, weight in weights.items():
        params += [term, weight]
    cases_sql = " ".join("WHEN %s THEN %s" for _ in weights)
    return f"SUM(CASE {alias}.term {cases_sql} ELSE 0 END * {alias}.weight)"


def _hits_sql(plan: Plan, params: list, scoped: bool) -> str:
    """
    Each term's postings, a common term's best PER_TERM only (in the order of the index
    case_search_term_best, so the read stops there), as
    (case, its score for the term, the number of the required concept the term meets or 0):
    enough to choose the candidates with two cheap sums. `scoped`: each term's postings are
    those of the cases in the statement's `scope` (ranked_case_ids).
    """
    concept_of: dict[str, int] = {}
    required = [c for c in plan.concepts if c.required]
    for number, concept in enumerate(required, start=1):
        for alt in concept.alternatives:  # the word itself: its bigrams score, not count
            concept_of.setdefault(alt.text, number)
    parts = []
    for term, weight in plan.read_weights.items():
        select = (
            "SELECT case_id, weight * %s AS s, %s AS c FROM cases_casesearchterm WHERE term = %s"
        )
        params += [weight, concept_of.get(term, 0), term]
        if scoped:
            select += " AND case_id IN (SELECT id FROM scope)"
        if plan.frequencies.get(term, 0) > PER_TERM:
            select = f"SELECT * FROM ({select} ORDER BY weight DESC, case_id DESC LIMIT %s) t"  # noqa: S608
            params.append(PER_TERM)
        parts.append(select)
    return " UNION ALL ".join(parts)


def ranked_case_ids(
    plan: Plan, scope, *, limit: int, offset: int = 0, narrowed: bool = True
) -> tuple[list, int, bool]:
    """
    The ids of the cases in `scope` (a CasePage queryset, the filters applied) that meet
    the plan, best first, `limit` from `offset`; how many meet it in all; and whether that
    number is only the best CANDIDATES of more.

    `narrowed`: the scope was narrowed by a filter (a scenario, a week), so each term's best
    postings are read among its cases, or a common word's best might all lie outside it.
    Otherwise (the whole live library) it is checked on the candidates only: matching the
    postings read against every case of the library costs more than the rest of the search,
    to drop the odd draft.
    """
    if not plan.searchable or not plan.weights:
        return [], 0, False
    db = scope.db
    scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    params: list = []
    scope_cte = ""
    # PostgreSQL would fold these steps into the statement and plan them per posting.
    materialised = "MATERIALIZED " if connections[db].vendor == "postgresql" else ""
    if narrowed:  # the filtered cases once, every term's postings then matched against them
        scope_cte = f"scope (id) AS {materialised}({scope_sql}), "
        params += scope_params
    hits_sql = _hits_sql(plan, params, narrowed)
    params.append(CANDIDATES)
    # The whole library's scope is checked on the few hundred candidates, before their
    # postings are read: checked on the postings, it ran once a posting.
    kept, kept_cte = "candidates", ""
    if not narrowed:
        kept = "kept"
        kept_cte = f", kept AS {materialised}(SELECT case_id FROM candidates"  # noqa: S608
        kept_cte += f" WHERE case_id IN ({scope_sql}))"
        params += scope_params
    weights = plan.read_weights
    score = _score_sql("p", weights, params)
    terms = list(weights)
    params += terms
    matched = _matched_sql(plan, params, "p")
    params += [plan.required, limit, offset]
    # Only placeholders and fixed SQL are joined here; every value goes in as a parameter.
    sql = (
        f"WITH {scope_cte}hits AS ({hits_sql}),"  # noqa: S608
        " candidates AS ("
        "  SELECT h.case_id FROM hits h GROUP BY h.case_id"
        # Those meeting most required concepts first, on the postings read so far.
        "  ORDER BY COUNT(DISTINCT NULLIF(h.c, 0)) DESC, SUM(h.s) DESC, h.case_id DESC"
        "  LIMIT %s"
        f"){kept_cte}, scored AS ("
        f"  SELECT p.case_id AS case_id, {score} AS score"
        f"  FROM {kept} c JOIN cases_casesearchterm p ON p.case_id = c.case_id"
        f"  WHERE p.term IN ({', '.join(['%s'] * len(terms))})"
        "  GROUP BY p.case_id"
        f"  HAVING {matched} >= %s"
        ")"
        " SELECT r.case_id, r.score, COUNT(*) OVER () AS total,"
        " (SELECT COUNT(*) FROM candidates) AS pool"
        " FROM scored r JOIN wagtailcore_page pg ON pg.id = r.case_id"
        " ORDER BY r.score DESC, (pg.first_published_at IS NULL),"
        " pg.first_published_at DESC, r.case_id DESC"
        " LIMIT %s OFFSET %s"
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = rows[0][2] if rows else 0
    capped = bool(rows) and (plan.truncated or rows[0][3] >= CANDIDATES)
    return [row[0] for row in rows], total, capped

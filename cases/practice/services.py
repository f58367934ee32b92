"""
Writing practice: starting a run, judging a reply, reviewing a finished run. Each is one
transaction on a locked run; the database allows one open run per person and simulation,
and a reply must quote the run's turn number, so a stale or repeated hand-in changes
nothing (the way lms.services.quiz treats attempts).
"""

from __future__ import annotations

import dataclasses

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import PracticeReply, PracticeRun, Simulation
from cases.practice.engine import GOOD_ENDS, customer_next, judge, lines, turn_by_key
from cases.practice.scoring import DIMENSIONS, conversation_scores, reply_marks
from cases.practice.selectors import can_review_practice, open_run_of, runs_reviewable_by
from cases.search.synonyms import synonym_map
from cases.signals import practice_run_scored
from lms.audit import audit_record
from lms.refusals import Refused
from lms.services.golive import golive_refresh
from lms.services.notices import notices_send

MAX_REPLY_CHARS = 1000
OVERRIDE_ACTION = "cases.practice.override"
REVIEW_ACTION = "cases.practice.review"


def practice_run_start(*, user, simulation: Simulation, now=None) -> PracticeRun:
    """Resume the person's open run of this simulation, or start one; the graph is frozen
    into the run and the first turn's clock starts now."""
    now = now or timezone.now()
    existing = open_run_of(user=user, simulation=simulation)
    if existing:
        return existing
    if not simulation.live:
        raise Refused("practice_not_live", _("This simulation is not published."))
    graph = simulation.graph()
    if not graph:
        raise Refused("practice_empty", _("This simulation has no conversation yet."))
    try:
        with transaction.atomic():
            return PracticeRun.objects.create(
                user=user,
                simulation=simulation,
                graph=graph,
                scoring={
                    "pass_score": simulation.pass_score,
                    "weights": simulation.weights(),
                    "forbidden": lines(simulation.forbidden_phrases),
                },
                turn_key=graph[0]["key"],
                customer_text=graph[0]["customer"],
                turn_shown_at=now,
                mood=simulation.start_mood,
                started_at=now,
            )
    except IntegrityError:
        # Another request started one at the same moment: that one is the person's run.
        run = open_run_of(user=user, simulation=simulation)
        if run is None:
            raise
        return run


FINISH_FIELDS = [
    "status", "end_state", "finished_at", "score_attitude", "score_solving",
    "score_compliance", "auto_total", "slow_replies", "passed",
]  # fmt: skip


def _finish(run: PracticeRun, *, end_state: str, now) -> None:
    replies = [{"marks": reply.marks, "seconds": reply.seconds} for reply in run.replies.all()]
    scores = conversation_scores(replies, end_state=end_state, weights=run.scoring["weights"])
    run.status = PracticeRun.Status.FINISHED
    run.end_state = end_state
    run.finished_at = now
    run.score_attitude = scores.attitude
    run.score_solving = scores.solving
    run.score_compliance = scores.compliance
    run.auto_total = scores.total
    run.slow_replies = scores.slow_replies
    run.passed = end_state in GOOD_ENDS and scores.total >= run.scoring["pass_score"]


@transaction.atomic
def practice_reply(*, run_id: int, user, turn_number: int, text: str, now=None) -> PracticeRun:
    """
    Judge one reply on the server: the time since the turn was served, the rule that
    fires, the customer's next turn and mood; at an end, the scores. A reply quoting
    another turn number (a second window, a double click, the back button) is refused and
    changes nothing.
    """
    now = now or timezone.now()
    text = (text or "").strip()
    run = (
        PracticeRun.objects.select_related("simulation")
        .select_for_update(of=("self",))
        .filter(pk=run_id, user=user)
        .first()
    )
    if run is None:
        raise Refused("practice_not_found", _("This practice run does not exist."))
    if not run.is_open:
        raise Refused("practice_finished", _("This conversation has already ended."))
    if turn_number != run.turn_number:
        raise Refused(
            "practice_stale",
            _("This reply was already handed in, or the conversation moved on in another "
              "window. Here is where it stands."),
        )  # fmt: skip
    if not text:
        raise Refused("practice_empty_reply", _("Write a reply first."))
    if len(text) > MAX_REPLY_CHARS:
        raise Refused("practice_long_reply", _("A reply may have at most 1000 characters."))
    turn = turn_by_key(run.graph, run.turn_key) or {"key": run.turn_key, "rules": []}
    seconds = max(0.0, (now - run.turn_shown_at).total_seconds())
    synonyms = synonym_map()
    outcome = judge(turn, text, seconds=seconds, mood=run.mood, synonyms=synonyms)
    marks = reply_marks(text, synonyms=synonyms, forbidden_extra=run.scoring.get("forbidden", ()))
    PracticeReply.objects.create(
        run=run,
        number=run.turn_number,
        turn_key=run.turn_key,
        customer_text=run.customer_text,
        text=text,
        seconds=round(seconds, 1),
        rule_index=outcome.rule_index,
        rule_label=outcome.rule_label,
        feedback=outcome.feedback,
        matched=list(outcome.matched),
        marks=dataclasses.asdict(marks),
        mood_before=run.mood,
        mood_after=outcome.mood,
        next_turn=outcome.next_turn or "",
        end_state=outcome.end_state or "",
        answered_at=now,
    )
    run.mood = outcome.mood
    run.turn_number += 1
    run.turn_shown_at = now
    changed = ["mood", "turn_number", "turn_shown_at"]
    if outcome.end_state:
        _finish(run, end_state=outcome.end_state, now=now)
        changed += FINISH_FIELDS
    else:
        run.turn_key, run.customer_text = customer_next(run.graph, turn, outcome)
        changed += ["turn_key", "customer_text"]
    run.save(update_fields=changed)  # not the frozen graph and scoring, written once at start
    if outcome.end_state:
        practice_run_scored.send(sender=PracticeRun, run=run)
    if run.passed and run.simulation.golive_curricula.exists():
        transaction.on_commit(lambda: golive_refresh(user_id=run.user_id))
    return run


def _score(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        score = int(value)
    except (TypeError, ValueError):
        raise Refused("practice_score", _("Enter scores as whole numbers from 0 to 100.")) from None
    if not 0 <= score <= 100:
        raise Refused("practice_score", _("Enter scores as whole numbers from 0 to 100."))
    return score


@transaction.atomic
def practice_run_review(
    *, run_id: int, reviewer, review: dict, override_total=None, reason: str = "", now=None
) -> PracticeRun:
    """
    QA or a lead of the person's team scores each dimension against the rubric with a
    comment, and may override the automatic total, with a reason: both go to the audit
    trail, and the learner is told.
    """
    now = now or timezone.now()
    if not can_review_practice(reviewer):
        raise Refused("practice_review_denied", _("You may not review practice runs."))
    run = runs_reviewable_by(reviewer).select_for_update(of=("self",)).filter(pk=run_id).first()
    if run is None:
        raise Refused("practice_not_yours", _("You can only review runs of your own team."))
    cleaned = {}
    for dimension in DIMENSIONS:
        given = review.get(dimension) or {}
        cleaned[dimension] = {
            "score": _score(given.get("score")),
            "comment": (given.get("comment") or "").strip()[:1000],
        }
    override = _score(override_total)
    reason = (reason or "").strip()
    if override is not None and override != run.auto_total and not reason:
        raise Refused("reason_required", _("Give a reason for overriding the score."))
    previous_total = run.total if run.total is not None else run.auto_total
    run.review = cleaned
    run.reviewed_by = reviewer
    run.reviewed_at = now
    if override is not None and override != run.auto_total:
        run.total = override
        run.override_reason = reason
    else:
        run.total = None
        run.override_reason = ""
    effective = run.total if run.total is not None else run.auto_total
    run.passed = run.end_state in GOOD_ENDS and effective >= run.scoring["pass_score"]
    run.save()
    practice_run_scored.send(sender=PracticeRun, run=run)
    audit_record(
        run,
        OVERRIDE_ACTION if run.total is not None else REVIEW_ACTION,
        actor=reviewer,
        simulation=run.simulation.title,
        auto=run.auto_total,
        before=previous_total,
        after=effective,
        reason=run.override_reason,
    )
    notices_send(
        users=[run.user],
        kind="practice_reviewed",
        key=f"practice:{run.pk}:{now.timestamp():.6f}",
        params={
            "simulation": run.simulation.title,
            "score": effective,
            "by": reviewer.get_full_name(),
            "overridden": run.total is not None,
        },
        url=reverse("cases:practice_debrief", args=[run.pk]),
    )
    if run.passed and run.simulation.golive_curricula.exists():
        transaction.on_commit(lambda: golive_refresh(user_id=run.user_id))
    return run

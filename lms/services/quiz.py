"""
Quiz attempts, handled entirely on the server: starting draws and fixes the questions,
answers are saved as the learner goes, the time limit is enforced here, and a submission is
graded exactly once however often it arrives.
"""

import datetime as dt
import json
import random
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.formatting import number_display
from lms.generations import generation_cached
from lms.models import Attempt, AttemptItem, Question, QuestionKind, Quiz
from lms.person_rows import ACADEMY_GENERATION_KEY
from lms.refusals import Refused
from lms.selectors.learning import reviewable_items_for
from lms.selectors.quiz import (
    attempt_is_overdue,
    attempt_start_refusal,
    attempts_overdue,
    quiz_standing,
)
from lms.services.golive import golive_refresh
from lms.services.notices import notices_send
from lms.signals import attempt_graded

Status = Attempt.Status
MAX_WRITTEN_LENGTH = 2000
_random = random.SystemRandom()
# Only bounds how long a plan nobody draws from again stays in memory.
DRAW_PLAN_SECONDS = 60 * 60


# --- Starting -----------------------------------------------------------------------


@dataclass(frozen=True)
class _BankQuestion:
    """What an attempt keeps of a question when it is drawn."""

    pk: int
    points: Decimal
    choice_ids: tuple[int, ...]
    answer_key: object


@dataclass(frozen=True)
class _DrawPlan:
    """A quiz's sections, the pools its categories offer, and each question it may draw."""

    sections: tuple[tuple[int | None, int | None, int], ...]
    pools: dict[int, list[int]]
    questions: dict[int, _BankQuestion]


def _draw_plan(quiz: Quiz) -> _DrawPlan:
    """
    Kept in the shared cache under the academy generation (quizzes, their sections,
    questions and choices are the academy's rows, lms.person_rows): the go-live spike starts
    hundreds of attempts at the same quiz at once, and each would read the same pools.
    """
    return generation_cached(
        ACADEMY_GENERATION_KEY,
        f"quiz:draw-plan:{quiz.pk}",
        lambda: _draw_plan_built(quiz),
        DRAW_PLAN_SECONDS,
    )


def _draw_plan_built(quiz: Quiz) -> _DrawPlan:
    sections = tuple(
        quiz.sections.order_by("sort_order", "pk").values_list(
            "question_id", "category_id", "count"
        )
    )
    category_ids = {category_id for _q, category_id, _n in sections if category_id}
    fixed_ids = {question_id for question_id, _c, _n in sections if question_id}
    pools: dict[int, list[int]] = {cid: [] for cid in category_ids}
    questions = {}
    bank = (
        Question.objects.filter(Q(category_id__in=category_ids) | Q(pk__in=fixed_ids))
        .order_by("pk")
        .prefetch_related("choices")
    )
    for question in bank:
        if question.category_id in pools:
            pools[question.category_id].append(question.pk)
        questions[question.pk] = _BankQuestion(
            pk=question.pk,
            points=Decimal(question.points),
            choice_ids=tuple(choice.pk for choice in question.choices.all()),
            answer_key=_answer_key(question),
        )
    return _DrawPlan(sections=sections, pools=pools, questions=questions)


def _draw_questions(quiz: Quiz) -> list[_BankQuestion]:
    """
    The attempt's questions in order: fixed ones, and `count` drawn at random from each
    category section without repeating a question, from the quiz's kept draw plan.
    """
    plan = _draw_plan(quiz)
    drawn: list[int] = []
    seen: set[int] = set()
    for question_id, category_id, count in plan.sections:
        if question_id:
            candidates, count = [question_id], 1
        else:
            candidates = plan.pools[category_id]
        available = [pk for pk in candidates if pk not in seen and pk in plan.questions]
        chosen = _random.sample(available, min(count, len(available)))
        drawn.extend(chosen)
        seen.update(chosen)
    if quiz.shuffle_questions:
        _random.shuffle(drawn)
    return [plan.questions[pk] for pk in drawn]


def _answer_key(question: Question):
    if question.kind == QuestionKind.TRUE_FALSE:
        return question.true_false_answer
    if question.kind == QuestionKind.WRITTEN:
        return None
    return sorted(choice.pk for choice in question.choices.all() if choice.is_correct)


def attempt_start(*, user, quiz: Quiz, now=None) -> Attempt:
    """
    Resume the person's open attempt, or start a new one if the rules allow. Two requests
    racing here get the same attempt: the database allows one open attempt per person and
    quiz (and one attempt per number), and the loser of the race returns the winner's.
    The person's attempts are read once, for all the rules; the draw comes from the quiz's
    kept plan: the go-live spike starts hundreds at once.
    """
    now = now or timezone.now()
    for _try in range(2):
        standing = quiz_standing(user=user, quiz=quiz, now=now)
        open_attempt = standing.open_attempt
        if open_attempt is not None:
            if not attempt_is_overdue(open_attempt, now):
                return open_attempt
            attempt_close(attempt_id=open_attempt.pk, now=now, auto=True)
            standing = quiz_standing(user=user, quiz=quiz, now=now)  # it counts now
        refusal = attempt_start_refusal(standing=standing, quiz=quiz, now=now)
        if refusal:
            raise refusal
        try:
            return _attempt_create(user=user, quiz=quiz, number=standing.next_number, now=now)
        except IntegrityError:
            # Another request took this number or opened an attempt a moment ago: use the
            # open one; if it was handed in already, look again (that one counts now).
            existing = Attempt.objects.filter(
                user=user, quiz=quiz, status=Status.IN_PROGRESS
            ).first()
            if existing is not None:
                return existing
    raise Refused("busy", _("Starting the quiz did not work. Please try again."))


def _attempt_create(*, user, quiz: Quiz, number: int, now) -> Attempt:
    questions = _draw_questions(quiz)
    if not questions:
        raise Refused("empty", _("This quiz has no questions yet."))
    choices_by_question: dict[int, list[int]] = {}
    for question in questions:
        ids = list(question.choice_ids)
        if quiz.shuffle_choices:
            _random.shuffle(ids)
        choices_by_question[question.pk] = ids
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user,
            quiz=quiz,
            number=number,
            started_at=now,
            deadline_at=now + dt.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None,
            pass_mark_percent=quiz.pass_mark_percent,
            max_points=sum(q.points for q in questions),
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(
                attempt=attempt,
                position=position,
                question_id=question.pk,
                choice_order=choices_by_question[question.pk],
                answer_key=question.answer_key,
                max_points=question.points,
            )
            for position, question in enumerate(questions, start=1)
        )
    return attempt


# --- Answering ----------------------------------------------------------------------


def _normalise_response(item: AttemptItem, raw):
    """Check an answer's shape against its question; raise Refused if it is not one."""
    kind = item.question.kind
    invalid = Refused("invalid_answer", _("That answer is not one of the options."))
    if raw in (None, "", []):
        return None
    if kind == QuestionKind.WRITTEN:
        if not isinstance(raw, str):  # a list or an object is no reply (a forged request)
            raise invalid
        text = raw.strip()
        if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text):
            # NUL and the like: PostgreSQL refuses them in JSON, and no reader wants them.
            raise Refused(
                "control_characters",
                _("Replies cannot contain control characters (such as NUL). Retype the reply."),
            )
        if len(text) > MAX_WRITTEN_LENGTH:
            raise Refused(
                "too_long",
                _("Replies can be at most %(max)s characters.") % {"max": MAX_WRITTEN_LENGTH},
            )
        return text
    if kind == QuestionKind.TRUE_FALSE:
        if raw in (True, "true", "1", 1):
            return True
        if raw in (False, "false", "0", 0):
            return False
        raise invalid
    # The page sends positions in this learner's option order, never choice ids.
    values = raw if isinstance(raw, list) else [raw]
    try:
        positions = {int(value) for value in values}
    except (TypeError, ValueError, OverflowError):
        raise invalid from None
    if not all(0 <= position < len(item.choice_order) for position in positions):
        raise invalid
    ids = sorted(item.choice_order[position] for position in positions)
    if kind == QuestionKind.SINGLE and len(ids) != 1:
        raise invalid
    return ids


def _lock_unsubmitted(*, attempt_id: int, user) -> Attempt:
    """Lock the person's own attempt for this transaction; refuse one already handed in."""
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise Refused("not_found", _("This attempt does not exist."))
    if attempt.status != Status.IN_PROGRESS:
        raise Refused("closed", _("This attempt has already been submitted."))
    return attempt


def _stale_refusal() -> Refused:
    return Refused(
        "stale",
        _(
            "Your answers were changed in another window. Reload the page to see the "
            "latest answers before continuing."
        ),
    )


def _locked_open_attempt(*, attempt_id: int, user, revision: int | None, now) -> Attempt:
    attempt = _lock_unsubmitted(attempt_id=attempt_id, user=user)
    if attempt_is_overdue(attempt, now):
        raise Refused("time_up", _("Time is up: answers can no longer be changed."))
    if revision is not None and revision != attempt.revision:
        raise _stale_refusal()
    return attempt


@transaction.atomic
def attempt_save_answers(
    *, attempt_id: int, user, answers: dict[int, object], revision: int | None, now=None
) -> Attempt:
    """
    Save answers ({item id: answer}) to an open attempt and bump its revision. Everything
    is checked before anything is written, so a refused save changes nothing.
    """
    now = now or timezone.now()
    attempt = _locked_open_attempt(attempt_id=attempt_id, user=user, revision=revision, now=now)
    _answers_apply(attempt.items.select_related("question"), answers, now)
    attempt.revision += 1
    attempt.save(update_fields=["revision"])
    return attempt


def _answers_apply(items, answers: dict[int, object], now) -> None:
    """Check every answer against its item, then write them all (one UPDATE); a refused
    answer writes nothing."""
    by_id = {item.pk: item for item in items}
    changed = []
    for item_id, raw in answers.items():
        item = by_id.get(int(item_id))
        if item is None:
            raise Refused("invalid_answer", _("That question is not part of this attempt."))
        item.response = _normalise_response(item, raw)
        item.saved_at = now
        changed.append(item)
    AttemptItem.objects.bulk_update(changed, ["response", "saved_at"])


# --- Submitting and grading ---------------------------------------------------------


def _mark(item: AttemptItem) -> None:
    question = item.question
    response = item.response
    if question.kind == QuestionKind.WRITTEN:
        text = response or ""
        item.script_check = {
            "missing": [p for p in question.phrase_list("required_phrases") if p not in text],
            "forbidden": [p for p in question.phrase_list("forbidden_phrases") if p in text],
        }
        if not text:  # nothing to review: an empty reply scores nothing
            item.points, item.correct = Decimal(0), False
        return
    if question.kind == QuestionKind.TRUE_FALSE:
        right = response is not None and response == item.answer_key
    else:
        right = response is not None and sorted(response) == item.answer_key
    item.correct = right
    item.points = item.max_points if right else Decimal(0)


def attempt_finalise_if_marked(attempt: Attempt, now=None) -> Attempt:
    """Total the points once every item is marked; passes and go-live follow from here."""
    return _finalised(attempt, list(attempt.items.all()), now)


def _finalised(attempt: Attempt, items: list[AttemptItem], now=None, also=()) -> Attempt:
    """`attempt_finalise_if_marked` with its items in hand, saving the fields in `also` in
    the same write (handing in: one UPDATE, one move of the person's generation)."""
    if any(item.points is None for item in items):
        attempt.status = Status.AWAITING_REVIEW
        attempt.save(update_fields=[*also, "status"])
        return attempt
    attempt.points = sum((item.points for item in items), Decimal(0))
    attempt.percent = (
        (attempt.points * 100 / attempt.max_points).quantize(Decimal("0.01"))
        if attempt.max_points
        else Decimal(0)
    )
    attempt.passed = attempt.percent >= attempt.pass_mark_percent
    attempt.status = Status.GRADED
    attempt.graded_at = now or timezone.now()
    attempt.save(update_fields=[*also, "points", "percent", "passed", "status", "graded_at"])

    if attempt.passed:
        transaction.on_commit(
            lambda: golive_refresh(user_id=attempt.user_id, passed_quiz_id=attempt.quiz_id)
        )
    attempt_graded.send(sender=Attempt, attempt=attempt)
    return attempt


def _marks_save(items: list[AttemptItem]) -> None:
    """
    Write the items' marks: one UPDATE for each set of equal marks (right at full points,
    wrong, each written reply with its own script check), a handful for a whole quiz.
    Django's bulk_update builds a CASE branch per item and field, and building it took more
    of handing in than everything else together, at the moment 500 learners hand in.
    """
    alike: dict[tuple, list[int]] = {}
    for item in items:
        check = json.dumps(item.script_check, sort_keys=True, ensure_ascii=False)
        alike.setdefault((item.points, item.correct, check), []).append(item.pk)
    for (points, correct, check), pks in alike.items():
        AttemptItem.objects.filter(pk__in=pks).update(
            points=points, correct=correct, script_check=json.loads(check)
        )


def _close(attempt: Attempt, *, now, auto: bool, items=None, also=()) -> Attempt:
    items = list(attempt.items.select_related("question")) if items is None else items
    for item in items:
        _mark(item)
    _marks_save(items)
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    return _finalised(attempt, items, now, also=[*also, "submitted_at", "auto_submitted"])


@transaction.atomic
def attempt_submit(
    *, attempt_id: int, user, revision: int, answers: dict | None = None, now=None
) -> Attempt:
    """
    Hand in an attempt: apply the final answers and grade it, exactly once. A duplicate or
    stale submission is refused and changes nothing. Past the deadline (and its grace) the
    answers sent now are not accepted: the attempt is graded on what was saved in time.
    The attempt is locked and its items read once, and written once with its new revision.
    """
    now = now or timezone.now()
    attempt = _lock_unsubmitted(attempt_id=attempt_id, user=user)
    items = list(attempt.items.select_related("question"))
    if attempt_is_overdue(attempt, now):
        return _close(attempt, now=now, auto=True, items=items)
    if revision != attempt.revision:
        raise _stale_refusal()
    if not answers:
        return _close(attempt, now=now, auto=False, items=items)
    _answers_apply(items, answers, now)
    attempt.revision += 1
    return _close(attempt, now=now, auto=False, items=items, also=["revision"])


@transaction.atomic
def attempt_close(*, attempt_id: int, now=None, auto: bool = True) -> Attempt | None:
    """Close an open attempt on what has been saved (the overdue sweeper's work)."""
    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_for_update().filter(pk=attempt_id, status=Status.IN_PROGRESS).first()
    )
    if attempt is None:
        return None
    return _close(attempt, now=now, auto=auto)


def attempts_close_overdue(now=None) -> int:
    """Close every attempt abandoned past its deadline; returns how many were closed."""
    now = now or timezone.now()
    overdue = attempts_overdue(now)
    closed = 0
    for attempt_id in overdue.values_list("pk", flat=True):
        if attempt_close(attempt_id=attempt_id, now=now) is not None:
            closed += 1
    return closed


@transaction.atomic
def attempt_item_review(
    *, item_id: int, reviewer, points: Decimal, comment: str = "", now=None
) -> Attempt:
    """A lead or QA scores a written reply with the rubric; the attempt is graded when all are."""
    now = now or timezone.now()
    # Lock the item, then look again: a reply another reviewer scored a moment ago, or one
    # outside this reviewer's reach (their own, another team's), is no longer reviewable.
    AttemptItem.objects.select_for_update().filter(pk=item_id).first()
    item = reviewable_items_for(reviewer).filter(pk=item_id).first()
    if item is None:
        raise Refused("not_reviewable", _("This reply has already been scored."))
    if not Decimal(0) <= points <= item.max_points:
        raise Refused(
            "points", _("Points must be between 0 and %(max)s.") % {"max": item.max_points}
        )
    item.points = points
    item.correct = points == item.max_points
    item.review_comment = comment
    item.reviewed_by = reviewer
    item.reviewed_at = now
    item.save(update_fields=["points", "correct", "review_comment", "reviewed_by", "reviewed_at"])
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=item.attempt_id)
    if attempt.status == Status.AWAITING_REVIEW:
        attempt = attempt_finalise_if_marked(attempt, now)
    _tell_learner(attempt, item, reviewer)
    return attempt


def _tell_learner(attempt: Attempt, item: AttemptItem, reviewer) -> None:
    """The learner hears of each score: the grade once the last reply is scored, else the
    reply's own points."""
    url = reverse("lms:attempt_result", args=[attempt.pk])
    if attempt.status == Status.GRADED:
        notices_send(
            users=[attempt.user_id],
            kind="attempt_graded",
            key=f"attempt_graded:{attempt.pk}",
            params={
                "quiz": attempt.quiz.title,
                "percent": number_display(attempt.percent),
                "passed": bool(attempt.passed),
            },
            url=url,
        )
    else:
        notices_send(
            users=[attempt.user_id],
            kind="reply_scored",
            key=f"reply_scored:{item.pk}",
            params={
                "quiz": attempt.quiz.title,
                "points": number_display(item.points),
                "max": number_display(item.max_points),
                "reviewer": reviewer.get_full_name(),
            },
            url=url,
        )

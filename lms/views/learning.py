"""Learner actions: completing lessons, taking quizzes, reviewing results."""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.kept_pages import KeptUntil, kept_part, kept_render
from lms.models import Attempt, LessonPage, Quiz
from lms.refusals import Refused
from lms.selectors.path import lesson_path
from lms.selectors.quiz import (
    attempt_review_rights,
    attempt_start_refusal,
    quiz_page_changes_at,
    quiz_question_count,
    quiz_result,
    quiz_standing,
)
from lms.selectors.review import attempt_review_items
from lms.services.learning import lesson_complete
from lms.services.quiz import attempt_save_answers, attempt_start, attempt_submit


@require_POST
@login_required
def lesson_mark_complete(request, pk):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    try:
        lesson_complete(user=request.user, lesson=lesson)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(lesson.get_parent().url)
    messages.success(request, _("Lesson “%(title)s” marked as done.") % {"title": lesson.title})
    # Onwards: the next lesson, the rest of the module, the next module or the go-live exam.
    step = lesson_path(user=request.user, lesson=lesson).next_step
    return redirect(step.url if step else lesson.get_parent().url)


@login_required
def quiz_overview(request, pk):
    quiz = get_object_or_404(Quiz, pk=pk)
    # A learner returns to this page between attempts and from the dashboard: kept for them
    # until their attempts, the quiz or its questions change, or a retake wait ends.
    body = kept_part(
        request,
        f"quiz:{quiz.pk}",
        people=[request.user.pk],
        build=lambda: _quiz_overview_body(request.user, quiz),
    )
    return render(request, "lms/quiz_overview.html", {"quiz": quiz, "body": body})


def _quiz_overview_body(user, quiz: Quiz) -> KeptUntil:
    standing = quiz_standing(user=user, quiz=quiz)
    attempts = standing.in_play
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    html = kept_render(
        "lms/quiz_overview_body.html",
        {
            "quiz": quiz,
            "result": quiz_result(user=user, quiz=quiz, attempts=attempts[::-1]),
            "attempts": attempts,
            "open_attempt": open_attempt,
            "refusal": None
            if open_attempt
            else attempt_start_refusal(standing=standing, quiz=quiz),
            "question_count": quiz_question_count(quiz),
        },
    )
    return KeptUntil(html, quiz_page_changes_at(quiz=quiz, attempts=attempts))


@require_POST
@login_required
def quiz_start(request, pk):
    quiz = get_object_or_404(Quiz, pk=pk)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("lms:quiz", pk=quiz.pk)
    return redirect("lms:attempt", pk=attempt.pk)


def _own_attempt(request, pk) -> Attempt:
    attempt = Attempt.objects.select_related("quiz").filter(pk=pk, user=request.user).first()
    if attempt is None:
        raise Http404
    return attempt


_ANSWER_FIELD = re.compile(r"q([0-9]{1,18})(_present)?")


def _answers_from_form(post) -> dict:
    """
    Form fields are named q<item id>; a multiple-choice question also sends q<id>_present
    (so that no box ticked still answers it) and may send several values. Read without the
    items: the service checks every answer against its item when it hands in.
    """
    answers = {}
    for key in post:
        match = _ANSWER_FIELD.fullmatch(key)
        if match is None:
            continue
        field = f"q{match[1]}"
        if f"{field}_present" in post:
            answers[int(match[1])] = post.getlist(field)
        else:
            answers[int(match[1])] = post[field]
    return answers


@login_required
def attempt_take(request, pk):
    attempt = _own_attempt(request, pk)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("lms:attempt_result", pk=attempt.pk)
    items = list(attempt.items.select_related("question").prefetch_related("question__choices"))
    for item in items:
        # Only positions and text reach the page: neither choice ids (whose order could
        # betray the author's) nor whether a choice is correct.
        by_id = {choice.pk: choice.text for choice in item.question.choices.all()}
        chosen = set(item.response) if isinstance(item.response, list) else set()
        item.options = [
            (position, by_id[choice_id], choice_id in chosen)
            for position, choice_id in enumerate(item.choice_order)
            if choice_id in by_id
        ]
    for item in items:
        item.answered = item.response not in (None, "", [])
    seconds_left = None
    if attempt.deadline_at:
        seconds_left = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    return render(
        request,
        "lms/attempt_take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "seconds_left": seconds_left,
            "answered_count": sum(item.answered for item in items),
        },
    )


def _autosave_payload(body: bytes) -> tuple[dict[int, object], int]:
    """
    The autosave's {"revision": n, "answers": {item id: answer}}, or ValueError for anything
    else: not JSON, not an object, a revision that is no whole number, an item id that is
    no database id. What each answer may be is the service's check.
    """
    payload = json.loads(body or b"{}")  # JSONDecodeError and UnicodeDecodeError: ValueError
    if not isinstance(payload, dict) or not isinstance(payload.get("answers", {}), dict):
        raise ValueError
    revision = payload.get("revision")
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise ValueError
    answers = {}
    for key, value in payload.get("answers", {}).items():
        if not (key.isascii() and key.isdigit() and len(key) <= 18):
            raise ValueError
        answers[int(key)] = value
    return answers, revision


@require_POST
@login_required
def attempt_save(request, pk):
    """Autosave from the quiz page: {"revision": n, "answers": {item id: answer}} as JSON.
    The service locks the person's own attempt (another's is "not_found"): read once."""
    try:
        answers, revision = _autosave_payload(request.body)
    except ValueError:
        return JsonResponse(
            {"ok": False, "message": _("The answer could not be read.")}, status=400
        )
    try:
        attempt = attempt_save_answers(
            attempt_id=pk, user=request.user, answers=answers, revision=revision
        )
    except Refused as refusal:
        if refusal.code == "not_found":
            raise Http404 from None
        return JsonResponse(
            {"ok": False, "code": refusal.code, "message": refusal.message}, status=409
        )
    return JsonResponse(
        {
            "ok": True,
            "revision": attempt.revision,
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
        }
    )


@require_POST
@login_required
def attempt_hand_in(request, pk):
    # The service locks the person's own attempt (another's is "not_found"): read once.
    try:
        revision = int(request.POST.get("revision", "-1"))
        attempt = attempt_submit(
            attempt_id=pk,
            user=request.user,
            revision=revision,
            answers=_answers_from_form(request.POST),
        )
    except Refused as refusal:
        if refusal.code == "not_found":
            raise Http404 from None
        messages.error(request, refusal.message)
        if refusal.code == "stale":
            return redirect("lms:attempt", pk=pk)
        return redirect("lms:attempt_result", pk=pk)
    except ValueError:
        if not Attempt.objects.filter(pk=pk, user=request.user).exists():
            raise Http404 from None
        messages.error(request, _("The submission could not be read. Please try again."))
        return redirect("lms:attempt", pk=pk)
    if attempt.auto_submitted:
        messages.warning(
            request, _("Time was up: the answers saved before the deadline have been graded.")
        )
    return redirect("lms:attempt_result", pk=attempt.pk)


@login_required
def attempt_result(request, pk):
    attempt = _own_attempt(request, pk)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect("lms:attempt", pk=attempt.pk)
    result = quiz_result(user=request.user, quiz=attempt.quiz)
    rights = attempt_review_rights(attempt, result)
    return render(
        request,
        "lms/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "result": result,
            "rights": rights,
            "items": attempt_review_items(attempt, rights),
        },
    )

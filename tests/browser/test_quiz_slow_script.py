"""
A quiz page whose script arrives late (a slow connection, a busy phone): the learner picks
an answer and starts a reply before the page's script runs. Neither is lost: once the
script runs, the count shows both and both are saved like any other answer.
"""

import re

from playwright.sync_api import expect

from lms.models import Attempt, AttemptItem
from tests.conftest import build_academy
from tests.factories.learning import build_curriculum, build_quiz, onboard
from tests.factories.people import PASSWORD

REPLY = "您好，非常抱歉让您久等，我马上为您查询。"


def test_answers_given_before_the_quiz_script_runs_are_counted_and_saved(desktop):
    academy = build_academy()
    quiz = build_quiz(singles=1, written=1, title="上线考核", shuffle_questions=False)
    onboard(academy.newhire_a, build_curriculum(modules=1, lessons=1), quiz)
    page = desktop.page
    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    desktop.go(f"/quizzes/{quiz.pk}/")

    # Hold the quiz page's script back until the answers are given (the page's parsed, but
    # a deferred script runs before the page counts as loaded).
    held = []
    page.route("**/js/attempt*.js", lambda route: held.append(route))
    page.get_by_role("button", name="开始测验").click(no_wait_after=True)
    page.get_by_role("radio", name="30秒0").check(no_wait_after=True)
    page.get_by_role("textbox").fill(REPLY, no_wait_after=True)
    navigator = page.get_by_role("navigation", name="题目", exact=True)
    expect(navigator).to_contain_text("已答 0 / 2 题")  # nothing counts them yet
    assert len(held) == 1 and not AttemptItem.objects.exclude(response=None).exists()
    held[0].continue_()

    expect(navigator).to_contain_text("已答 2 / 2 题")
    expect(page.get_by_role("status").first).to_contain_text(re.compile(r"已于 .+ 保存"))
    attempt = Attempt.objects.get(user=academy.newhire_a)
    responses = {
        item.question.kind: item.response
        for item in AttemptItem.objects.filter(attempt=attempt).select_related("question")
    }
    assert responses["written"] == REPLY
    assert responses["single"] is not None
    assert attempt.revision >= 1
    desktop.shot("quiz-slow-script")

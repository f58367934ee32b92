"""
The English walk's check: a page read in English may hold Chinese only where people wrote
it (names, titles, questions, replies, comments, lesson text). Everything the academy
itself says — labels, notices, history reasons, punctuation — must be English; a stored
Chinese sentence or a full-width mark left over fails the test.
"""

import re

from django.utils.html import strip_tags

# Chinese characters and the CJK and full-width punctuation blocks (，。：；（）【】、“ are
# full-width or CJK; the curly quotes “” are English typography and allowed).
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def written_by_people() -> list[str]:
    """Every text a person wrote that a page may show, longest first (to strip it whole)."""
    from wagtail.models import Page

    from lms.models import (
        AttemptItem,
        Choice,
        Cohort,
        LessonPage,
        Question,
        QuestionCategory,
        Quiz,
        Team,
        User,
    )

    texts: set[str] = {"简体中文"}  # the language switch names each language in its own
    texts |= set(Page.objects.values_list("title", flat=True))
    texts |= set(Quiz.objects.values_list("title", flat=True))
    texts |= set(User.objects.values_list("display_name", flat=True))
    texts |= set(Team.objects.values_list("name", flat=True))
    texts |= set(Cohort.objects.values_list("name", flat=True))
    texts |= set(QuestionCategory.objects.values_list("name", flat=True))
    for prompt, explanation, rubric, required, forbidden in Question.objects.values_list(
        "prompt", "explanation", "rubric", "required_phrases", "forbidden_phrases"
    ):
        texts |= {prompt, explanation, rubric}
        texts |= set(re.split(r"[\n,，、;；]", f"{required}\n{forbidden}"))
    for text, feedback in Choice.objects.values_list("text", "feedback"):
        texts |= {text, feedback}
    for response, comment in AttemptItem.objects.values_list("response", "review_comment"):
        texts |= {comment, response if isinstance(response, str) else ""}
    for lesson in LessonPage.objects.all():
        texts.add(lesson.summary)
        texts |= set(strip_tags(str(lesson.body)).split("\n"))
    lines = {line.strip() for text in texts for line in (text or "").split("\n")}
    return sorted((line for line in lines if line), key=len, reverse=True)


def chinese_left(text: str) -> list[str]:
    """What Chinese remains of a page's text once everything people wrote is taken out."""
    for written in written_by_people():
        text = text.replace(written, " ")
    return [line.strip() for line in text.split("\n") if CHINESE.search(line)]


def assert_english(browser, where: str) -> None:
    """Fail when the page as read in English holds Chinese the academy wrote."""
    left = chinese_left(browser.page.locator("body").inner_text())
    assert not left, f"Chinese system text on the English {where}: {left[:8]}"

"""Questions that could never be marked right are refused by the CMS form, in Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from lms.models import Question, QuestionKind
from tests.factories.learning import QuestionCategoryFactory

ADD_URL = "wagtailsnippets_lms_question:add"


@pytest.fixture
def category(db):
    return QuestionCategoryFactory(name="服务标准")


def question_post(category, kind, choices=(), **fields):
    data = {
        "category": category.pk,
        "kind": kind,
        "prompt": "客户发起咨询后，首次响应应在多少秒内？",
        "points": 1,
        "tags": "",
        "true_false_answer": "",
        "required_phrases": "",
        "forbidden_phrases": "",
        "rubric": "",
        "explanation": "",
        "choices": inline_formset(
            [{"text": text, "is_correct": correct, "feedback": ""} for text, correct in choices]
        ),
        **fields,
    }
    return nested_form_data(data)


def post_as_trainer(client, academy, data, language="zh-hans"):
    client.force_login(academy.trainer)
    client.cookies["django_language"] = language
    return client.post(reverse(ADD_URL), data, HTTP_ACCEPT_LANGUAGE=language)


REFUSED = [
    (QuestionKind.SINGLE, [("15秒", False), ("30秒", False)], {}, "单选题必须有且只有一个正确选项"),
    (QuestionKind.SINGLE, [("15秒", True), ("30秒", True)], {}, "单选题必须有且只有一个正确选项"),
    (QuestionKind.SINGLE, [("30秒", True)], {}, "单选题至少需要两个选项"),
    (QuestionKind.MULTIPLE, [("道歉", False), ("共情", False)], {}, "多选题至少需要一个正确选项"),
    (QuestionKind.TRUE_FALSE, [], {}, "请选择该说法正确还是错误"),
    (QuestionKind.WRITTEN, [], {}, "话术简答题至少需要一条必须包含的话术、禁用话术或评分标准"),
]


@pytest.mark.parametrize(("kind", "choices", "fields", "message"), REFUSED)
def test_an_unmarkable_question_is_refused_with_a_chinese_message(
    client, academy, category, kind, choices, fields, message
):
    response = post_as_trainer(client, academy, question_post(category, kind, choices, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Question.objects.count() == 0


def test_the_refusal_reads_in_english_for_an_english_reader(client, academy, category):
    data = question_post(category, QuestionKind.SINGLE, [("15秒", False), ("30秒", False)])
    with translation.override("en"):
        response = post_as_trainer(client, academy, data, language="en")
    assert "A single-choice question needs exactly one correct option." in response.content.decode()
    assert Question.objects.count() == 0


def test_a_deleted_correct_option_does_not_count(client, academy, category):
    data = question_post(category, QuestionKind.SINGLE, [("15秒", True), ("30秒", False)])
    data["choices-0-DELETE"] = "1"
    data["choices-2-text"] = ""  # nothing else
    response = post_as_trainer(client, academy, data)
    assert response.status_code == 200
    assert Question.objects.count() == 0


ACCEPTED = [
    (QuestionKind.SINGLE, [("15秒", False), ("30秒", True)], {}),
    (QuestionKind.MULTIPLE, [("道歉", True), ("共情", True), ("转移话题", False)], {}),
    (QuestionKind.TRUE_FALSE, [], {"true_false_answer": "False"}),
    (QuestionKind.WRITTEN, [], {"rubric": "态度、方案、闭环"}),
]


@pytest.mark.parametrize(("kind", "choices", "fields"), ACCEPTED)
def test_a_markable_question_of_each_kind_is_saved(
    client, academy, category, kind, choices, fields
):
    response = post_as_trainer(client, academy, question_post(category, kind, choices, **fields))

    assert response.status_code == 302
    question = Question.objects.get()
    assert question.kind == kind
    assert [(c.text, c.is_correct) for c in question.choices.all()] == list(choices)
    if kind == QuestionKind.TRUE_FALSE:
        assert question.true_false_answer is False
    if kind == QuestionKind.WRITTEN:
        assert question.phrase_list("rubric") == ["态度、方案、闭环"]


def test_the_model_clean_refuses_a_true_false_without_answer(category):
    question = Question(
        category=category, kind=QuestionKind.TRUE_FALSE, prompt="可以承诺终身质保。"
    )
    with pytest.raises(Exception) as caught:
        question.full_clean()
    assert "true_false_answer" in caught.value.message_dict


def test_the_edit_form_marks_each_panel_with_its_kind_and_loads_the_script(
    client, academy, category
):
    client.force_login(academy.trainer)
    html = client.get(reverse(ADD_URL)).content.decode()
    assert 'data-question-kinds="single multiple"' in html
    assert 'data-question-kinds="true_false"' in html
    assert 'data-question-kinds="written"' in html
    assert "js/question_form.js" in html


def test_the_preview_shows_the_question_as_a_learner_without_the_answer_key(
    client, academy, category
):
    client.force_login(academy.trainer)
    data = question_post(
        category, QuestionKind.SINGLE, [("15秒", False), ("30秒-正确答案", True)],
        explanation="解析：30秒内响应",
    )  # fmt: skip
    url = reverse("wagtailsnippets_lms_question:preview_on_add")
    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()

    assert 'class="card question"' in html  # the quiz page's markup
    assert 'type="radio"' in html and "30秒-正确答案" in html
    assert "解析" not in html and "checked" not in html and "is_correct" not in html

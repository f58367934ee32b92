"""
Feedback that closes the loop (培训反馈): a module's questionnaire read by trainers month by
month without who answered, adjustments recorded in response, and “您的反馈已采纳” for
the learners who had answered before the change.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from lms.models import FeedbackAdjustment, FeedbackFormField, FeedbackFormPage, FeedbackGiven
from lms.refusals import Refused
from lms.selectors.feedback import feedback_adopted, module_feedback
from lms.services.feedback import feedback_adjustment_record
from tests.factories import UserFactory
from tests.factories.learning import build_curriculum
from tests.querycount import assert_queries_constant

RATING = "本模块对您的帮助有多大？"
COMMENT = "您希望我们如何改进？"


def _module_with_form():
    curriculum = build_curriculum(modules=1, lessons=1)
    module = curriculum.get_children().get().specific
    form = module.add_child(instance=FeedbackFormPage(title="培训反馈：模块1", slug="feedback"))
    FeedbackFormField.objects.create(
        page=form,
        sort_order=0,
        label=RATING,
        field_type="radio",
        choices="5 非常有帮助\n4 有帮助\n3 一般\n2 帮助不大\n1 没有帮助",
        required=True,
    )
    FeedbackFormField.objects.create(
        page=form, sort_order=1, label=COMMENT, field_type="multiline", required=False
    )
    return module, form


def _answer(client, form, rating, comment=""):
    fields = {f.label: f.clean_name for f in form.form_fields.all()}
    return client.post(form.url, {fields[RATING]: rating, fields[COMMENT]: comment})


def _backdate(form, days):
    """Move every answer and answered-mark of the form `days` into the past."""
    earlier = timezone.now() - dt.timedelta(days=days)
    FormSubmission.objects.filter(page=form).update(submit_time=earlier)
    FeedbackGiven.objects.filter(form=form).update(first_given_on=earlier.date())


def test_an_answer_is_stored_without_its_learner_and_the_learner_marked_apart(academy, login):
    _module, form = _module_with_form()
    response = _answer(login(academy.agent_a), form, "4 有帮助", "多一些真实录音")
    assert response.status_code == 200
    submission = FormSubmission.objects.get(page=form)
    assert "agent_a" not in str(submission.form_data) and "王芳" not in str(submission.form_data)
    assert not any(f.name == "user" for f in FormSubmission._meta.get_fields())
    given = FeedbackGiven.objects.get(form=form)
    assert given.user == academy.agent_a and given.first_given_on == timezone.localdate()


def test_a_learner_who_answered_before_the_adjustment_sees_it_adopted_and_others_do_not(
    academy, login
):
    module, form = _module_with_form()
    _answer(login(academy.agent_a), form, "2 帮助不大", "案例太少")
    _backdate(form, 10)
    _answer(login(academy.agent_b), form, "3 一般")  # today, after the adjustment's day
    adjustment = feedback_adjustment_record(
        module=module,
        summary="增加了三个退款投诉的真实案例",
        adjusted_on=timezone.localdate() - dt.timedelta(days=1),
        by=academy.trainer,
    )
    assert feedback_adopted(user=academy.agent_a, module=module) == [adjustment]
    assert feedback_adopted(user=academy.agent_b, module=module) == []
    assert feedback_adopted(user=academy.agent_c, module=module) == []  # never answered

    page = login(academy.agent_a).get(module.url).content.decode()
    assert "您的反馈已采纳" in page and "增加了三个退款投诉的真实案例" in page
    for other in (academy.agent_b, academy.agent_c):
        assert "您的反馈已采纳" not in login(other).get(module.url).content.decode()


def test_the_trainers_view_charts_ratings_by_month_and_lists_comments_but_never_who(academy, login):
    module, form = _module_with_form()
    _answer(login(academy.agent_a), form, "2 帮助不大", "案例太少")
    _backdate(form, 40)
    _answer(login(academy.agent_b), form, "5 非常有帮助", "讲得很清楚")
    _answer(login(academy.agent_c), form, "4 有帮助")

    feedback = module_feedback(module)
    (rating,) = feedback.ratings
    assert rating.answers == 3 and rating.scale == 5
    assert [(m["answers"], m["average"]) for m in rating.months] == [(1, 2.0), (2, 4.5)]
    assert {c.text for c in feedback.comments} == {"案例太少", "讲得很清楚"}

    page = login(academy.trainer).get(reverse("lms_feedback_module", args=[module.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "案例太少" in html and "讲得很清楚" in html and "4.5" in html
    for person in (academy.agent_a, academy.agent_b, academy.agent_c):
        assert person.get_full_name() not in html and person.username not in html


def test_a_number_off_the_rating_scale_counts_for_nothing(academy):
    """A number question takes any number: 100000 must not swing the module's average."""
    module, form = _module_with_form()
    FeedbackFormField.objects.filter(page=form, label=RATING).update(field_type="number")
    field = form.form_fields.get(label=RATING).clean_name
    for given in ("4", "100000", "0", "5"):
        FormSubmission.objects.create(page=form, form_data={field: given})

    (rating,) = module_feedback(module).ratings
    assert (rating.answers, rating.average) == (2, 4.5)


def test_a_trainer_records_an_adjustment_in_the_cms(academy, login):
    module, _form = _module_with_form()
    client = login(academy.trainer)
    day = timezone.localdate().isoformat()
    response = client.post(
        reverse("lms_feedback_module", args=[module.pk]),
        {"summary": "第二课改为情景演练", "adjusted_on": day},
    )
    assert response.status_code == 302
    adjustment = FeedbackAdjustment.objects.get()
    assert adjustment.module_id == module.pk and adjustment.summary == "第二课改为情景演练"
    assert adjustment.recorded_by == academy.trainer
    assert adjustment.adjusted_on == timezone.localdate()


def test_an_adjustment_in_the_future_or_empty_is_refused(academy):
    module, _form = _module_with_form()
    with pytest.raises(Refused) as refused:
        feedback_adjustment_record(
            module=module,
            summary="下周改",
            adjusted_on=timezone.localdate() + dt.timedelta(days=3),
            by=academy.trainer,
        )
    assert refused.value.code == "feedback_adjustment_future"
    with pytest.raises(Refused):
        feedback_adjustment_record(
            module=module, summary="  ", adjusted_on=timezone.localdate(), by=academy.trainer
        )
    assert not FeedbackAdjustment.objects.exists()


@pytest.mark.parametrize("role", ["agent", "lead", "supervisor", "qa"])
def test_people_without_the_feedback_permission_can_neither_read_nor_record(academy, login, role):
    """Wagtail sends people without the CMS to its login, and QA (CMS, no permission) home."""
    module, form = _module_with_form()
    _answer(login(academy.agent_a), form, "2 帮助不大", "案例太少")
    client = login(academy.by_role()[role])
    url = reverse("lms_feedback_module", args=[module.pk])
    page = client.get(url)
    assert page.status_code == 302 and "案例太少" not in page.content.decode()
    client.post(url, {"summary": "改", "adjusted_on": timezone.localdate().isoformat()})
    assert not FeedbackAdjustment.objects.exists()
    assert client.get(reverse("lms_feedback_index")).status_code == 302


def test_the_feedback_pages_query_count_does_not_grow_with_answers(academy, login):
    module, form = _module_with_form()
    client = login(academy.trainer)
    fields = {f.label: f.clean_name for f in form.form_fields.all()}

    def grow(n):
        for i in range(FormSubmission.objects.filter(page=form).count(), n):
            FormSubmission.objects.create(
                page=form, form_data={fields[RATING]: "4 有帮助", fields[COMMENT]: f"意见{i}"}
            )
            FeedbackGiven.objects.create(
                form=form, user=UserFactory(), first_given_on=timezone.localdate()
            )

    for url in (reverse("lms_feedback_module", args=[module.pk]), reverse("lms_feedback_index")):
        assert_queries_constant(lambda url=url: client.get(url), grow)

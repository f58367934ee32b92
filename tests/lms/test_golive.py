"""Go-live: quizzes passed → ready for sign-off → a lead signs off → live, all recorded."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lms.audit import audit_trail
from lms.models import Cohort, GoLiveState, GoLiveStatus
from lms.refusals import Refused
from lms.selectors.golive import (
    Step,
    golive_change,
    golive_change_message,
    golive_checklist,
    golive_history_lines,
    golive_reason,
    golive_status_of,
)
from lms.services.golive import golive_revert, golive_sign_off
from lms.services.learning import enrolment_create
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import UserFactory
from tests.factories.learning import build_curriculum, build_quiz, right_answers
from tests.querycount import assert_queries_constant


@pytest.fixture
def onboarding(academy):
    curriculum = build_curriculum()
    quiz = build_quiz(singles=2)
    curriculum.golive_quizzes.add(quiz)
    curriculum.save()
    cohort = Cohort.objects.create(name="11月批次", start_date=timezone.localdate())
    cohort.members.add(academy.newhire_a, academy.agent_b)
    enrolment_create(curriculum=curriculum, cohort=cohort)
    return curriculum, quiz


def pass_quiz(user, quiz):
    attempt = attempt_start(user=user, quiz=quiz)
    return attempt_submit(
        attempt_id=attempt.pk, user=user, revision=0, answers=right_answers(attempt)
    )


def test_enrolling_a_cohort_in_onboarding_starts_each_new_hires_go_live_check(academy, onboarding):
    status = GoLiveStatus.objects.get(user=academy.newhire_a)
    assert status.state == GoLiveState.IN_TRAINING
    (started,) = golive_history_lines(status)
    assert (started.change, started.by) == (GoLiveState.IN_TRAINING.label, "")
    assert started.at == audit_trail(status).get().timestamp  # the history is dated
    assert GoLiveStatus.objects.filter(user=academy.agent_b).exists()
    assert not GoLiveStatus.objects.filter(user=academy.agent_a).exists()  # not a new hire


def test_a_team_enrolled_in_onboarding_material_is_not_sent_back_to_training(academy):
    curriculum = build_curriculum()
    enrolment = enrolment_create(
        curriculum=curriculum, team=academy.team_a, start_date=timezone.localdate()
    )
    assert enrolment.pk and enrolment.team == academy.team_a  # enrolled...
    assert not GoLiveStatus.objects.filter(user__team=academy.team_a).exists()  # ...not sent back


def test_passing_every_required_quiz_makes_a_new_hire_ready(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    status = GoLiveStatus.objects.get(user=academy.newhire_a)
    assert status.state == GoLiveState.READY
    latest = audit_trail(status).first()
    assert latest.user is None and latest.data["reason"] == "quizzes_passed"  # the academy


def test_a_lead_cannot_sign_off_before_the_quizzes_are_passed(academy, onboarding):
    with pytest.raises(Refused):
        golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)
    assert GoLiveStatus.objects.get(user=academy.newhire_a).state == GoLiveState.IN_TRAINING


def test_only_a_lead_of_the_team_or_a_supervisor_signs_off(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    for outsider in (academy.lead_b, academy.agent_a, academy.trainer):
        with pytest.raises(Refused):
            golive_sign_off(lead=outsider, person=academy.newhire_a)
    before = timezone.now()
    status = golive_sign_off(lead=academy.supervisor, person=academy.newhire_a, reason="考核优秀")
    assert status.state == GoLiveState.LIVE
    assert before <= status.live_since <= timezone.now()  # live from the moment of sign-off
    event = audit_trail(status).first()
    assert (event.user, event.data["note"], event.data["to"]) == (
        academy.supervisor,
        "考核优秀",
        "live",
    )


def test_reverting_needs_a_reason_and_is_recorded(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)
    with pytest.raises(Refused):
        golive_revert(lead=academy.lead_a, person=academy.newhire_a, reason="  ")
    status = golive_revert(lead=academy.lead_a, person=academy.newhire_a, reason="质检发现推诿话术")
    assert (status.state, status.live_since) == (GoLiveState.READY, None)  # off the floor
    assert golive_history_lines(status)[0].why == "质检发现推诿话术"


def test_team_page_lists_those_awaiting_sign_off_first_and_signs_them_off(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    client = login(academy.lead_a)
    page = client.get(reverse("lms:team_roster")).content.decode()
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert academy.newhire_a.display_name in first_row
    assert "待签核" in first_row or "Ready for sign-off" in first_row

    # Without ticking the confirmation nothing changes: sign-off is a deliberate act.
    sign_off_url = reverse("lms:golive_sign_off", args=[academy.newhire_a.pk])
    response = client.post(sign_off_url)
    assert response.status_code == 302
    assert response.url == reverse("lms:golive_history", args=[academy.newhire_a.pk])
    assert client.get(reverse("lms:api_live")).json()["results"] == []

    response = client.post(sign_off_url, {"confirm": "1"})
    assert response.status_code == 302
    live = client.get(reverse("lms:api_live")).json()
    assert [p["employee_no"] for p in live["results"]] == [academy.newhire_a.employee_no]


def test_the_live_api_answers_a_routing_systems_token_within_its_scope(
    academy, onboarding, client, django_capture_on_commit_callbacks
):
    from wagtail.models import APIToken

    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)
    _token, own_team = APIToken.create_token(user=academy.lead_a, name="排班")
    _token, other_team = APIToken.create_token(user=academy.lead_b, name="排班")
    mine = client.get(reverse("lms:api_live"), HTTP_AUTHORIZATION=f"Bearer {own_team}").json()
    theirs = client.get(reverse("lms:api_live"), HTTP_AUTHORIZATION=f"Bearer {other_team}").json()
    assert mine["count"] == 1 and theirs["count"] == 0
    assert client.get(reverse("lms:api_live")).status_code == 401


def test_team_page_query_count_is_constant_in_team_size(academy, onboarding, login):
    curriculum, _quiz = onboarding
    client = login(academy.lead_a)

    def grow(size):
        for person in UserFactory.create_batch(size, team=academy.team_a):
            GoLiveStatus.objects.create(user=person, curriculum=curriculum)

    assert_queries_constant(lambda: client.get(reverse("lms:team_roster")), grow, sizes=(5, 40))


def test_the_team_page_filters_by_go_live_status(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    client = login(academy.supervisor)
    ready = client.get(reverse("lms:team_roster"), {"golive": "ready"}).content.decode()
    assert academy.newhire_a.employee_no in ready
    assert academy.agent_b.employee_no not in ready  # in training
    assert academy.agent_a.employee_no not in ready  # not in onboarding


def test_a_lead_in_onboarding_cannot_sign_themselves_off(academy, onboarding):
    curriculum, _quiz = onboarding
    lead = UserFactory(position="team_lead", team=academy.team_a)
    GoLiveStatus.objects.create(user=lead, curriculum=curriculum, state=GoLiveState.READY)
    with pytest.raises(Refused):
        golive_sign_off(lead=lead, person=lead)


def test_nobody_is_signed_off_straight_from_training(academy, onboarding):
    GoLiveStatus.objects.filter(user=academy.newhire_a).update(state=GoLiveState.IN_TRAINING)
    with pytest.raises(Refused):
        golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)


def test_someone_enrolled_after_passing_is_ready_at_once(
    academy, django_capture_on_commit_callbacks
):
    curriculum = build_curriculum()
    quiz = build_quiz(singles=1)
    curriculum.golive_quizzes.add(quiz)
    curriculum.save()
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    enrolment_create(curriculum=curriculum, user=academy.newhire_a, start_date=timezone.localdate())
    assert GoLiveStatus.objects.get(user=academy.newhire_a).state == GoLiveState.READY


def test_passing_an_unrelated_quiz_does_not_undo_a_revert(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    golive_revert(lead=academy.lead_a, person=academy.newhire_a, reason="需要重新学习投诉处理")
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, build_quiz(singles=1, title="产品知识小测"))
    assert GoLiveStatus.objects.get(user=academy.newhire_a).state == GoLiveState.IN_TRAINING


def test_the_history_keeps_the_signers_name_after_their_account_is_gone(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)
    academy.lead_a.delete()
    (latest, *_earlier) = golive_history_lines(GoLiveStatus.objects.get(user=academy.newhire_a))
    assert latest.by == "张伟"


def test_team_page_queries_do_not_grow_with_the_number_of_curricula(academy, onboarding, login):
    client = login(academy.lead_a)

    def grow(size):
        while GoLiveStatus.objects.filter(user__team=academy.team_a).count() < size:
            curriculum = build_curriculum(modules=1, lessons=1)
            person = UserFactory(team=academy.team_a)
            GoLiveStatus.objects.create(user=person, curriculum=curriculum)

    assert_queries_constant(lambda: client.get(reverse("lms:team_roster")), grow, sizes=(2, 6))


def test_the_history_is_stored_as_codes_and_read_in_the_readers_language(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    status = GoLiveStatus.objects.get(user=academy.newhire_a)
    stored = audit_trail(status).first()
    assert stored.data["reason"] == "quizzes_passed"  # a code, not a sentence
    with translation.override("zh-hans"):
        (ready, started) = golive_history_lines(status)
        chinese = (ready.change, ready.why, started.why)
        message = audit_trail(status).first().message  # what the CMS History shows
    with translation.override("en"):
        (ready, started) = golive_history_lines(status)
        english = (ready.change, ready.why, started.why)
    assert english == (
        "In training → Ready for sign-off",
        "All required quizzes passed",
        "Onboarding started",
    )
    assert chinese != english and not any(c.isascii() and c.isalpha() for c in "".join(chinese))
    assert chinese[0] in message and chinese[1] in message  # the change and why it happened


def test_history_lines_read_codes_the_academy_no_longer_has_as_they_were_stored():
    with translation.override("en"):
        assert golive_change({"from": "", "to": "in_training"}) == "In training"
        assert golive_change({"from": "in_training", "to": "ready"}) == (
            "In training → Ready for sign-off"
        )
        # A state or reason dropped from the code since keeps its stored code, not "None".
        assert golive_change({"from": "probation", "to": "furlough"}) == "probation → furlough"
        assert golive_reason({"reason": "quizzes_passed"}) == "All required quizzes passed"
        assert golive_reason({"reason": "reverted", "note": "重新学习"}) == "重新学习"
        assert golive_reason({"reason": "reverted"}) == ""  # a lead's revert without words
        assert golive_reason({}) == ""
        assert golive_change_message(
            {"from": "in_training", "to": "ready", "reason": "quizzes_passed"}
        ) == ("Go-live: In training → Ready for sign-off (All required quizzes passed)")
        assert golive_change_message({"from": "ready", "to": "in_training"}) == (
            "Ready for sign-off → In training"
        )


def test_the_checklist_ticks_only_this_persons_passes_and_the_sign_off(
    academy, onboarding, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    newhire = academy.newhire_a
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.agent_b, quiz)  # a cohort-mate's pass is not hers
        pass_quiz(newhire, build_quiz(singles=1, title="产品知识小测"))  # nor an unrelated quiz
    with translation.override("zh-hans"):
        items = [(item.label, item.done) for item in golive_checklist(user=newhire)]
    assert items == [(f"通过“{quiz.title}”", False), ("班组长签核", False)]
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(newhire, quiz)
    assert [item.done for item in golive_checklist(user=newhire)] == [True, False]
    # The sign-off line's step (the daily path shows it as the next thing to wait for).
    assert golive_checklist(user=newhire)[-1].step == Step.NOT_STARTED
    golive_sign_off(lead=academy.lead_a, person=newhire)
    checklist = golive_checklist(user=newhire)
    assert [item.done for item in checklist] == [True, True]
    assert checklist[-1].step == Step.PASSED
    # Asked for the status already read (the dashboard passes it), the same lines.
    assert golive_checklist(user=newhire, status=golive_status_of(newhire)) == checklist


def test_a_new_hires_dashboard_shows_what_the_go_live_check_still_needs(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    _curriculum, quiz = onboarding
    client = login(academy.newhire_a)
    page = client.get(reverse("lms:dashboard")).content.decode()
    # The card names the state: nothing handed in yet reads "not started".
    assert "未开始" in page and f"通过“{quiz.title}”" in page
    assert reverse("lms:quiz", args=[quiz.pk]) in page  # what is missing links to the quiz
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    page = client.get(reverse("lms:dashboard")).content.decode()
    assert "待签核" in page and "班组长签核" in page

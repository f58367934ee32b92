"""
A form that creates something in one POST creates it once per sending
(lms.services.submissions): the same token twice gives the first result, two tokens give
two results, a refused creation keeps the token free, and two sendings at the same moment
make one row (PostgreSQL).
"""

import datetime as dt
import uuid

import pytest
from django import forms
from django.db import IntegrityError, connection
from django.utils import timezone, translation

from lms.forms import SubmitOnceForm
from lms.models import FormSubmission, Team
from lms.refusals import Refused
from lms.services.submissions import KEEP_FOR, form_submission_once, form_submissions_prune
from tests.concurrency import at_once, needs_postgres
from tests.factories import UserFactory


def _make_team(name="客服一组"):
    return lambda: Team.objects.create(name=name)


def test_the_same_token_sent_twice_creates_once_and_gives_the_first_result(db):
    user, token = UserFactory(), uuid.uuid4()
    first = form_submission_once(user=user, form="t.team", token=token, create=_make_team())
    again = form_submission_once(user=user, form="t.team", token=token, create=_make_team())
    assert first.created and not again.created
    assert again.result == first.result and isinstance(again.result, Team)
    assert Team.objects.filter(name="客服一组").count() == 1
    row = FormSubmission.objects.get()
    assert (row.user, row.form, row.token, row.result) == (user, "t.team", token, first.result)


def test_two_forms_create_two(db):
    user = UserFactory()
    first = form_submission_once(
        user=user, form="t.team", token=uuid.uuid4(), create=_make_team("一组")
    )
    second = form_submission_once(
        user=user, form="t.team", token=uuid.uuid4(), create=_make_team("二组")
    )
    assert first.created and second.created
    assert sorted(FormSubmission.objects.values_list("result_id", flat=True)) == sorted(
        [first.result.pk, second.result.pk]
    )


def test_a_conflict_of_the_creation_itself_is_not_taken_for_a_repeat(db):
    """Team names are unique: that IntegrityError is the creation's, not the token's."""
    user = UserFactory()
    form_submission_once(user=user, form="t.team", token=uuid.uuid4(), create=_make_team())
    with pytest.raises(IntegrityError):
        form_submission_once(user=user, form="t.team", token=uuid.uuid4(), create=_make_team())
    assert FormSubmission.objects.count() == 1


def test_another_persons_token_finds_nothing_of_theirs(db):
    token = uuid.uuid4()
    mine = form_submission_once(user=UserFactory(), form="t.team", token=token, create=_make_team())
    theirs = form_submission_once(
        user=UserFactory(), form="t.team", token=token, create=_make_team("二组")
    )
    assert theirs.created and theirs.result != mine.result


def test_a_refused_creation_saves_nothing_and_the_corrected_form_creates(db):
    user, token = UserFactory(), uuid.uuid4()

    def refuse():
        Team.objects.create(name="半截")
        raise Refused("nope", "不行")

    with pytest.raises(Refused):
        form_submission_once(user=user, form="t.team", token=token, create=refuse)
    assert not FormSubmission.objects.exists() and not Team.objects.filter(name="半截").exists()
    sent = form_submission_once(user=user, form="t.team", token=token, create=_make_team())
    assert sent.created and FormSubmission.objects.get().result == sent.result


def test_a_result_deleted_since_is_reported_as_none(db):
    user, token = UserFactory(), uuid.uuid4()
    first = form_submission_once(user=user, form="t.team", token=token, create=_make_team())
    first.result.delete()
    again = form_submission_once(user=user, form="t.team", token=token, create=_make_team())
    assert not again.created and again.result is None
    assert not Team.objects.filter(name="客服一组").exists()


def test_pruning_forgets_only_forms_sent_long_ago(db):
    user = UserFactory()
    for name in ("一组", "二组"):
        form_submission_once(user=user, form="t.team", token=uuid.uuid4(), create=_make_team(name))
    old = FormSubmission.objects.order_by("pk").first()
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - KEEP_FOR - dt.timedelta(hours=1)
    )
    assert form_submissions_prune() == 1
    assert FormSubmission.objects.count() == 1 and not FormSubmission.objects.filter(pk=old.pk)


class _TitleForm(SubmitOnceForm):
    title = forms.CharField()


def test_the_form_gives_a_new_token_each_time_it_is_shown_and_keeps_it_when_sent_back():
    shown = [_TitleForm()["submission_token"].value() for _ in range(2)]
    assert shown[0] != shown[1] and all(uuid.UUID(str(t)) for t in shown)
    token = str(uuid.uuid4())
    back = _TitleForm({"title": "", "submission_token": token})
    assert not back.is_valid() and back["submission_token"].value() == token


def test_a_form_without_a_valid_token_is_refused_and_offered_a_fresh_one():
    for missing in ({}, {"submission_token": "not-a-uuid"}):
        form = _TitleForm({"title": "丢件投诉", **missing})
        with translation.override("zh-hans"):  # whatever language an earlier test left on
            assert not form.is_valid()
            assert form.non_field_errors()[0].startswith("无法确认这个表单只提交一次")
        fresh = form["submission_token"].value()
        assert uuid.UUID(fresh)  # the re-shown form can be sent again
        assert _TitleForm({"title": "丢件投诉", "submission_token": fresh}).is_valid()


# --- Two sendings at the same moment, on PostgreSQL (SQLite serialises writers) ----------


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_sendings_of_one_form_create_once_and_all_get_that_result():
    user, token, count = UserFactory(), uuid.uuid4(), 4

    def create():
        team = Team.objects.create(name="并发组")
        # Hold the transaction open so the other sendings arrive while it is uncommitted.
        connection.cursor().execute("SELECT pg_sleep(0.3)")
        return team

    def send():
        sent = form_submission_once(user=user, form="t.team", token=token, create=create)
        return sent.created, sent.result.pk

    results = at_once(*[send] * count, timeout=30)
    assert len(results) == count, results
    assert sorted(created for created, _pk in results) == [False] * (count - 1) + [True]
    assert len({pk for _created, pk in results}) == 1
    assert Team.objects.filter(name="并发组").count() == 1
    assert FormSubmission.objects.count() == 1

"""
Notices: stored as a kind with parameters and read in each reader's language; mailed once
through the outbox after the commit, and finished exactly once by the reconciler when the
worker that claimed a send died or its queue message was lost.
"""

import datetime as dt
import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from lms.models import EmailOptOut, Notice, NoticeEmail
from lms.selectors.notices import notice_render
from lms.services.golive import golive_sign_off
from lms.services.notices import notice_email_send, notices_send
from lms.services.quiz import attempt_item_review, attempt_start, attempt_submit
from lms.tasks import jobs_reconcile
from tests.factories.learning import build_quiz, later
from tests.lms.test_golive import onboarding as onboarding
from tests.lms.test_golive import pass_quiz

CJK = re.compile(r"[\u4e00-\u9fff]")


def _with_email(user, address, language=""):
    user.email, user.language = address, language
    user.save(update_fields=["email", "language"])
    return user


def _written_attempt(user, written=2):
    quiz = build_quiz(singles=0, written=written, title="投诉回复", pass_mark_percent=60)
    attempt = attempt_start(user=user, quiz=quiz)
    items = list(attempt.items.all())
    attempt_submit(
        attempt_id=attempt.pk,
        user=user,
        revision=0,
        answers={item.pk: "您好，非常抱歉，马上为您处理。" for item in items},
    )
    return attempt, items


def zh(render, notice) -> str:
    """A notice's title as a Chinese reader sees it, whatever language a test left on."""
    with translation.override("zh-hans"):
        return render(notice).title


def test_a_scored_reply_is_told_once_by_notice_and_mail_in_the_readers_language(
    academy, django_capture_on_commit_callbacks
):
    _with_email(academy.newhire_a, "yangchen@example.com", language="en")
    attempt, items = _written_attempt(academy.newhire_a)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_item_review(item_id=items[0].pk, reviewer=academy.lead_a, points=6, comment="好")

    notice = Notice.objects.get(user=academy.newhire_a)
    assert notice.kind == "reply_scored"
    assert (notice.params["points"], notice.params["max"]) == ("6", "10")
    # Nothing stored is a sentence: the Chinese page and the English one read the same row
    # (only a trainer's quiz title and a person's name are text, as written).
    assert not any(
        CJK.search(str(value))
        for key, value in notice.params.items()
        if key not in ("quiz", "reviewer")
    )
    assert zh(notice_render, notice) == "您在“投诉回复”中的回复已评分：6 / 10"
    with translation.override("en"):
        assert notice_render(notice).title == "Your reply in “投诉回复” was scored: 6 / 10"
    # The mail goes in the reader's chosen language, once, with the link to the result.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your reply in “投诉回复” was scored: 6 / 10"
    assert reverse("lms:attempt_result", args=[attempt.pk]) in mail.outbox[0].body
    assert NoticeEmail.objects.get(notice=notice).status == NoticeEmail.Status.SENT

    # The last reply completes the grade: the learner hears the result, not another score.
    with django_capture_on_commit_callbacks(execute=True):
        attempt_item_review(item_id=items[1].pk, reviewer=academy.lead_a, points=10)
    graded = Notice.objects.get(user=academy.newhire_a, kind="attempt_graded")
    assert zh(notice_render, graded) == "“投诉回复”已评分：80%，通过"
    assert len(mail.outbox) == 2


def test_the_same_notice_twice_creates_and_mails_nothing_new(
    academy, django_capture_on_commit_callbacks
):
    _with_email(academy.agent_a, "wangfang@example.com")
    send = {"users": [academy.agent_a], "kind": "golive_signed_off", "key": "k1"}
    send["params"] = {"by": "张伟"}
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_send(**send) == 1
        assert notices_send(**send) == 0
    assert Notice.objects.filter(user=academy.agent_a).count() == 1
    assert len(mail.outbox) == 1


def test_a_person_who_turned_a_kind_off_gets_the_notice_but_no_mail(
    academy, login, django_capture_on_commit_callbacks
):
    _with_email(academy.agent_a, "wangfang@example.com")
    client = login(academy.agent_a)
    page = client.get(reverse("lms:notice_settings")).content.decode()
    assert re.search(r'value="golive_signed_off"[^>]*checked', page)
    kinds = ["reply_scored", "attempt_graded", "case_week"]  # everything but sign-off
    client.post(reverse("lms:notice_settings"), {"email": kinds, "language": "en"})
    assert set(EmailOptOut.objects.filter(user=academy.agent_a).values_list("kind", flat=True)) >= {
        "golive_signed_off"
    }
    with django_capture_on_commit_callbacks(execute=True):
        notices_send(users=[academy.agent_a], kind="golive_signed_off", key="k", params={"by": "x"})
    assert Notice.objects.filter(user=academy.agent_a).count() == 1
    assert mail.outbox == []
    assert not NoticeEmail.objects.exists()


def test_the_reconciler_mails_once_what_a_dead_worker_claimed_and_never_sent(
    academy, django_capture_on_commit_callbacks
):
    _with_email(academy.agent_a, "wangfang@example.com")
    # The queue message is lost (no on-commit callbacks run): the row says the mail is owed.
    notices_send(users=[academy.agent_a], kind="golive_signed_off", key="k", params={"by": "张伟"})
    outbox = NoticeEmail.objects.get()
    # A worker claims it and dies before sending: its lease still holds, nobody else sends.
    now = timezone.now()
    NoticeEmail.objects.filter(pk=outbox.pk).update(
        lease_expires_at=now + dt.timedelta(seconds=120), attempts=1
    )
    assert jobs_reconcile()["notice_emails"] == 0
    assert notice_email_send(outbox.pk) is False
    assert mail.outbox == []
    # Once the lease runs out the reconciler sends it, and only once however often it runs.
    with_lease_gone = later(minutes=3)
    from lms.services.notices import notice_emails_reconcile

    assert notice_emails_reconcile(now=with_lease_gone) == 1
    assert notice_emails_reconcile(now=with_lease_gone) == 0
    assert jobs_reconcile()["notice_emails"] == 0
    assert len(mail.outbox) == 1
    outbox.refresh_from_db()
    assert (outbox.status, outbox.attempts) == (NoticeEmail.Status.SENT, 2)


def test_a_lost_queue_message_is_sent_by_the_reconciler_after_a_minute(academy):
    _with_email(academy.agent_a, "wangfang@example.com")
    notices_send(users=[academy.agent_a], kind="golive_signed_off", key="k", params={"by": "张伟"})
    from lms.services.notices import notice_emails_reconcile

    assert notice_emails_reconcile(now=timezone.now()) == 0  # its message may still come
    assert notice_emails_reconcile(now=later(minutes=2)) == 1
    assert len(mail.outbox) == 1


def test_signing_off_tells_the_new_hire(
    academy,
    onboarding,
    django_capture_on_commit_callbacks,
):
    _curriculum, quiz = onboarding
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)
    notice = Notice.objects.get(user=academy.newhire_a, kind="golive_signed_off")
    assert zh(notice_render, notice) == "张伟已签核您上线：您现在可以接待真实客户"
    with translation.override("en"):
        assert notice_render(notice).title.startswith("张伟 signed you off")


def test_the_notice_centre_lists_opens_and_marks_read_with_a_post(academy, login):
    notices_send(users=[academy.agent_a], kind="golive_signed_off", key="a", params={"by": "张伟"})
    notices_send(
        users=[academy.agent_a], kind="case_week", key="b", params={"count": 3, "cases": []},
        url="/cases/week/",
    )  # fmt: skip
    client = login(academy.agent_a)
    page = client.get(reverse("lms:notices")).content.decode()
    assert "本周案例：3 个新的一线案例" in page
    assert 'class="bell__count">2' in page
    notice = Notice.objects.get(key="b")
    assert client.get(reverse("lms:notice", args=[notice.pk])).status_code == 405  # GET writes not
    response = client.post(reverse("lms:notice", args=[notice.pk]))
    assert response.url == "/cases/week/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    client.post(reverse("lms:notices_read_all"))
    assert not Notice.objects.filter(user=academy.agent_a, read_at__isnull=True).exists()
    assert 'class="bell__count"' not in client.get(reverse("lms:notices")).content.decode()


def test_old_notices_kept_their_sentence_and_still_read(academy):
    notice = Notice.objects.create(
        user=academy.agent_a, key="old", kind="legacy", params={"title": "旧通知"}
    )
    assert zh(notice_render, notice) == "旧通知"


def test_the_bell_count_is_kept_between_pages_and_follows_every_send_and_read(academy, login):
    """The bell is on every page: its count comes from the shared cache, not a COUNT each
    time, and a notice sent or read shows on the very next page."""

    def bell(client):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("lms:notice_settings")).content.decode()
        counted = any("COUNT(*)" in q["sql"] and "lms_notice" in q["sql"] for q in queries)
        found = re.search(r'class="bell__count">(\d+)', page)
        return (int(found[1]) if found else 0), counted

    client = login(academy.agent_a)
    assert bell(client) == (0, True)  # counted once
    assert bell(client) == (0, False)  # then kept
    notices_send(users=[academy.agent_a], kind="golive_signed_off", key="a", params={"by": "张"})
    notices_send(users=[academy.agent_a], kind="golive_signed_off", key="b", params={"by": "李"})
    assert bell(client) == (2, True)
    assert bell(client) == (2, False)
    client.post(reverse("lms:notice", args=[Notice.objects.get(key="a").pk]))
    assert bell(client) == (1, True)
    client.post(reverse("lms:notices_read_all"))
    assert bell(client) == (0, True)


def test_a_notice_to_many_people_moves_one_generation_and_every_bell_still_counts_it(
    academy, login, monkeypatch
):
    """A send to more people than BELLS_ONE_BY_ONE moves the one generation every count
    depends on (one cache write, not one per person); each bell then shows it."""
    from lms.generations import generations_bump
    from lms.services import notices as notices_service

    monkeypatch.setattr(notices_service, "BELLS_ONE_BY_ONE", 1)
    bumped_one_by_one = []

    def spy(keys):
        keys = list(keys)
        bumped_one_by_one.extend(keys)
        generations_bump(keys)

    monkeypatch.setattr(notices_service, "generations_bump", spy)
    first, second = login(academy.agent_a), login(academy.agent_b)
    for client in (first, second):
        client.get(reverse("lms:notice_settings"))  # both counts kept: 0
    notices_send(
        users=[academy.agent_a, academy.agent_b], kind="golive_signed_off", key="x",
        params={"by": "张"},
    )  # fmt: skip
    assert bumped_one_by_one == []
    for client in (first, second):
        page = client.get(reverse("lms:notice_settings")).content.decode()
        assert 'class="bell__count">1' in page

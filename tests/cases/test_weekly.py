"""The weekly refresh: the edition opens once a week, announced once, on a controlled clock."""

import datetime as dt
import re

from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django_q.models import Schedule

from cases.models import CasePage, CaseRead, CaseWeek
from cases.plugins import PANEL_CASES
from cases.selectors import case_planning, week_start_of
from cases.services import case_week_open
from lms.models import Notice
from lms.selectors.notices import notice_render
from tests.factories.cases import build_case, monday
from tests.querycount import assert_queries_constant


def zh(render, notice) -> str:
    """A notice's title as a Chinese reader sees it, whatever language a test left on."""
    with translation.override("zh-hans"):
        return render(notice).title


def test_opening_the_week_announces_its_cases_once(
    academy, settings, django_capture_on_commit_callbacks
):
    academy.agent_a.email = "wangfang@example.com"
    academy.agent_a.save()
    build_case("本周案例一", published_at=monday(0, hour=9))
    build_case("本周案例二", published_at=monday(0, hour=10))
    build_case("上周的案例", published_at=monday(1))
    clock = monday(0, hour=9) + dt.timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        week = case_week_open(now=clock)
        case_week_open(now=clock + dt.timedelta(hours=3))  # a retried or second run

    assert CaseWeek.objects.count() == 1
    assert week.week_start == week_start_of(timezone.localdate(clock))
    notices = Notice.objects.filter(user=academy.newhire_a)
    assert [zh(notice_render, n) for n in notices] == ["本周案例：2 个新的一线案例"]
    with translation.override("en"):  # stored as a kind with parameters, read in English
        assert notice_render(notices[0]).title == "This week's cases: 2 new front-line cases"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wangfang@example.com"]
    assert "本周案例一" in mail.outbox[0].body and "上周的案例" not in mail.outbox[0].body


def test_each_monday_opens_its_own_week(academy):
    build_case("上一周", published_at=monday(1, hour=9))
    build_case("这一周", published_at=monday(0, hour=9))
    case_week_open(
        now=monday(
            1,
            hour=9,
        )
    )
    case_week_open(now=monday(0, hour=9))
    assert CaseWeek.objects.count() == 2
    assert Notice.objects.filter(user=academy.agent_a).count() == 2


def test_a_week_that_opens_empty_is_announced_when_it_has_cases(academy):
    clock = monday(0, hour=9)
    case_week_open(now=clock)
    assert CaseWeek.objects.count() == 1  # opened...
    assert not Notice.objects.exists()  # ...with nothing to announce
    build_case("周二上线", published_at=clock + dt.timedelta(days=1))
    case_week_open(now=clock + dt.timedelta(days=1, hours=1))
    assert Notice.objects.filter(user=academy.agent_a).count() == 1


def test_the_weekly_job_is_scheduled_for_monday_morning_shanghai_time(db):
    call_command("setup_schedules", verbosity=0)
    schedule = Schedule.objects.get(name="case_week_publish")
    assert (schedule.func, schedule.cron) == ("cases.tasks.case_week_publish", "0 9 * * 1")
    local = timezone.localtime(schedule.next_run)
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)


def test_planning_counts_weeks_against_the_target_and_flags_short_ones(academy, settings):
    settings.CASES_PER_WEEK_TARGET = 2
    for weeks_ago in (1, 1, 2):
        build_case(f"第{weeks_ago}周前", published_at=monday(weeks_ago))
    scheduled = build_case("下周的案例", live=False)
    scheduled.go_live_at = monday(-1)
    scheduled.save_revision().publish()  # approved with a future date: scheduled, not live
    unapproved = build_case("只填了日期的草稿", live=False)
    unapproved.go_live_at = monday(-1)
    unapproved.save()
    plan = case_planning()
    by_week = {week.week_start: week for week in plan.weeks}
    last_week = week_start_of(timezone.localdate(monday(1)))
    two_ago = week_start_of(timezone.localdate(monday(2)))
    next_week = week_start_of(timezone.localdate(monday(-1)))
    assert (by_week[last_week].published, by_week[last_week].short) == (2, False)
    assert (by_week[two_ago].published, by_week[two_ago].short) == (1, True)
    assert (by_week[next_week].scheduled, by_week[next_week].short) == (1, True)
    assert by_week[next_week].is_future


def test_old_cases_and_cases_about_a_changed_product_are_stale(academy, settings):
    settings.CASE_STALE_AFTER_DAYS = 100
    old = build_case("很久以前", published_at=timezone.now() - dt.timedelta(days=200))
    changed = build_case("旧版音箱", product="智能音箱 S1", published_at=monday(3))
    fresh = build_case("新鲜案例", published_at=monday(0))
    changed.product.changed_at = timezone.now() - dt.timedelta(days=2)
    changed.product.save()
    stale = {case.pk for case in case_planning().stale}
    assert old.pk in stale and changed.pk in stale and fresh.pk not in stale


def test_the_pending_announcement_job_announces_only_an_opened_week(academy):
    from cases.tasks import case_week_announce_pending

    build_case("本周第一个案例", published_at=timezone.now())
    case_week_announce_pending()
    assert not Notice.objects.exists()  # the week has not been opened by Monday's job
    CaseWeek.objects.create(week_start=week_start_of(timezone.localdate()))
    case_week_announce_pending()
    case_week_announce_pending()
    assert Notice.objects.filter(user=academy.agent_a).count() == 1


def test_the_home_page_lists_a_few_of_a_large_week_unread_first(academy, login):
    start = monday(0, hour=0)
    cases = [
        build_case(f"本周第{n}个案例", published_at=start + dt.timedelta(minutes=n))
        for n in range(12)
    ]
    for case in cases[:3]:
        CaseRead.objects.create(user=academy.agent_a, case=case)

    page = login(academy.agent_a).get("/").content.decode()

    panel = page[page.index('class="card week-cases"') :]
    panel = panel[: panel.index("</section>")]
    assert "已读 3 / 12" in panel
    listed = re.findall(r">(本周第\d+个案例)</a>", panel)
    assert listed == [f"本周第{n}个案例" for n in range(3, 3 + PANEL_CASES)]  # unread first
    assert "本周全部 12 个案例" in panel


def test_the_home_page_costs_the_same_queries_in_a_week_of_many_cases(academy, login):
    client = login(academy.agent_a)
    start = monday(0, hour=0)

    def grow(size):
        while CasePage.objects.count() < size:
            n = CasePage.objects.count()
            build_case(f"案例{n}", published_at=start + dt.timedelta(minutes=n))

    assert_queries_constant(lambda: client.get("/"), grow)

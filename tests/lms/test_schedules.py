import datetime as dt

from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from lms.management.commands.setup_schedules import SCHEDULES


def test_schedules_are_declared_once_however_often_the_command_runs(db):
    call_command("setup_schedules", verbosity=0)
    call_command("setup_schedules", verbosity=0)
    assert Schedule.objects.count() == len(SCHEDULES)
    for name, (func, cron, _purpose) in SCHEDULES.items():
        schedule = Schedule.objects.get(name=name)
        assert (schedule.func, schedule.cron) == (func, cron)
        # Cron times are in the centre's time zone (Asia/Shanghai).
        minute, hour = cron.split()[:2]
        local = timezone.localtime(schedule.next_run)
        if minute.isdigit():
            assert local.minute == int(minute)
        if hour.isdigit():
            assert local.hour == int(hour)
        assert schedule.next_run > timezone.now() - dt.timedelta(minutes=1)


def test_a_schedule_no_longer_declared_is_removed(db):
    Schedule.objects.create(name="old_job", func="lms.tasks.gone", schedule_type=Schedule.DAILY)
    Schedule.objects.create(
        name="someone_elses", func="other.app.job", schedule_type=Schedule.DAILY
    )
    call_command("setup_schedules", verbosity=0)
    assert not Schedule.objects.filter(name="old_job").exists()
    assert Schedule.objects.filter(name="someone_elses").exists()
    assert Schedule.objects.filter(name__in=SCHEDULES).count() == len(SCHEDULES)


def test_every_scheduled_function_exists(db):
    from django.utils.module_loading import import_string

    for func, _cron, _purpose in SCHEDULES.values():
        assert callable(import_string(func))

"""
A lesson's last reading beside its first: recurring training counts a lesson in a round only
when read since the round opened. Rows already there were last read when first completed, so
read_at starts as completed_at; the column is never empty (every row was read at least once),
so the queries compare it without falling back to completed_at.
"""

import django.utils.timezone
from django.db import migrations, models


def read_when_completed(apps, schema_editor):
    LessonCompletion = apps.get_model("lms", "LessonCompletion")
    LessonCompletion.objects.update(read_at=models.F("completed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0015_recurring_training"),
    ]

    operations = [
        # Set by the service (one `now` for both), no longer by auto_now_add: a database
        # change of nothing, the column stays as it was.
        migrations.AlterField(
            model_name="lessoncompletion",
            name="completed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="first completed"
            ),
        ),
        # Added not null with a default (filled once for the rows there), then set from
        # completed_at: no nullable step, and no ALTER after the UPDATE in this transaction.
        migrations.AddField(
            model_name="lessoncompletion",
            name="read_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="last read"
            ),
        ),
        migrations.RunPython(read_when_completed, migrations.RunPython.noop, elidable=True),
    ]

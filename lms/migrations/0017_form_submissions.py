"""
Sent forms remembered by their one-time token (lms.models.FormSubmission), so a CMS form
sent twice creates once. A new table: nothing existing changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("lms", "0016_lesson_read_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="FormSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("form", models.CharField(max_length=80)),
                ("token", models.UUIDField()),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("result_id", models.PositiveBigIntegerField(blank=True, null=True)),
                (
                    "result_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="form_submissions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "form", "token"), name="form_submission_once_per_token"
                    )
                ],
            },
        ),
    ]

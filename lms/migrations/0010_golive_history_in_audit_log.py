"""
Go-live history moves into the academy's one audit trail (Wagtail's ModelLogEntry), so it
shows in the CMS History too. Existing events are copied with their time and actor; the
reasons the academy wrote as English or Chinese text become codes where they match one,
and anything else is kept as the lead's own words.
"""

from django.db import migrations

KNOWN_REASONS = {
    "Onboarding started": "onboarding_started",
    "入职培训开始": "onboarding_started",
    "All required quizzes passed": "quizzes_passed",
    "所有必考测验均已通过": "quizzes_passed",
    "Signed off": "signed_off",
    "已签核": "signed_off",
}


def _person_name(user) -> str:
    # Historical models have no methods: the name as User.get_full_name() builds it.
    full = f"{user.first_name} {user.last_name}".strip()
    return user.display_name or full or user.username


def copy_events(apps, schema_editor):
    GoLiveEvent = apps.get_model("lms", "GoLiveEvent")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="lms", model="golivestatus"
    )
    entries = []
    for event in GoLiveEvent.objects.select_related("status__user").iterator():
        reason = KNOWN_REASONS.get(event.reason, "")
        if not reason and event.actor_id:
            reason = "reverted" if event.to_state != "live" else "signed_off"
        entries.append(
            ModelLogEntry(
                content_type=content_type,
                object_id=str(event.status_id),
                label=_person_name(event.status.user),
                action="lms.golive.change",
                timestamp=event.created_at,
                user_id=event.actor_id,
                data={
                    "from": event.from_state,
                    "to": event.to_state,
                    "reason": reason,
                    "note": "" if event.reason in KNOWN_REASONS else event.reason,
                    "actor_name": event.actor_name,
                },
            )
        )
    ModelLogEntry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0009_delete_usersession"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="GoLiveEvent"),
    ]

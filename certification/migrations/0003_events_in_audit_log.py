"""
Certification events move into the academy's one audit trail (Wagtail's ModelLogEntry):
each certificate's events onto the certificate, an exceptional result onto its result, a
recommendation onto the recommendation, so they show in the desk and in the CMS History.
Free text the old table held becomes parameters where it can be read back; an event that
cannot be placed is kept on the person, with its text, rather than lost.
"""

import re

from django.db import migrations

ACTIONS = {
    "issued": "certification.issued",
    "rendered": "certification.rendered",
    "render_again": "certification.render_requested",
    "render_failed": "certification.render_failed",
    "revoked": "certification.revoked",
    "superseded": "certification.superseded",
    "reinstated": "certification.reinstated",
    "reminded": "certification.reminded",
    "recommended": "certification.recommended",
    "exceptional": "certification.exceptional_result",
}
# How result_record_exceptional wrote its detail: "<cycle> <level> passed|failed <n>%: <why>"
EXCEPTIONAL = re.compile(r"^(\S+) (\S+) (passed|failed) ([\d.]+)%: (.*)$", re.S)


def _params(kind, detail):
    if kind in ("issued", "superseded", "reinstated"):
        return {"serial": detail}
    if kind == "render_failed":
        return {"error": detail}
    if kind == "revoked":
        return {"reason": detail}
    return {}


def copy_events(apps, schema_editor):
    Event = apps.get_model("certification", "CertificationEvent")
    Result = apps.get_model("certification", "Result")
    Recommendation = apps.get_model("certification", "Recommendation")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")

    def content_type(model):
        return ContentType.objects.get_or_create(app_label=model[0], model=model[1])[0]

    types = {
        "certificate": content_type(("certification", "certificate")),
        "result": content_type(("certification", "result")),
        "recommendation": content_type(("certification", "recommendation")),
        "user": content_type(("lms", "user")),
    }
    entries = []
    for event in Event.objects.select_related("certificate", "user").iterator():
        action = ACTIONS.get(event.kind, "certification.legacy")
        params = _params(event.kind, event.detail)
        target, label = None, event.detail[:200] or event.kind
        if event.certificate_id:
            target, label = ("certificate", event.certificate_id), event.certificate.serial
        elif event.kind == "exceptional" and (found := EXCEPTIONAL.match(event.detail)):
            cycle, level, outcome, percent, reason = found.groups()
            year, _h, half = cycle.partition("H")  # Cycle.code is "<year>H<half>"
            result = (
                Result.objects.filter(
                    user_id=event.user_id, cycle__year=year, cycle__half=half, level=level
                ).first()
                if year.isdigit() and half.isdigit()
                else None
            )
            if result:
                target, label = ("result", result.pk), f"{cycle} {level}"
                params = {
                    "cycle": cycle,
                    "level": level,
                    "passed": outcome == "passed",
                    "percent": percent,
                    "reason": reason,
                }
        elif event.kind == "recommended":
            recommendation = (
                Recommendation.objects.filter(user_id=event.user_id)
                .select_related("step")
                .order_by("created_at")
                .first()
            )
            if recommendation:
                target = ("recommendation", recommendation.pk)
                params = {
                    "from": recommendation.step.from_position,
                    "to": recommendation.step.to_position,
                }
        if target is None:
            target = ("user", event.user_id)
            action, params = "certification.legacy", {"kind": event.kind, "detail": event.detail}
        entries.append(
            ModelLogEntry(
                content_type=types[target[0]],
                object_id=str(target[1]),
                label=label,
                action=action,
                timestamp=event.at,
                user_id=event.actor_id,
                data={**params, "actor_name": event.actor_name},
            )
        )
    ModelLogEntry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0002_bulk_issue_lease"),
        ("lms", "0010_golive_history_in_audit_log"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="CertificationEvent"),
    ]

"""
The academy's one audit trail: Wagtail's own log entries (`ModelLogEntry`).

Every change a lead, an administrator or the academy itself makes to a go-live status or a
certificate is recorded here, so it shows in the CMS History of the object it touched as
well as in our own pages, and there is one way to write it and one way to read it.

An entry holds an action code and its parameters, never a sentence: a formatter registered
for each action (in the app's `wagtail_hooks.py`, the `register_log_actions` hook) turns
it into the reader's language when it is shown, so a Chinese lead and an English
administrator read the same entry each in their own language. The actor's name is kept in
the parameters too, so the trail still names who acted after their account is gone.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry


def audit_record(
    instance: Model, action: str, *, actor=None, at: dt.datetime | None = None, **params
) -> ModelLogEntry:
    """
    Record `action` on `instance` with `params` (JSON values: codes, numbers, serials,
    a person's own words such as a reason). `actor` None means the academy itself; it is
    never taken from the request's log context, so a learner passing a quiz is not
    recorded as the one who moved their own go-live status.
    """
    (entry,) = audit_record_each([(instance, params)], action, actor=actor, at=at)
    return entry


def audit_record_each(
    records, action: str, *, actor=None, at: dt.datetime | None = None
) -> list[ModelLogEntry]:
    """
    `audit_record` for many instances of one model at once, each with its own params
    (`records`: pairs of instance and params), in one INSERT: a bulk run's certificates.
    The action must be registered, as Wagtail's `log_action` checks; its other check (that
    the content type and the actor exist, a read each) is left to the foreign keys.
    """
    records = list(records)
    if not records:
        return []
    if any(instance.pk is None for instance, _params in records):
        raise ValueError(f"{action}: an instance without a primary key cannot be audited")
    probe = ModelLogEntry(action=action)
    probe.clean()  # an unregistered action fails here, not in the History view
    content_type = ContentType.objects.get_for_model(records[0][0], for_concrete_model=False)
    timestamp = at or timezone.now()
    actor_name = actor.get_full_name() if actor else ""
    return ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(instance.pk),
            label=ModelLogEntry.objects.get_instance_title(instance),
            action=action,
            user=actor,
            timestamp=timestamp,
            data={**params, "actor_name": actor_name},
        )
        for instance, params in records
    )


def audit_trail(instance: Model) -> QuerySet[ModelLogEntry]:
    """The entries recorded on `instance`, newest first."""
    return (
        ModelLogEntry.objects.for_instance(instance)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )


def audit_actor(entry: ModelLogEntry) -> str:
    """Who acted, as they were named when they acted; empty for the academy itself."""
    if not entry.user_id:
        return ""
    return entry.data.get("actor_name") or entry.user_display_name


def audit_formatter(label, message):
    """
    A Wagtail log formatter whose message is `message(params)`, called when the entry is
    read, in the reader's language. `label` names the action in the History view's filter.
    """

    class Formatter(LogFormatter):
        def format_message(self, log_entry):
            return message(log_entry.data)

    Formatter.label = label
    return Formatter


@dataclass
class AuditLine:
    at: dt.datetime
    message: str
    by: str


def audit_lines(instance: Model, limit: int = 100) -> list[AuditLine]:
    """The trail of `instance` as lines to show, each worded in the reader's language."""
    return [
        AuditLine(at=entry.timestamp, message=entry.message, by=audit_actor(entry))
        for entry in audit_trail(instance)[:limit]
    ]

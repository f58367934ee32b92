"""The certification audit trail: who did what to whose certification, and when."""

from certification.models import CertificationEvent


def certification_event_record(kind, *, user, certificate=None, actor=None, detail=""):
    CertificationEvent.objects.create(
        kind=kind,
        user=user,
        certificate=certificate,
        actor=actor,
        actor_name=actor.get_full_name() if actor else "",
        detail=detail,
    )

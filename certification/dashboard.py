"""
What certification adds to the home page (through lms.features): an agent's own status —
level and validity with the lapse warning, the open cycle's registration, the next
promotion step with what is missing — and the lead's to-do lines: people lapsing soon
who have not registered for the open cycle, people waiting for a recommendation.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate, Registration
from certification.selectors import (
    certificates_lapsing,
    certification_offers,
    current_cycle,
    promotion_options_for,
    standing_of,
    waiting_for_recommendation,
)


def my_status_panel(request) -> dict | None:
    """The person's certification at a glance (a fixed handful of queries)."""
    user = request.user
    today = timezone.localdate()
    certificates = list(
        Certificate.objects.filter(user=user).defer("credential").order_by("-issued_on", "-pk")
    )
    cycle, offers = certification_offers(user=user, today=today, certificates=certificates)
    standing = standing_of(certificates, today)
    options = promotion_options_for([user], today, standings={user.pk: standing})[user.pk]
    if not certificates and cycle is None and not options:
        return None
    registered = [offer for offer in offers if offer.registered]
    open_to_register = [
        offer
        for offer in offers
        if offer.can_register and not offer.registered and not offer.missing
    ]
    # The step nearest to reach: fewest requirements missing.
    next_step = min(options, key=lambda option: len(option.missing), default=None)
    return {
        "standing": standing,
        "cycle": cycle,
        "registered": registered,
        "open_to_register": open_to_register,
        "next_step": next_step,
        "url": reverse("certification:mine"),
    }


def lapsing_unregistered(people, today=None):
    """People whose current certificate lapses within the warning window and who have not
    registered for the current cycle (all such people when no cycle is open): the same rule
    as the team certification page's "lapsing and not registered" filter."""
    today = today or timezone.localdate()
    lapsing = certificates_lapsing(today, settings.CERTIFICATE_LAPSE_WARNING_DAYS).filter(
        user__in=people.values("pk")
    )
    cycle = current_cycle(today)
    if cycle is not None:
        lapsing = lapsing.exclude(
            user__in=Registration.objects.filter(cycle=cycle).values("user_id")
        )
    return lapsing.values("user_id").distinct()


def lapsing_unregistered_count(viewer, people) -> int:
    return lapsing_unregistered(people).count()


def recommendations_waiting_count(viewer, people) -> int | None:
    """People who meet a track step's every requirement but the viewer's recommendation."""
    if not viewer.has_perm("certification.add_recommendation"):
        return None
    return len(waiting_for_recommendation(people))

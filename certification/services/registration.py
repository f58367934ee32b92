"""Registering for a level in the cycle whose registration is open."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Level, Registration
from certification.selectors import cycle_open_for_registration, registration_missing
from lms.formatting import list_display
from lms.refusals import Refused


def registration_create(*, user, level: Level, today: dt.date | None = None) -> Registration:
    """Register for a level in the cycle whose registration is open; twice is once."""
    today = today or timezone.localdate()
    cycle = cycle_open_for_registration(today)
    if cycle is None:
        raise Refused("registration_closed", _("Registration is not open at the moment."))
    missing = registration_missing(user=user, level=level, today=today)
    if missing:
        raise Refused(
            "registration_requirements",
            _("You cannot register for this level yet: %(missing)s.")
            % {"missing": list_display(missing)},
        )
    return Registration.objects.get_or_create(user=user, cycle=cycle, level=level.code)[0]

"""
What a practice conversation's page says when the conversation is part of the person's
certification exam (a receiver of cases.signals.practice_page_notes): practice outside
certification stays unlimited, but someone in an open exam window should know whether the
run they start counts as one of their exam tries, or no longer counts at all.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certification.selectors import exam_practice_open_to


def exam_practice_notes(sender, user, simulation, **kwargs) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    notes = []
    for level, tries in exam_practice_open_to(
        user=user, simulation_id=simulation.pk, today=timezone.localdate()
    ):
        name = level.get_code_display()
        if tries.passed_run_id:
            continue
        if tries.used_up:
            text = ngettext(
                "Your %(tries)s exam try of this conversation for the %(level)s "
                "certification is used up: runs now are practice only and do not count "
                "towards the exam.",
                "Your %(tries)s exam tries of this conversation for the %(level)s "
                "certification are used up: runs now are practice only and do not count "
                "towards the exam.",
                tries.limit,
            ) % {"tries": tries.limit, "level": name}
            notes.append(("warning", text))
        elif tries.limit is not None:
            text = ngettext(
                "This conversation is part of your %(level)s certification exam: only your "
                "first %(limit)s finished runs in the exam window count; %(left)s is left.",
                "This conversation is part of your %(level)s certification exam: only your "
                "first %(limit)s finished runs in the exam window count; %(left)s are left.",
                tries.left,
            ) % {"level": name, "limit": tries.limit, "left": tries.left}
            notes.append(("info", text))
        else:
            notes.append(
                (
                    "info",
                    _(
                        "This conversation is part of your %(level)s certification exam: a "
                        "passed run in the exam window counts."
                    )
                    % {"level": name},
                )
            )
    return notes

"""A practice conversation as a go-live requirement (lms.features.register_golive_requirements):
the checklist shows it like a quiz, passed once a run ends well at or above its pass score."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import PracticeRun, Simulation
from lms.features import GoLiveRequirement
from lms.selectors.quiz import Step


def practice_golive_requirements(*, user, curriculum) -> list[GoLiveRequirement]:
    simulations = list(Simulation.objects.filter(live=True, golive_curricula=curriculum))
    if not simulations:
        return []
    runs: dict[int, list[PracticeRun]] = {s.pk: [] for s in simulations}
    for run in PracticeRun.objects.filter(user=user, simulation__in=simulations).order_by("pk"):
        runs[run.simulation_id].append(run)
    requirements = []
    for simulation in simulations:
        mine = runs[simulation.pk]
        finished = [r for r in mine if not r.is_open]
        scores = [r.total if r.total is not None else r.auto_total for r in finished]
        if any(r.passed for r in finished):
            step = Step.PASSED
        elif any(r.is_open for r in mine):
            step = Step.IN_PROGRESS
        elif finished:
            step = Step.NOT_PASSED
        else:
            step = Step.NOT_STARTED
        detail = _("pass score %(pass)s") % {"pass": simulation.pass_score}
        if scores:
            detail = _("best %(best)s, pass score %(pass)s") % {
                "best": max(s for s in scores if s is not None),
                "pass": simulation.pass_score,
            }
        requirements.append(
            GoLiveRequirement(
                key=f"practice:{simulation.pk}",
                label=_("Pass the practice conversation “%(title)s”") % {"title": simulation.title},
                done=step == Step.PASSED,
                step=step,
                start_url=reverse("cases:practice_play", args=[simulation.slug]),
                result_url=reverse("cases:practice_debrief", args=[finished[-1].pk])
                if finished
                else "",
                detail=detail,
            )
        )
    return requirements

"""
The trainers' side of practice in the CMS: the simulations (a snippet with drafts, preview
and history), each one's statistics with a download, and a rehearsal in which a trainer
plays the latest draft through and sees which rule fires; imported by cases.wagtail_hooks.
"""

import dataclasses

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core import signing
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from cases.models import EndState, Simulation
from cases.practice.diagram import graph_diagram
from cases.practice.engine import customer_next, judge, lines, turn_by_key
from cases.practice.scoring import conversation_scores, reply_marks
from cases.practice.services import OVERRIDE_ACTION, REVIEW_ACTION
from cases.practice.stats import BUCKETS, simulation_export_rows, simulation_stats
from cases.search.synonyms import synonym_map
from lms.audit import audit_formatter
from lms.exports import table_response
from lms.search.admin import ChineseSearchMixin


class SimulationIndexView(ChineseSearchMixin, SnippetIndexView):
    """Found by a Chinese word inside the title, as quizzes and questions are."""

    chinese_search_fields = ("title",)


class SimulationViewSet(SnippetViewSet):
    model = Simulation
    icon = "comment"
    menu_label = gettext_lazy("Practice simulations")
    menu_order = 222
    add_to_admin_menu = True
    list_display = ["title", "scenario_type", "difficulty", "pass_score"]  # status: Wagtail adds it
    search_fields = ["title"]
    index_view_class = SimulationIndexView


register_snippet(SimulationViewSet)


@hooks.register("register_snippet_listing_buttons")
def _practice_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Simulation) and user.has_perm("cases.view_simulation"):
        yield Button(_("Statistics"), reverse("practice_stats", args=[snippet.pk]), priority=30)
        yield Button(
            _("Play through"), reverse("practice_rehearse", args=[snippet.pk]), priority=31
        )


class _SimulationView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = "cases.view_simulation"
    raise_exception = True
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        self.simulation = get_object_or_404(Simulation, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.simulation.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": reverse("wagtailsnippets_cases_simulation:list"),
                "label": _("Practice simulations"),
            },
            {"url": "", "label": self.simulation.title},
        ]


class SimulationStatsView(_SimulationView):
    template_name = "cases/practice/admin/stats.html"
    page_title = gettext_lazy("Practice statistics")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "stats": simulation_stats(self.simulation),
            "buckets": [f"{low}–{high}" for low, high in BUCKETS],
            "end_labels": dict(EndState.choices),
        }


class SimulationExportView(PermissionRequiredMixin, View):
    permission_required = "cases.view_simulation"
    raise_exception = True

    def get(self, request, pk, fmt):
        simulation = get_object_or_404(Simulation, pk=pk)
        headers = [
            _("Employee no."), _("Name"), _("Team"), _("End"), _("Attitude"),
            _("Problem solving"), _("Compliance"), _("Automatic total"), _("Overridden total"),
            _("Passed"), _("Replies over 30 s"), _("Finished at"),
        ]  # fmt: skip
        return table_response(
            fmt=fmt,  # csv or xlsx: the address's <export:fmt> admits nothing else
            filename=f"practice-{simulation.slug}.{fmt}",
            headers=[str(h) for h in headers],
            rows=simulation_export_rows(simulation),
            sheet_title=_("Practice runs"),
        )


class SimulationRehearseView(_SimulationView):
    """
    The trainer plays the latest draft through: nothing is recorded, the state travels in
    a signed form field, and each reply shows which rule fired and what scoring found.
    """

    template_name = "cases/practice/admin/rehearse.html"
    page_title = gettext_lazy("Play through")
    salt = "cases.practice.rehearse"

    def _start(self, graph):
        return {"turn": graph[0]["key"], "customer": graph[0]["customer"],
                "mood": self.draft.start_mood, "log": [], "end": ""}  # fmt: skip

    def get_context_data(self, **kwargs):
        if not hasattr(self, "draft"):  # a POST has loaded it already
            self.draft = self.simulation.get_latest_revision_as_object()
        graph = self.draft.graph()
        state = getattr(self, "state", None) or (self._start(graph) if graph else None)
        context = {
            **super().get_context_data(**kwargs),
            "draft": self.draft,
            "diagram": graph_diagram(graph),
            "state": state,
            "token": signing.dumps(state, salt=self.salt) if state else "",
            "end_labels": dict(EndState.choices),
        }
        if state and state["end"]:
            context["scores"] = conversation_scores(
                [{"marks": e["marks"], "seconds": e["seconds"]} for e in state["log"]],
                end_state=state["end"],
                weights=self.draft.weights(),
            )
        return context

    def post(self, request, *args, **kwargs):
        self.draft = self.simulation.get_latest_revision_as_object()
        graph = self.draft.graph()
        try:
            state = signing.loads(request.POST.get("state", ""), salt=self.salt)
        except signing.BadSignature:
            state = None
        if not state or request.POST.get("restart") or state["end"]:
            self.state = self._start(graph) if graph else None
            return self.render_to_response(self.get_context_data())
        try:
            seconds = max(0, min(600, int(request.POST.get("seconds") or 5)))
        except ValueError:
            seconds = 5
        text = (request.POST.get("reply") or "").strip()[:1000]
        turn = turn_by_key(graph, state["turn"]) or {"key": state["turn"], "rules": []}
        synonyms = synonym_map()
        outcome = judge(turn, text, seconds=seconds, mood=state["mood"], synonyms=synonyms)
        marks = reply_marks(
            text, synonyms=synonyms, forbidden_extra=lines(self.draft.forbidden_phrases)
        )
        number = None if outcome.rule_index is None else outcome.rule_index + 1
        state["log"].append({
            "customer": state["customer"], "reply": text, "seconds": seconds,
            "rule": outcome.rule_label, "rule_number": number, "matched": list(outcome.matched),
            "mood": outcome.mood, "marks": dataclasses.asdict(marks),
        })  # fmt: skip
        state["mood"] = outcome.mood
        if outcome.end_state:
            state["end"] = outcome.end_state
        else:
            state["turn"], state["customer"] = customer_next(graph, turn, outcome)
        self.state = state
        return self.render_to_response(self.get_context_data())


@hooks.register("register_admin_urls")
def register_practice_admin_urls():
    return [
        path("practice/<id:pk>/stats/", SimulationStatsView.as_view(), name="practice_stats"),
        path(
            "practice/<id:pk>/stats/<export:fmt>/",
            SimulationExportView.as_view(),
            name="practice_export",
        ),
        path(
            "practice/<id:pk>/rehearse/",
            SimulationRehearseView.as_view(),
            name="practice_rehearse",
        ),
    ]


def _override_message(params: dict) -> str:
    return _("Practice score overridden: %(before)s → %(after)s (%(reason)s)") % {
        "before": params.get("before"),
        "after": params.get("after"),
        "reason": params.get("reason") or "",
    }


def _review_message(params: dict) -> str:
    return _("Practice run reviewed: total %(after)s") % {"after": params.get("after")}


@hooks.register("register_log_actions")
def register_practice_log_actions(actions):
    actions.register_action(OVERRIDE_ACTION)(
        audit_formatter(gettext_lazy("Practice score overridden"), _override_message)
    )
    actions.register_action(REVIEW_ACTION)(
        audit_formatter(gettext_lazy("Practice run reviewed"), _review_message)
    )

"""
How feature apps plug into the core without the core importing them.

`lms` is the academy's core (people, roles, curricula, quizzes, go-live, notices); `cases`
and `certification` build on it. Where the core must reach a feature — a rule the quiz
engine has to obey, a menu entry, a dashboard panel, the demo data, the start of a web
worker — the feature registers itself here from its `AppConfig.ready()`, the way Wagtail's
hooks work, and the core asks the registry. Events the core announces (an attempt graded)
are Django signals in `lms.signals`.

Registration happens once per process, at start-up, before any request or job runs, so the
lists below are read without locks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

# --- Rules the quiz engine obeys ----------------------------------------------------------


@dataclass(frozen=True)
class AttemptRules:
    """
    What a feature adds to a quiz's own rules for one person now. `refusal` (a message for
    the learner) stops a new attempt; attempts started before `counts_from` belong to an
    earlier round (a certification exam returns every half year) and neither use up
    attempts nor count towards the result.
    """

    refusal: str | None = None
    counts_from: dt.datetime | None = None


AttemptRulesProvider = Callable[..., AttemptRules]
_attempt_rules: list[AttemptRulesProvider] = []


def register_attempt_rules(provider: AttemptRulesProvider) -> None:
    """`provider(*, user, quiz, now) -> AttemptRules`; return `AttemptRules()` when the quiz
    is none of the feature's business (one cheap query at most: it runs on every start).
    Its answer may change with the day or with rows registered in lms.person_rows, not
    within a day on its own: a learner's quiz page is kept for the day."""
    if provider not in _attempt_rules:
        _attempt_rules.append(provider)


def attempt_rules(*, user, quiz, now: dt.datetime) -> AttemptRules:
    """Every feature's rules for this quiz, combined: the first refusal, the latest start."""
    refusal = None
    counts_from = None
    for provider in _attempt_rules:
        rules = provider(user=user, quiz=quiz, now=now)
        refusal = refusal or rules.refusal
        if rules.counts_from and (counts_from is None or rules.counts_from > counts_from):
            counts_from = rules.counts_from
    return AttemptRules(refusal=refusal, counts_from=counts_from)


# --- Lessons a feature asks a person to read again ---------------------------------------


@dataclass(frozen=True)
class RereadRequest:
    """
    Something asking a person to read a lesson again, which they last read before it asked:
    a round of recurring training (kind "round"), a product's refresher (kind "refresher").
    `name` is the round's schedule or the product; the lesson page words the request by
    kind and offers to mark the lesson read again.
    """

    kind: str
    name: str
    due_on: dt.date


RereadProvider = Callable[..., "RereadRequest | None"]
_reread_providers: list[RereadProvider] = []


def register_reread_provider(provider: RereadProvider) -> None:
    """`provider(*, user, lesson, read_at) -> RereadRequest | None`: one query at most (it
    runs on every lesson page the person has read)."""
    if provider not in _reread_providers:
        _reread_providers.append(provider)


def reread_requests(*, user, lesson, read_at: dt.datetime) -> list[RereadRequest]:
    """Every registered feature's request to read the lesson again, soonest due first."""
    found = [provider(user=user, lesson=lesson, read_at=read_at) for provider in _reread_providers]
    return sorted((r for r in found if r is not None), key=lambda r: r.due_on)


# --- What else the go-live check asks for ------------------------------------------------


@dataclass(frozen=True)
class GoLiveRequirement:
    """
    One more thing a feature requires before a new hire goes live (a practice conversation
    passed, ...), shown on the checklist like a quiz: `step` is one of
    lms.selectors.quiz.Step's values; `start_url` is where to do it, `result_url` where
    the latest result is, `detail` a short line beside it (a best score).
    """

    key: str
    label: str
    done: bool
    step: str
    start_url: str = ""
    result_url: str = ""
    detail: str = ""


GoLiveRequirementsProvider = Callable[..., list[GoLiveRequirement]]
_golive_requirements: list[GoLiveRequirementsProvider] = []


def register_golive_requirements(provider: GoLiveRequirementsProvider) -> None:
    """`provider(*, user, curriculum) -> [GoLiveRequirement]`: what the feature requires of
    this person for this onboarding curriculum (a fixed number of queries, usually one)."""
    if provider not in _golive_requirements:
        _golive_requirements.append(provider)


def golive_requirements(*, user, curriculum) -> list[GoLiveRequirement]:
    return [
        requirement
        for provider in _golive_requirements
        for requirement in provider(user=user, curriculum=curriculum)
    ]


# --- The signed-in frame: menu entries and dashboard panels --------------------------------


@dataclass(frozen=True)
class NavItem:
    """
    One entry of the main menu. `url` is called per request (it may read a per-worker
    cache); `visible(user)` decides who sees it; `active(path)` marks the current section.
    """

    key: str
    label: Any  # a lazy translation
    url: Callable[[], str | None]
    order: int
    visible: Callable[[Any], bool] = lambda user: True
    active: Callable[[str, str], bool] = lambda path, url: path == url
    # How many things wait there for this person (a to-do count), shown as a badge.
    badge: Callable[[Any], int | None] | None = None


_nav_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    _nav_items[item.key] = item


def nav_items() -> list[NavItem]:
    return sorted(_nav_items.values(), key=lambda item: item.order)


@dataclass(frozen=True)
class DashboardPanel:
    """
    A panel on the signed-in home page. `context(request)` returns the template's context,
    or None when the panel has nothing for this person (it is then left out). A panel costs
    a fixed number of queries, whatever the size of the centre.
    """

    key: str
    template_name: str
    context: Callable[[Any], dict | None]
    order: int


_dashboard_panels: dict[str, DashboardPanel] = {}


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _dashboard_panels[panel.key] = panel


def dashboard_panels() -> list[DashboardPanel]:
    return sorted(_dashboard_panels.values(), key=lambda panel: panel.order)


# --- Notices: what happened, told to one person -------------------------------------------


@dataclass(frozen=True)
class NoticeKind:
    """
    One kind of notice (a reply scored, a certificate issued ...). A notice is stored as its
    kind's `code` with parameters and rendered here, in the reader's language, when it is
    read or mailed: no sentence is ever stored, so switching language changes old notices
    too. `title` and `body` are lazy translations with %(name)s placeholders; `prepare`
    turns stored parameters (codes, ISO dates) into display values at read time. `label`
    names the kind on the person's e-mail settings.
    """

    code: str
    label: Any
    title: Any
    body: Any = None
    prepare: Callable[[dict], dict] | None = None
    emailed: bool = True


_notice_kinds: dict[str, NoticeKind] = {}


def register_notice_kind(kind: NoticeKind) -> None:
    _notice_kinds[kind.code] = kind


def notice_kind(code: str) -> NoticeKind | None:
    return _notice_kinds.get(code)


def notice_kinds() -> list[NoticeKind]:
    return list(_notice_kinds.values())


# --- The lead's to-do list ------------------------------------------------------------------


@dataclass(frozen=True)
class LeadTodo:
    """
    One line of a lead's to-do list (班组长工作台): `count(viewer, people)` says how many
    things wait, over `people` (the viewer's active staff, a QuerySet: one or two COUNT
    queries, whatever the team's size), or None when the line is none of the viewer's
    business; `url` is where the work is done; `label` (a lazy translation) names what
    waits, the count is shown beside it. Lines are shown by `order`.
    """

    key: str
    label: Any
    count: Callable[[Any, Any], int | None]
    url: Callable[[], str]
    order: int


_lead_todos: dict[str, LeadTodo] = {}


def register_lead_todo(todo: LeadTodo) -> None:
    _lead_todos[todo.key] = todo


def lead_todos() -> list[LeadTodo]:
    return sorted(_lead_todos.values(), key=lambda todo: todo.order)


# --- Background work the reconciler finishes ----------------------------------------------

_reconcilers: dict[str, Callable[..., int]] = {}


def register_reconciler(name: str, reconcile: Callable[..., int]) -> None:
    """
    `reconcile(*, now) -> int` finishes, exactly once, whatever the feature's jobs left
    undone because a worker died or a queue message was lost (the database says what is
    undone); it returns how many things it handed on. Run every minute by
    `lms.tasks.jobs_reconcile`.
    """
    _reconcilers[name] = reconcile


def reconcilers() -> dict[str, Callable[..., int]]:
    return dict(_reconcilers)


# --- Start-up, demo data and synthetic centres ---------------------------------------------

_warm_ups: dict[str, Callable[[], None]] = {}


def register_warm_up(name: str, warm_up: Callable[[], None]) -> None:
    """Work a web worker does once when it starts rather than in someone's first request."""
    _warm_ups[name] = warm_up


def warm_up_all() -> None:
    for warm_up in _warm_ups.values():
        warm_up()


def _resolved(target: Callable | str) -> Callable:
    return import_string(target) if isinstance(target, str) else target


@dataclass(frozen=True)
class DemoLoader:
    """
    Loads one app's part of the demo academy (`manage.py seed_demo`), idempotently. Loaders
    run by `order`: the core's people and curricula first, then the features that refer to
    them. `load(*, stdout)` writes a line about what it did. `load` may be a dotted path,
    imported only when the demo is loaded, so a web worker's start-up imports none of it.
    """

    name: str
    load: Callable[..., None] | str
    order: int

    def run(self, **kwargs) -> None:
        _resolved(self.load)(**kwargs)


_demo_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(loader: DemoLoader) -> None:
    _demo_loaders[loader.name] = loader


def demo_loaders() -> list[DemoLoader]:
    return sorted(_demo_loaders.values(), key=lambda loader: loader.order)


@dataclass(frozen=True)
class SiteBuilder:
    """
    Builds one app's part of a synthetic centre for benchmarks (`manage.py generate_site`),
    by `order`, each in its own transaction, after the core's people, teams and onboarding.
    `build(*, size, rng, people, now, today, progress, **more)` gets the size's name ("S",
    "M", "L"), the random source every part shares (so one seed gives one centre), the
    synthetic staff and `progress(stage, done, total)`; it returns counts of what it made
    (`{"cases": 200}`) for the command's summary. `build` may be a dotted path, imported
    only when a centre is generated.
    """

    name: str
    build: Callable[..., dict] | str
    order: int

    def run(self, **kwargs) -> dict:
        return _resolved(self.build)(**kwargs)


_site_builders: dict[str, SiteBuilder] = {}


def register_site_builder(builder: SiteBuilder) -> None:
    _site_builders[builder.name] = builder


def site_builders() -> list[SiteBuilder]:
    return sorted(_site_builders.values(), key=lambda builder: builder.order)

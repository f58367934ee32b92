"""
Parts of pages kept, rendered, in the shared cache for the person who asked, until anything
they were built from changes.

A kept part names the people whose rows it shows (the viewer on the dashboard, the members
in scope on a lead's page) and depends on each one's generation (lms.person_rows), on the
academy's shared rows, pages and permissions; its key holds the viewer, the language, the
day (due dates and lapses move with it), the code release (a new version builds afresh) and
whatever else selects it (a filter's query string). A part that holds forms is rendered
with a placeholder for the form token, and each request puts its own in. A part that would
read differently at a known time with nothing written (a retake allowed from 14:30) says so
(`KeptUntil`) and is built afresh from then on.
"""

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lms.auth import GENERATION_KEY as PERMISSIONS_GENERATION_KEY
from lms.generations import code_release, generation_cached
from lms.person_rows import ACADEMY_GENERATION_KEY, person_generation_key
from lms.routing import PAGES_GENERATION_KEY
from lms.selectors.people import staff_visible_to

# Only bounds how long a part nobody asks for again takes up memory: a part is current while
# its generations are, however old. One part a person (the dashboard) lasts the working day;
# a reader's copy of a CMS page, of which a person may open dozens, half a morning; one per
# query string (a search's results), the few minutes of going back to them.
KEPT_SECONDS = 60 * 60 * 12
KEPT_PAGE_SECONDS = 60 * 60 * 2
KEPT_VARIANT_SECONDS = 60 * 15
CSRF_PLACEHOLDER = "kept-page-csrf-token"
# Beyond this many people in scope (HR sees everyone) a part is built every time: reading
# thousands of generations would cost more than it saves.
KEPT_PEOPLE_AT_MOST = 1_000


@dataclass(frozen=True)
class KeptUntil:
    """What a part's `build()` returns when the part is current only until `until` (None:
    no such time) even if nothing it was built from is written."""

    html: str
    until: dt.datetime | None


def kept_render(template_name: str, context: dict) -> str:
    """A kept part's template rendered without the request (no context processors run; the
    template names everything it shows), forms carrying the placeholder token."""
    return render_to_string(template_name, {**context, "csrf_token": CSRF_PLACEHOLDER})


def kept_part(
    request,
    name: str,
    *,
    people,
    build,
    selector: str = "",
    generations: tuple[str, ...] = (),
    seconds: int = KEPT_SECONDS,
) -> SafeString:
    """
    `build()`'s HTML for this viewer, kept under the generations of `people` (user ids, in
    a fixed order), of the academy, pages and permissions, and any more a feature keeps
    (`generations`: its search index). `selector` tells apart the variants one viewer may
    ask for (a query string). `build()` may return a `KeptUntil`.
    """
    people = list(people)
    if len(people) > KEPT_PEOPLE_AT_MOST:
        return _with_token(request, _built(build)[0])
    generations = _generations_of(people, generations)
    variant = hashlib.blake2b(selector.encode(), digest_size=8).hexdigest() if selector else ""
    key = ":".join(
        (
            "kept",
            name,
            code_release(),
            str(request.user.pk),
            get_language() or "",
            timezone.localdate().isoformat(),
            variant,
        )
    )
    html, _until = generation_cached(
        generations,
        key,
        lambda: _built(build),
        seconds,
        fresh=lambda kept: kept[1] is None or time.time() < kept[1],
    )
    return _with_token(request, html)


def _built(build) -> tuple[str, float | None]:
    """(the part's HTML, the moment it stops being current as a timestamp, or None)."""
    part = build()
    if isinstance(part, KeptUntil):
        return str(part.html), part.until.timestamp() if part.until else None
    return str(part), None


def kept_answer(request, name: str, build):
    """
    A reader's answer that decides which page they get (a lesson's module lock), kept as a
    part is, under their own, the academy's, the pages' and the permissions' generations:
    asked before a kept part is used, it would otherwise cost the part's saving back.
    """
    generations = _generations_of([request.user.pk])
    key = ":".join(("kept-answer", name, code_release(), str(request.user.pk)))
    return generation_cached(generations, key, lambda: (build(),), KEPT_PAGE_SECONDS)[0]


def _generations_of(people, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What every kept part depends on: the academy's shared rows, pages, permissions, a
    feature's own (`extra`) and each person's rows it shows."""
    return (
        ACADEMY_GENERATION_KEY,
        PAGES_GENERATION_KEY,
        PERMISSIONS_GENERATION_KEY,
        *extra,
        *map(person_generation_key, people),
    )


def _with_token(request, html: str) -> SafeString:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - our templates' output, escaped when it was built


def kept_team_part(request, name: str, build) -> SafeString:
    """A lead's page of the people in their scope, kept per filter (the query string) under
    every one of those people's generations: one query lists them."""
    people = staff_visible_to(request.user).order_by("pk").values_list("pk", flat=True)
    return kept_part(request, name, people=people, selector=request.GET.urlencode(), build=build)


def kept_page_serve(
    page,
    request,
    body_template: str,
    *,
    selector: str = "",
    generations: tuple[str, ...] = (),
    **context_overrides,
) -> TemplateResponse | None:
    """
    A CMS page whose body (`body_template`, rendered with the page's own context) is kept
    for its reader: what `Page.serve` would answer, or None when it must be built as
    Wagtail builds it (a preview, a page not saved yet, nobody signed in). The page's
    template shows `body`. A routable page passes its route's `context_overrides` and, as
    `selector`, what tells its routes and queries apart.
    """
    if not page.pk or getattr(request, "is_preview", False) or not request.user.is_authenticated:
        return None

    def build():
        context = {**page.get_context(request), **context_overrides, "request": request}
        return kept_render(body_template, context)

    body = kept_part(
        request,
        f"page:{page.pk}",
        people=[request.user.pk],
        selector=selector,
        generations=generations,
        seconds=KEPT_VARIANT_SECONDS if selector else KEPT_PAGE_SECONDS,
        build=build,
    )
    return TemplateResponse(
        request, page.get_template(request), {"page": page, **context_overrides, "body": body}
    )

"""
Wagtail's routing of an address to a page, kept in the shared cache (KeptRouteMiddleware),
and the generation that retires every kept route when a page or a site changes.
"""

import hashlib
import logging

from django.db.models.signals import post_delete, post_save
from django.http import Http404
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.views import serve as wagtail_serve

from lms.generations import generation_bump, generation_cached

logger = logging.getLogger(__name__)

PAGES_GENERATION_KEY = "wagtail:pages:generation"


class KeptRouteMiddleware:
    """
    The page an address leads to, kept in the shared cache instead of walked down the tree
    on every request: Wagtail's routing reads the site's root page, then each page on the
    way, each made specific (four queries and about a tenth of a page's time for a case at
    size L). Kept is the page routing reached, pickled as routing left it (before any view
    touched it), and how many of the address's parts it took; a request unpickles its own
    copy and lets the page route the rest itself (a routable page's sub-address, such as
    the library's search), so Wagtail's serve, its view restrictions and the page's own
    `serve` run as before. Any page saved, published, unpublished, moved or deleted, and
    any site changed, retires every kept route (pages_changed), so an edit is seen on the
    next request. Only GET and HEAD, only addresses that routed to a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or request.method not in ("GET", "HEAD"):
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        site = Site.find_for_request(request)
        if site is None or hasattr(request, "_wagtail_route_for_request"):
            return None
        components = [part for part in path.split("/") if part]
        key = f"wagtail:route:{site.pk}:" + hashlib.sha256(path.encode()).hexdigest()
        try:
            kept = generation_cached(
                PAGES_GENERATION_KEY, key, lambda: _routed(request, path, site), 60 * 60
            )
        except _NotRouted:
            return None  # Wagtail's answer (none) is on the request already
        except Exception:
            # The cache is down: Wagtail routes the request itself.
            logger.warning("kept route lookup failed", exc_info=True)
            return None
        if not hasattr(request, "_wagtail_route_for_request"):  # not routed just now
            page, taken = kept
            try:
                request._wagtail_route_for_request = page.route(request, components[taken:])
            except Http404:
                request._wagtail_route_for_request = None
        return None


def _routed(request, path, site):
    """The page Wagtail's routing reaches for `path` (and leaves on the request) and how
    many of the address's parts it took; _NotRouted when none (not kept: addresses that
    lead nowhere are anyone's to make up, and not worth the cache's room)."""
    result = Page.route_for_request(request, path)
    if result is None:
        raise _NotRouted
    page = result[0]
    return page, page.depth - site.root_page.depth


class _NotRouted(Exception):
    pass


def pages_changed(**_kwargs) -> None:
    """Every kept route is stale from now on: call after changing page rows by an
    `update()` (signals cover every save, publication, move and deletion)."""
    generation_bump(PAGES_GENERATION_KEY)


def _page_saved_or_deleted(sender, **kwargs) -> None:
    if issubclass(sender, (Page, Site)):
        pages_changed()


def connect_route_signals() -> None:
    """Called once the apps are ready: any process that saves, publishes, moves or deletes a
    page, or changes a site (the CMS, a command, a task), retires every kept route."""
    for signal in (post_save, post_delete):
        signal.connect(_page_saved_or_deleted, dispatch_uid=f"kept-route-{signal}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(pages_changed, dispatch_uid=f"kept-route-{signal}")

import logging
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin
from wagtail.models import Site

from lms.auth import permissions_cache_keys
from lms.generations import generation_bump, generation_cached, reading_ahead
from lms.selectors.notices import notices_unread_cache_keys
from lms.views.errors import bad_request


class ChineseFirstLocaleMiddleware(MiddlewareMixin):
    """
    Simplified Chinese unless the person chose otherwise with the language switch. The
    browser's Accept-Language is not consulted: many centres run English-language Windows
    whose browsers ask for English although the staff read Chinese.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RequestSizeLimitMiddleware:
    """
    A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused before any view runs, with the 413
    page in the reader's language (lms.views.errors). Django checks the limit only when a
    view reads the body, so a button that posts nothing it reads (mark as read, start a
    quiz) would otherwise act on a 10 MB request. A large upload (multipart) is parsed here
    as the view would parse it: Django counts its fields against the limit, not its files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            if not request.content_type.startswith("multipart/"):
                return bad_request(request, RequestDataTooBig())
            try:
                request.POST  # noqa: B018 - Django's parser counts the fields, not the files
            except RequestDataTooBig as too_big:
                return bad_request(request, too_big)
        return self.get_response(request)


logger = logging.getLogger(__name__)
SITES_GENERATION_KEY = "wagtail:sites:generation"


class KeptSiteMiddleware:
    """
    The Wagtail site that answers this request's host, read from the shared cache instead
    of a query on every page (Wagtail looks it up once a request, by hostname and port, with
    an annotated query that costs more to build than to run). Sites change about never;
    saving or deleting one moves the kept lookups' generation on (connect_site_signals). The request
    gets it where Wagtail's own `Site.find_for_request` keeps it, so Wagtail and everything
    after it reads the same site.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "_wagtail_site"):
            return self.get_response(request)
        hostname = split_domain_port(request._get_raw_host())[0]
        key = f"wagtail:site-for:{hostname}:{request.get_port()}"
        with ExitStack() as read_ahead:
            try:
                read_ahead.enter_context(reading_ahead(_frame_keys(request, key)))
                request._wagtail_site = generation_cached(
                    SITES_GENERATION_KEY, key, lambda: Site._find_for_request(request), 60 * 60
                )
            except Exception:
                # The cache or the database is down: Wagtail looks the site up itself, so the
                # page that needs a site fails as it would have, and one that does not
                # (/healthz reporting the outage) still answers.
                logger.warning("kept site lookup failed", exc_info=True)
            return self.get_response(request)


def _frame_keys(request, site_key: str) -> list[str]:
    """
    What every page's frame will ask the shared cache for, read in one round trip instead
    of one each: the site and, for a signed-in person reading a page, their permissions
    (the menu) and the bell's count. A write (POST) asks as it goes: it may move them.
    """
    keys = [SITES_GENERATION_KEY, site_key]
    if request.method in ("GET", "HEAD") and request.user.is_authenticated:
        keys += permissions_cache_keys(request.user.pk)
        keys += notices_unread_cache_keys(request.user.pk)
    return keys


def _sites_changed(**_kwargs) -> None:
    generation_bump(SITES_GENERATION_KEY)


def connect_site_signals() -> None:
    """Called once the apps are ready: any process that saves a site (the CMS, a command)
    retires every kept lookup."""
    for signal in (post_save, post_delete):
        signal.connect(_sites_changed, sender=Site, dispatch_uid=f"kept-site-{signal}")

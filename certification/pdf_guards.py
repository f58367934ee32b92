"""
The two guards around every certificate render, because the PDF is produced unattended in a
background worker from text that came from HR imports (certification.rendering uses them):

- `RestrictedURLFetcher` lets WeasyPrint read nothing but `data:` URLs, the project's own
  static files and the fonts built into CERTIFICATE_FONT_DIR, so a stray or injected URL can
  neither read the worker's disk (file://) nor make it call other machines (http://,
  https://, ftp://, the cloud metadata address...).
- `render_time_limit` stops a render that runs past a number of seconds, so one pathological
  certificate cannot hold a worker (and the row lock) for the whole django-q2 task timeout.
"""

import mimetypes
import re
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The one scheme besides data: that the fetcher serves: `academy-static:img/logo.svg` is the
# file `img/logo.svg` as the staticfiles finders see it. A scheme of its own (rather than
# STATIC_URL) needs no base URL and cannot be confused with a real web address.
STATIC_SCHEME = "academy-static"
# Certificate artwork is a logo, not a photo album: anything bigger is a mistake that
# would slow every render down.
STATIC_MAX_BYTES = 512 * 1024
STATIC_TYPES = ("image/", "text/css", "font/")
# The certificate's compact font (see build_certificate_font) and any other font lying
# directly inside settings.CERTIFICATE_FONT_DIR, served as `academy-font:<file name>`.
FONT_SCHEME = "academy-font"
# The compact font is ~3 MB; a full CJK font (~26 MB) has no business here.
FONT_MAX_BYTES = 16 * 1024 * 1024
FONT_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.(ttf|otf)")
FONT_TYPES = {"ttf": "font/ttf", "otf": "font/otf"}
# What a TrueType or OpenType font file starts with.
FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"true", b"OTTO")


class CertificateRenderTimeout(Exception):
    """A render ran past CERTIFICATE_RENDER_TIMEOUT_SECONDS and was stopped."""


class _RenderDeadline(BaseException):
    # Raised from the SIGALRM handler. A BaseException, because WeasyPrint catches
    # `Exception` around resource loading and would log it and carry on.
    pass


class RestrictedURLFetcher(URLFetcher):
    """
    WeasyPrint's URL fetcher, cut down to `data:` URLs, the project's static files and the
    built certificate fonts.

    WeasyPrint follows every URL in a document (images, stylesheets, @import, fonts) with
    urllib, which reads local files and calls any host. The certificate needs neither: its
    QR code is inline, its logo is a static file and its font is built into
    CERTIFICATE_FONT_DIR. Everything else raises, which WeasyPrint logs and skips, so nothing
    is ever read from disk or the network except files the staticfiles finders would publish
    anyway and font files lying directly in that one folder.
    """

    def __init__(self, **kwargs):
        # urllib only ever sees data: URLs (see `fetch`); saying so here as well means a
        # future change to `fetch` cannot quietly open the other protocols again.
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == STATIC_SCHEME:
            return self._static(url)
        if scheme == FONT_SCHEME:
            return self._font(url)
        raise ValueError(f"certificates may not load {url[:80]!r}")

    def _static(self, url: str) -> URLFetcherResponse:
        name = unquote(url.split(":", 1)[1]).split("?", 1)[0].split("#", 1)[0]
        if not name or name.startswith("/") or "\\" in name or "\x00" in name:
            raise ValueError(f"not a static file name: {name[:80]!r}")
        if ".." in name.split("/"):
            raise ValueError(f"path traversal refused: {name[:80]!r}")
        content_type, _ = mimetypes.guess_type(name)
        if not content_type or not content_type.startswith(STATIC_TYPES):
            raise ValueError(f"not an image, stylesheet or font: {name[:80]!r}")
        path = finders.find(name)
        if not path:
            raise ValueError(f"no such static file: {name[:80]!r}")
        with open(path, "rb") as file:
            body = file.read(STATIC_MAX_BYTES + 1)
        if len(body) > STATIC_MAX_BYTES:
            raise ValueError(f"static file too big for a certificate: {name[:80]!r}")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _font(self, url: str) -> URLFetcherResponse:
        name = unquote(url.split(":", 1)[1])
        match = FONT_FILE_NAME.fullmatch(name)
        if not match:  # no folders, no traversal, no query: a plain .ttf or .otf name
            raise ValueError(f"not a font file name: {name[:80]!r}")
        folder = Path(settings.CERTIFICATE_FONT_DIR).resolve()
        path = (folder / name).resolve()
        # resolve() follows symbolic links, so a link out of the folder is refused as well.
        if path.parent != folder or not path.is_file():
            raise ValueError(f"no such certificate font: {name[:80]!r}")
        with open(path, "rb") as file:
            body = file.read(FONT_MAX_BYTES + 1)
        if len(body) > FONT_MAX_BYTES:
            raise ValueError(f"font too big for a certificate: {name[:80]!r}")
        if body[:4] not in FONT_SIGNATURES:
            raise ValueError(f"not a TrueType or OpenType font: {name[:80]!r}")
        content_type = FONT_TYPES[match[1]]
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


@contextmanager
def render_time_limit(seconds: float):
    """
    Raise CertificateRenderTimeout if the block runs longer than `seconds`.

    Uses SIGALRM, which only the main thread can receive; django-q2 workers run each task
    in their process's main thread. Elsewhere (a thread of a web server) the block runs
    without a limit of its own. django-q2 arms the same alarm for its task timeout, so an
    alarm already set is kept: if it is due first it still ends the block, and it is
    re-armed with the time it has left afterwards.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = True

    def expire(signum, frame):
        if armed:
            raise _RenderDeadline

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expire)
    outer_left, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    limit = min(seconds, outer_left) if outer_left > 0 else seconds
    if limit < seconds:
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    except _RenderDeadline:
        raise CertificateRenderTimeout(
            f"rendering took longer than {limit:g} seconds and was stopped"
        ) from None
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_left > 0:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_interval)

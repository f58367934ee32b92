"""
The certificate PDF is rendered without reading anything but our own static files and
built fonts, and within a time limit.
"""

import http.server
import re
import shutil
import signal
import threading
import time
from unittest import mock

import pytest
from weasyprint import HTML

from certification import pdf_guards, rendering
from certification.models import Certificate, LevelCode
from certification.pdf_guards import CertificateRenderTimeout, RestrictedURLFetcher
from certification.rendering import (
    CERTIFICATE_FONT_FILE,
    certificate_font_url,
    certificate_html,
    certificate_pdf,
    html_pdf,
    minimal_pdf,
)
from certification.services import certificate_render
from tests.certification.pdf.support import (
    COMPACT_FONT_NAME,
    LOGO,
    PDFTOTEXT,
    assert_one_a4_landscape_page,
    embedded_fonts,
    page_sizes,
    pdf_text,
)
from tests.factories import certification as cert

# --- Nothing is read but our own static files ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/logo.png",
        "https://example.com/logo.png",
        "ftp://example.com/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "academy-static:../../../../etc/passwd",
        "academy-static:img/../../../../../etc/passwd",
        "academy-static:%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "academy-static:/etc/passwd",
        "academy-static:img\\..\\..\\settings.py",
        "academy-static:js/attempt.js",  # a static file, but not an image, stylesheet or font
        "academy-static:img/no-such-logo.svg",
    ],
)
def test_the_fetcher_refuses_everything_but_data_and_static_assets(url):
    with pytest.raises(ValueError):
        RestrictedURLFetcher().fetch(url)


def test_the_fetcher_serves_the_static_logo_and_data_urls():
    response = RestrictedURLFetcher().fetch("academy-static:img/logo.svg")
    assert response.read() == LOGO.read_bytes()
    assert response.content_type == "image/svg+xml"
    data = RestrictedURLFetcher().fetch("data:text/plain;base64,5a6i5pyN")
    assert data.read().decode() == "客服"


def test_the_certificate_loads_its_logo_through_the_fetcher(issued, fresh_font_config):
    fetched = []
    real_fetch = RestrictedURLFetcher.fetch

    def spy(self, url, headers=None):
        response = real_fetch(self, url, headers)
        fetched.append(url)
        return response

    with mock.patch.object(RestrictedURLFetcher, "fetch", spy):
        certificate_pdf(issued)
    # The font as well, when this thread's font configuration has not loaded it yet.
    assert [url for url in fetched if url != certificate_font_url()] == [
        "academy-static:img/logo.svg"
    ]


def test_the_font_and_logo_are_read_once_per_worker_thread_not_per_certificate(
    issued, fresh_font_config
):
    fetched = []
    real_fetch = RestrictedURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    with mock.patch.object(RestrictedURLFetcher, "fetch", spy):
        for _ in range(3):
            fonts = embedded_fonts(certificate_pdf(issued))
            assert all(COMPACT_FONT_NAME.fullmatch(font) for font in fonts), fonts
    assert fetched.count(certificate_font_url()) == 1
    assert fetched.count("academy-static:img/logo.svg") == 1
    # WeasyPrint keeps one copy of each @font-face per configuration, however many renders.
    assert len(list(rendering._fonts.config._folder.iterdir())) == 1


def test_the_fetcher_serves_the_compact_font(compact_font):
    response = RestrictedURLFetcher().fetch(f"academy-font:{CERTIFICATE_FONT_FILE}")
    assert response.read() == compact_font.read_bytes()
    assert response.content_type == "font/ttf"


@pytest.fixture
def font_dir(settings, tmp_path, compact_font):
    """A font folder holding a real font, and beside it the things it must not serve."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(compact_font, folder / "real.ttf")
    (folder / "notes.txt").write_text("not a font")
    (folder / "fake.ttf").write_text("<html>not a font either</html>")
    (folder / "sub").mkdir()
    shutil.copy(compact_font, folder / "sub" / "nested.ttf")
    shutil.copy(compact_font, tmp_path / "outside.ttf")
    (folder / "link.ttf").symlink_to(tmp_path / "outside.ttf")
    with open(folder / "huge.otf", "wb") as huge:  # sparse: 16 MiB and one byte
        huge.write(b"OTTO")
        huge.truncate(pdf_guards.FONT_MAX_BYTES + 1)
    settings.CERTIFICATE_FONT_DIR = folder
    return folder


def test_the_fetcher_serves_a_font_lying_in_the_font_folder(font_dir):
    response = RestrictedURLFetcher().fetch("academy-font:real.ttf")
    assert response.read() == (font_dir / "real.ttf").read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "academy-font:../../etc/passwd",
        "academy-font:../outside.ttf",
        "academy-font:%2e%2e/outside.ttf",
        "academy-font:..%2Foutside.ttf",
        "academy-font:/etc/passwd",
        "academy-font:/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "academy-font:sub/nested.ttf",  # directly inside the folder only
        "academy-font:sub\\nested.ttf",
        "academy-font:real.ttf?x=1",
        "academy-font:real.ttf%00.txt",
        "academy-font:.hidden.ttf",
        "academy-font:notes.txt",  # not a font name
        "academy-font:fake.ttf",  # a font name, but not a font
        "academy-font:link.ttf",  # a link out of the folder
        "academy-font:huge.otf",  # too big
        "academy-font:missing.ttf",
        "academy-font:",
        "academy-static:../var/fonts/real.ttf",
    ],
)
def test_the_fetcher_refuses_anything_but_a_font_directly_in_the_font_folder(font_dir, url):
    with pytest.raises(ValueError):
        RestrictedURLFetcher().fetch(url)


@pytest.fixture
def recording_server():
    """A web server on 127.0.0.1 that records every request it is sent."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(LOGO.read_bytes())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # The server works: a request really would be seen.
    from urllib.request import urlopen

    with urlopen(f"{base}/probe", timeout=5) as probe:  # noqa: S310 - our own test server
        assert probe.status == 200
    assert requests == ["/probe"]
    requests.clear()
    yield base, requests
    server.shutdown()
    server.server_close()


def test_a_document_full_of_outside_urls_renders_without_one_request(recording_server):
    base, requests = recording_server
    asked = []
    real_fetch = RestrictedURLFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    html = f"""
        <style>
          @import url({base}/import.css);
          @font-face {{ font-family: Remote; src: url({base}/font.woff2); }}
          body {{ background: url({base}/background.png); font-family: Remote, serif; }}
        </style>
        <link rel="stylesheet" href="{base}/link.css">
        <img src="{base}/img.svg"><img src="file:///etc/passwd">
        <object data="{base}/object.svg"></object>
        <p>客服学院</p>
    """
    with mock.patch.object(RestrictedURLFetcher, "fetch", spy):
        pdf = html_pdf(html)
    assert any(url.startswith(base) for url in asked), "WeasyPrint never asked: test is void"
    assert "file:///etc/passwd" in asked
    assert requests == []
    # The refused resources are skipped and the document still renders.
    assert pdf.startswith(b"%PDF-")
    assert len(page_sizes(pdf)) == 1


def test_markup_in_a_holder_name_is_printed_not_followed(issued, recording_server):
    base, requests = recording_server
    issued.holder_name = f'<img src="{base}/x.png">王'
    html = certificate_html(issued)
    assert f"&lt;img src=&quot;{base}/x.png&quot;&gt;王" in html  # printed as text
    assert '<img src="http' not in html
    pdf = certificate_pdf(issued)
    assert requests == []
    assert_one_a4_landscape_page(pdf)


# --- The time limit ---------------------------------------------------------------------------


def test_a_render_over_the_time_limit_raises(issued, settings):
    settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS = 0.3
    started = time.monotonic()
    with (
        mock.patch.object(HTML, "render", lambda *args, **kwargs: time.sleep(10)),
        pytest.raises(CertificateRenderTimeout, match=r"longer than 0\.3 seconds"),
    ):
        certificate_pdf(issued)
    assert time.monotonic() - started < 3


def test_a_render_stopped_by_the_time_limit_leaves_no_half_loaded_font_behind(
    issued, settings, fresh_font_config
):
    certificate_pdf(issued)
    loaded = rendering._fonts.config
    settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS = 0.3
    with (
        mock.patch.object(HTML, "render", lambda *args, **kwargs: time.sleep(10)),
        pytest.raises(CertificateRenderTimeout),
    ):
        certificate_pdf(issued)
    settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS = 30
    fonts = embedded_fonts(certificate_pdf(issued))
    assert rendering._fonts.config is not loaded  # started afresh
    assert all(COMPACT_FONT_NAME.fullmatch(font) for font in fonts), fonts


def test_the_time_limit_is_not_swallowed_by_weasyprints_resource_error_handling(
    issued, settings, fresh_font_config
):
    # WeasyPrint catches exceptions from a fetcher and carries on without the resource; the
    # deadline must still stop the render when it strikes while the logo is being fetched.
    settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS = 0.3
    slow = mock.patch.object(RestrictedURLFetcher, "fetch", lambda *args: time.sleep(10))
    with slow, pytest.raises(CertificateRenderTimeout):
        certificate_pdf(issued)


def test_a_render_timeout_is_recorded_on_the_certificate(issued, settings):
    settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS = 0.3
    Certificate.objects.filter(pk=issued.pk).update(
        render_state=Certificate.RenderState.PENDING, render_attempts=0, render_tried_at=None
    )
    with mock.patch.object(HTML, "render", lambda *args, **kwargs: time.sleep(10)):
        certificate_render(certificate_id=issued.pk)
    issued.refresh_from_db()
    assert issued.render_state == Certificate.RenderState.PENDING  # retried later
    assert issued.render_attempts == 1
    assert issued.render_error.startswith("CertificateRenderTimeout")


def test_an_outer_alarm_such_as_django_q2s_task_timeout_survives_a_render():
    def outer(signum, frame):
        raise AssertionError("the outer alarm fired during the test")

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        minimal_pdf()
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert signal.getsignal(signal.SIGALRM) is outer
        assert 90 < left <= 100
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_outer_alarm_due_first_still_ends_the_render_and_then_fires():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    signal.setitimer(signal.ITIMER_REAL, 0.3)  # sooner than CERTIFICATE_RENDER_TIMEOUT_SECONDS
    try:
        with (
            mock.patch.object(HTML, "render", lambda *args, **kwargs: time.sleep(10)),
            pytest.raises(CertificateRenderTimeout),
        ):
            minimal_pdf()
        time.sleep(0.2)
        assert fired == [signal.SIGALRM]  # handed back to its owner, which ends the task
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_no_alarm_is_left_behind_after_a_render():
    handler = signal.getsignal(signal.SIGALRM)
    minimal_pdf()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_rendering_off_the_main_thread_works_without_the_alarm():
    result = {}
    thread = threading.Thread(target=lambda: result.update(pdf=minimal_pdf()))
    thread.start()
    thread.join(timeout=60)
    assert result["pdf"].startswith(b"%PDF-")


def test_only_the_projects_static_images_are_kept_between_renders():
    images = rendering._StaticImages()
    images["academy-static:img/logo.svg"] = "logo"
    images["data:image/png;base64,AAAA"] = "qr"
    images["file:///etc/passwd"] = "refused"
    images["academy-static:img/missing.svg"] = None  # a failed fetch is tried again
    assert dict(images) == {"academy-static:img/logo.svg": "logo"}


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_link_printed_on_the_pdf_opens_the_certificates_verification_page(
    transactional_db, live_server, settings
):
    """SITE_URL (WAGTAILADMIN_BASE_URL) is where `make run` or production serves the academy:
    the address read off the paper must reach this server's verification page."""
    import urllib.request

    from tests.conftest import build_academy

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    academy = build_academy()
    with cert.committed():
        issued = cert.certificate(academy.agent_a, cert.cycle(2026, 2), LevelCode.INTERMEDIATE)
    issued.refresh_from_db()
    squeezed = pdf_text(issued.pdf.read())  # a long address may wrap onto a second line
    (printed,) = re.findall(r"https?://[^\s]+?/verify/[a-z0-9]+/", squeezed)
    assert printed.startswith(live_server.url + "/")
    with urllib.request.urlopen(printed, timeout=30) as response:  # noqa: S310 - our live server
        assert response.status == 200
        page = response.read().decode()
    assert issued.serial in page and "王芳" in page
    assert issued.pdf_sha256 in page


def test_an_inline_raster_image_renders_and_is_not_kept(fresh_font_config):
    """WeasyPrint keeps a raster image's bytes in the image cache until it writes the PDF: the
    cache that keeps only the project's static images between renders must still hold them
    for the render itself."""
    import base64
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("1", (21, 21), 1).save(picture, format="PNG")
    data = base64.b64encode(picture.getvalue()).decode()
    html = (
        f'<p>二维码</p><img src="data:image/png;base64,{data}" style="width:20mm">'
        f'<img src="{rendering.STATIC_SCHEME}:img/logo.svg" style="width:10mm">'
    )
    for _ in range(2):  # the second render with the logo kept from the first
        pdf = rendering.html_pdf(html)
        assert pdf.startswith(b"%PDF-") and b"/Subtype /Image" in pdf
    assert set(rendering._fonts.images) == {f"{rendering.STATIC_SCHEME}:img/logo.svg"}

"""
The certificate PDF: one A4 landscape page in an embedded CJK font, printed from the frozen
fields, rendered without reading anything but our own static files, and within a time limit.
"""

import contextlib
import http.server
import re
import shutil
import signal
import subprocess
import threading
import time
import zlib
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from weasyprint import HTML

from certification import rendering
from certification.models import Certificate, LevelCode
from certification.rendering import (
    CertificateRenderTimeout,
    RestrictedURLFetcher,
    certificate_html,
    certificate_pdf,
    html_pdf,
    minimal_pdf,
)
from certification.services import certificate_render
from tests.factories import certification as cert

A4_LANDSCAPE_POINTS = (841.89, 595.28)  # 297 mm x 210 mm
LOGO = Path(django_settings.BASE_DIR) / "static" / "img" / "logo.svg"
PDFTOTEXT = shutil.which("pdftotext")  # poppler-utils; the text-layer test needs it


@pytest.fixture
def issued(academy) -> Certificate:
    certificate = cert.certificate(
        academy.agent_a, cert.cycle(2026, 2), LevelCode.INTERMEDIATE, percent="92.5"
    )
    assert certificate.holder_name == "王芳"
    return certificate


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed beside it, so objects can be searched."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):  # not Flate (an image, say): nothing to read
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    objects = pdf_objects(pdf)
    pages = re.findall(rb"/Type\s*/Page(?![A-Za-z])", objects)
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", objects)
    assert len(boxes) == len(pages), "every page should carry its own MediaBox"
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def embedded_fonts(pdf: bytes) -> set[bytes]:
    return set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+[\w-]+)", pdf_objects(pdf)))


def assert_one_a4_landscape_page(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    sizes = page_sizes(pdf)
    assert len(sizes) == 1, f"expected one page, got {len(sizes)}"
    assert sizes[0] == pytest.approx(A4_LANDSCAPE_POINTS, abs=0.5)


# --- The document ---------------------------------------------------------------------------


def test_the_certificate_is_one_a4_landscape_page(issued):
    assert_one_a4_landscape_page(certificate_pdf(issued))


@pytest.mark.parametrize(
    "name",
    [
        "欧阳娜娜",
        "Alexandra Wilhelmina Montgomery-Smith",
        "Maximiliano Alejandro Fernández de la Vega y Rodríguez-Castellanos"[:64],
        "阿卜杜热合曼·买买提依明·艾则孜·阿不都热西提·吐尔洪·玉苏普江",
    ],
)
def test_a_long_holder_name_still_fits_on_the_one_page(issued, name):
    issued.holder_name = name
    assert_one_a4_landscape_page(certificate_pdf(issued))


def test_the_pdf_embeds_a_subset_of_the_cjk_serif_font_and_no_other_face(issued):
    fonts = embedded_fonts(certificate_pdf(issued))
    # A subset font is named with six capitals and a plus: ABCDEF+Noto-Serif-CJK-SC.
    assert fonts, "no subset font embedded"
    assert all(re.fullmatch(rb"[A-Z]{6}\+Noto-Serif-CJK-SC", font) for font in fonts), fonts
    # One face on purpose: each further face of a CJK font costs ~40 ms per certificate.
    assert len(fonts) == 1, fonts
    assert b"/FontFile3" in pdf_objects(certificate_pdf(issued))  # the glyphs themselves


def test_the_certificate_prints_the_frozen_fields(issued):
    html = certificate_html(issued)
    for text in [
        "王芳",
        issued.holder_employee_no,
        issued.serial,
        "中级",
        "Intermediate",
        "2026年下半年",
        "Second half of 2026",
        "92.5%",
        f"{issued.issued_on.year}年{issued.issued_on.month}月{issued.issued_on.day}日",
        "2027年6月30日",
        "30 June 2027",
        "客服学院",
        "扫码验证",
        "培训负责人",
    ]:
        assert text in html, text


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_text_layer_carries_the_holder_name_and_serial(issued):
    text = subprocess.run(  # noqa: S603 - a fixed local tool fed our own PDF
        [PDFTOTEXT, "-", "-"], input=certificate_pdf(issued), capture_output=True, check=True
    ).stdout.decode()
    # Letter-spacing makes pdftotext put spaces between the characters of the name.
    squeezed = re.sub(r"\s+", "", text)
    assert "王芳" in squeezed
    assert issued.serial in squeezed
    assert "服务技能认证证书" in squeezed


def test_renaming_the_holder_after_issue_does_not_change_a_re_render(issued, academy):
    before = certificate_html(issued)
    academy.agent_a.display_name = "王芳芳"
    academy.agent_a.employee_no = "NEW-001"
    academy.agent_a.save()
    issued.refresh_from_db()
    after = certificate_html(issued)
    assert after == before
    assert "王芳芳" not in after and "NEW-001" not in after


def test_the_qr_code_and_printed_address_are_the_absolute_verification_url(issued):
    url = rendering.verification_url(issued.verification_code)
    assert url == "http://testserver" + reverse(
        "certification:verify", args=[issued.verification_code]
    )
    html = certificate_html(issued)
    assert url in html
    assert rendering.qr_svg(url) in html
    assert rendering.qr_svg(url).startswith("<svg")  # vector, inline: nothing to fetch


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


def test_the_certificate_loads_its_logo_through_the_fetcher(issued):
    fetched = []
    real_fetch = RestrictedURLFetcher.fetch

    def spy(self, url, headers=None):
        response = real_fetch(self, url, headers)
        fetched.append(url)
        return response

    with mock.patch.object(RestrictedURLFetcher, "fetch", spy):
        certificate_pdf(issued)
    assert fetched == ["academy-static:img/logo.svg"]


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
    assert '<img src="http' not in html
    pdf = certificate_pdf(issued)
    assert requests == []
    assert_one_a4_landscape_page(pdf)


# --- The time limit ---------------------------------------------------------------------------


def test_a_render_over_the_time_limit_raises(issued, settings):
    settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS = 0.3
    started = time.monotonic()
    with (
        mock.patch.object(HTML, "write_pdf", lambda *args, **kwargs: time.sleep(10)),
        pytest.raises(CertificateRenderTimeout, match=r"longer than 0\.3 seconds"),
    ):
        certificate_pdf(issued)
    assert time.monotonic() - started < 3


def test_the_time_limit_is_not_swallowed_by_weasyprints_resource_error_handling(issued, settings):
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
    with mock.patch.object(HTML, "write_pdf", lambda *args, **kwargs: time.sleep(10)):
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
            mock.patch.object(HTML, "write_pdf", lambda *args, **kwargs: time.sleep(10)),
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

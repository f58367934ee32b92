"""
The certificate PDF: one A4 landscape page in an embedded CJK font, printed from the frozen
fields, rendered without reading anything but our own static files and built fonts, and
within a time limit.
"""

import contextlib
import http.server
import io
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
from django.core.management import call_command
from django.urls import reverse
from fontTools.ttLib import TTFont
from weasyprint import HTML

from certification import rendering
from certification.models import Certificate, LevelCode
from certification.rendering import (
    CERTIFICATE_FONT_FAMILY,
    CERTIFICATE_FONT_FILE,
    CertificateRenderTimeout,
    RestrictedURLFetcher,
    certificate_font_url,
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
COMPACT_FONT_NAME = re.compile(rb"[A-Z]{6}\+" + CERTIFICATE_FONT_FAMILY.replace(" ", "-").encode())
SYSTEM_FONT_NAME = re.compile(rb"[A-Z]{6}\+Noto-Serif-CJK-SC")
# Not in GB2312, so not in the compact font, but in the system's Noto Serif CJK SC: a
# character of a given name (U+5803) and one from CJK Extension B (U+2003E).
RARE_CHARACTERS = ("堃", "𠀾")


@pytest.fixture(scope="session")
def compact_font() -> Path:
    """The compact certificate font, built into CERTIFICATE_FONT_DIR (as `make install` does;
    the command skips the work when it is already up to date)."""
    call_command("build_certificate_font", stdout=io.StringIO())
    return Path(django_settings.CERTIFICATE_FONT_DIR) / CERTIFICATE_FONT_FILE


@pytest.fixture(autouse=True)
def _compact_font_built(compact_font):
    # Every test here sees the certificate as deployed: with its compact font.
    assert compact_font.is_file()


@pytest.fixture
def fresh_font_config(monkeypatch):
    """A new thread-local FontConfiguration and image cache, as in a new worker: none of
    the fonts or images that earlier renders kept in this thread."""
    monkeypatch.setattr(rendering, "_fonts", threading.local())


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


def test_the_pdf_embeds_a_subset_of_the_compact_font_and_no_other_face(issued):
    pdf = certificate_pdf(issued)
    fonts = embedded_fonts(pdf)
    # A subset font is named with six capitals and a plus: ABCDEF+Kefu-Certificate-Serif.
    assert fonts, "no subset font embedded"
    assert all(COMPACT_FONT_NAME.fullmatch(font) for font in fonts), fonts
    # One face on purpose: each further face of a CJK font costs ~40 ms per certificate.
    assert len(fonts) == 1, fonts
    objects = pdf_objects(pdf)
    assert b"/FontFile2" in objects  # the glyphs themselves, as TrueType outlines
    assert b"/FontFile3" not in objects  # and nothing from the system's CFF font


def test_without_the_compact_font_the_certificate_is_set_in_the_system_font(
    issued, settings, tmp_path, fresh_font_config
):
    settings.CERTIFICATE_FONT_DIR = tmp_path  # nothing built here
    assert certificate_font_url() == ""
    html = certificate_html(issued)
    assert "@font-face" not in html  # nothing to fetch, so no warning about a missing font
    pdf = certificate_pdf(issued)
    assert_one_a4_landscape_page(pdf)
    fonts = embedded_fonts(pdf)
    assert len(fonts) == 1 and SYSTEM_FONT_NAME.fullmatch(next(iter(fonts))), fonts


def test_the_compact_font_holds_gb2312_and_the_template_but_not_rare_characters(compact_font):
    font = TTFont(compact_font)
    covered = {chr(code) for code in font.getBestCmap()}
    gb2312_hanzi = set()
    for high in range(0xB0, 0xF8):  # rows 16 to 87 of GB2312 hold its hanzi
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312_hanzi.add(bytes((high, low)).decode("gb2312"))
    assert len(gb2312_hanzi) == 6763
    assert gb2312_hanzi <= covered
    template = Path(django_settings.BASE_DIR, "templates", rendering.TEMPLATE).read_text()
    assert {char for char in template if char.isprintable()} <= covered
    assert not covered & set(RARE_CHARACTERS)
    # A font of its own, not one that could pass for Noto Serif CJK SC.
    assert font["name"].getDebugName(1) == CERTIFICATE_FONT_FAMILY
    assert "SIL Open Font License" in font["name"].getDebugName(13)  # the licence goes along
    assert font["OS/2"].fsType == 0  # installable: embedding allowed


def test_building_the_compact_font_again_skips_the_work(compact_font):
    before = compact_font.stat().st_mtime_ns
    out = io.StringIO()
    call_command("build_certificate_font", stdout=out)
    assert "up to date" in out.getvalue()
    assert compact_font.stat().st_mtime_ns == before


@pytest.mark.parametrize("character", RARE_CHARACTERS)
def test_a_name_character_outside_the_compact_font_is_set_in_the_system_font(issued, character):
    issued.holder_name = f"王{character}"
    pdf = certificate_pdf(issued)
    fonts = embedded_fonts(pdf)
    # The compact font for the page, and the system font for the one character it lacks:
    # had no font covered it, there would be a missing-glyph box in the compact font alone.
    assert len(fonts) == 2, fonts
    assert any(COMPACT_FONT_NAME.fullmatch(font) for font in fonts), fonts
    assert any(SYSTEM_FONT_NAME.fullmatch(font) for font in fonts), fonts
    if PDFTOTEXT:
        text = subprocess.run(  # noqa: S603 - a fixed local tool fed our own PDF
            [PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert f"王{character}" in re.sub(r"\s+", "", text)


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
        huge.truncate(rendering.FONT_MAX_BYTES + 1)
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
        mock.patch.object(HTML, "write_pdf", lambda *args, **kwargs: time.sleep(10)),
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
        mock.patch.object(HTML, "write_pdf", lambda *args, **kwargs: time.sleep(10)),
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
    text = subprocess.run(  # noqa: S603 - a fixed local tool fed our own PDF
        [PDFTOTEXT, "-", "-"], input=issued.pdf.read(), capture_output=True, check=True
    ).stdout.decode()
    squeezed = re.sub(r"\s+", "", text)  # a long address may wrap onto a second line
    (printed,) = re.findall(r"https?://[^\s]+?/verify/[a-z0-9]+/", squeezed)
    assert printed.startswith(live_server.url + "/")
    with urllib.request.urlopen(printed, timeout=30) as response:  # noqa: S310 - our live server
        assert response.status == 200
        page = response.read().decode()
    assert issued.serial in page and "王芳" in page
    assert issued.pdf_sha256 in page

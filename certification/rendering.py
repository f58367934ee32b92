"""
Turning an issued certificate into its PDF (WeasyPrint, A4 landscape, Chinese with English).

Every render runs inside the two guards of certification.pdf_guards: a URL fetcher that
reads nothing but the project's own static files, built fonts and `data:` URLs, and a time
limit.

Speed comes from the font. Text is set in a compact font cut from Noto Serif CJK SC at install
time (`manage.py build_certificate_font`, run by `make install`): WeasyPrint subsets every
font it embeds, and subsetting the 26 MB system collection took most of a certificate's
render. The system font stays next in the font-family, for rare characters of a holder's name
and for a machine where the compact font has not been built.
"""

import copy
import datetime as dt
import io
import threading
import unicodedata
from collections.abc import Sequence
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path

import pikepdf
import segno
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from certification.models import Certificate
from certification.pdf_guards import (
    FONT_SCHEME,
    STATIC_SCHEME,
    CertificateRenderTimeout,
    RestrictedURLFetcher,
    render_time_limit,
)
from certification.selectors import score_display, verification_url

TEMPLATE = "certification/certificate_pdf.html"
STYLESHEET = "certification/certificate_pdf.css"
# The certificate's compact font (see build_certificate_font), named for the fetcher's
# FONT_SCHEME. Renamed, as a font derived from Noto under the SIL Open Font License.
CERTIFICATE_FONT_FILE = "kefu-certificate-serif-sc.ttf"
CERTIFICATE_FONT_FAMILY = "Kefu Certificate Serif"
CERTIFICATE_FONT_SOURCE_FAMILY = "Noto Serif CJK SC"
# The benchmark's baseline: the least WeasyPrint can be asked to do.
MINIMAL_HTML = "<p>Kefu Academy</p>"
# How wide a holder's name may be (CJK characters count 2, Latin letters 1) before it is set
# smaller, and smaller again, so that it always stays on one line.
HOLDER_NAME_WIDTHS = ((12, ""), (40, "long"))
HOLDER_NAME_LONGEST = "longer"
# The page is drawn in two layers (see certificate_pdfs): the template renders either, or both.
PART_WHOLE, PART_FIXED, PART_HOLDER = "whole", "fixed", "holder"
# Fixed layers a worker thread keeps: one per level and issuer name, so three in practice.
FIXED_LAYERS_KEPT = 16
# The QR code: a standard QR code (no micro variant) with level M error correction (15 %),
# printed in the certificate's ink into the template's `.qr` box.
QR_OPTIONS = {"error": "m", "micro": False}
QR_BOX_CLASS = "qr"
QR_INK = "#1f2a37"
_QR_INK_RG = " ".join(f"{int(QR_INK[i : i + 2], 16) / 255:.4f}" for i in (1, 3, 5)) + " rg"
PT_PER_PX = 0.75  # CSS pixels (1/96 in) to PDF points (1/72 in)
# Printed dates are part of the frozen artefact, so they do not follow the active locale.
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    # One per thread, kept between renders: Pango then keeps the fonts it has loaded, which
    # saves 20-30 ms a certificate. The certificate's @font-face is loaded into it once:
    # WeasyPrint keys a face by its descriptors and skips one it already holds (one copy of
    # the font in a temporary folder per thread), so nothing accumulates over renders.
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


class _StaticImages(dict):
    """
    WeasyPrint's image cache, kept between renders for the project's own static images only
    (the logo: its SVG parsed once a thread saves about 5 ms a certificate). Anything else,
    a data: URL or an address the fetcher refused, is never kept.
    """

    def __setitem__(self, url, image):
        if isinstance(url, str) and url.startswith(f"{STATIC_SCHEME}:") and image is not None:
            super().__setitem__(url, image)


class _RenderImages(dict):
    """
    One render's image cache: what the thread keeps, plus everything this render stores.
    WeasyPrint also keeps a raster image's bytes in the cache under keys of its own and reads
    them back when it writes the PDF, so a cache that dropped them (the kept one alone) made
    any `data:` PNG fail with a KeyError at the end of the render.
    """

    def __init__(self, kept: _StaticImages):
        super().__init__(kept)
        self._kept = kept

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._kept[key] = value  # only the project's static images stay


def _image_cache() -> dict:
    if not hasattr(_fonts, "images"):
        _fonts.images = _StaticImages()
    return _RenderImages(_fonts.images)


def _certificate_stylesheet() -> CSS:
    """
    The certificate's stylesheet, parsed once per thread (about 12 ms of every render) and
    again only when the compact font appears or goes. Its @font-face is registered in this
    thread's font configuration, which the two share.
    """
    font_url = certificate_font_url()
    cached = getattr(_fonts, "stylesheet", None)
    if cached is None or cached[0] != font_url:
        text = render_to_string(
            STYLESHEET, {"font_url": font_url, "font_family": CERTIFICATE_FONT_FAMILY}
        )
        stylesheet = CSS(
            string=text, url_fetcher=RestrictedURLFetcher(), font_config=_font_config()
        )
        _fonts.stylesheet = cached = (font_url, stylesheet)
    return cached[1]


@contextmanager
def _within_time_limit():
    try:
        with render_time_limit(settings.CERTIFICATE_RENDER_TIMEOUT_SECONDS):
            yield
    except CertificateRenderTimeout:
        # Stopped anywhere, perhaps half-way through loading the @font-face (which WeasyPrint
        # would then take as loaded): the next render starts from a fresh configuration.
        _fonts.__dict__.pop("config", None)
        _fonts.__dict__.pop("stylesheet", None)
        _fonts.__dict__.pop("images", None)
        raise


def _laid_out(html: str, *, stylesheet: bool) -> Document:
    stylesheets = [_certificate_stylesheet()] if stylesheet else []
    return HTML(string=html, url_fetcher=RestrictedURLFetcher()).render(
        stylesheets=stylesheets, font_config=_font_config(), cache=_image_cache()
    )


def html_pdf(html: str, *, stylesheet: bool = False) -> bytes:
    """
    Trusted HTML to PDF, with the restricted fetcher and within the time limit; with the
    certificate's stylesheet when `stylesheet`.
    """
    with _within_time_limit():
        return _laid_out(html, stylesheet=stylesheet).write_pdf()


def qr_svg(data: str) -> str:
    """
    An inline <svg> QR code, for the whole page in one document (the reference the layered
    certificate is compared with); the certificate itself draws the same code in PDF.
    """
    return segno.make(data, **QR_OPTIONS).svg_inline(
        border=0, omitsize=True, dark=QR_INK, svgclass="qr-code"
    )


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _date_en(day: dt.date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def holder_name_size(name: str) -> str:
    """The CSS size class for the holder's name: "" (large), "long" or "longer"."""
    width = sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in name)
    for widest, size in HOLDER_NAME_WIDTHS:
        if width <= widest:
            return size
    return HOLDER_NAME_LONGEST


def certificate_font_url() -> str:
    """The compact font's URL, or "" if it has not been built (the system font is used)."""
    if (Path(settings.CERTIFICATE_FONT_DIR) / CERTIFICATE_FONT_FILE).is_file():
        return f"{FONT_SCHEME}:{CERTIFICATE_FONT_FILE}"
    return ""


def certificate_title(certificate: Certificate) -> str:
    """The PDF's title (its document information), the certificate's own in a batch too."""
    return f"服务技能认证证书 {certificate.serial}"


def certificate_html(certificate: Certificate, *, part: str = PART_WHOLE) -> str:
    """
    The certificate as HTML: the whole page, or one of its two layers (`PART_FIXED`, what
    every certificate of the level shares; `PART_HOLDER`, this certificate's own text). Only
    the fields frozen at issue are used, never the user row, so rendering again later prints
    exactly what was issued.
    """
    return certificates_html([certificate], part=part)


def certificates_html(certificates: Sequence[Certificate], *, part: str) -> str:
    """The certificates as one document, a page (`.sheet`) each, in the order given."""
    fixed, holder = part in (PART_WHOLE, PART_FIXED), part in (PART_WHOLE, PART_HOLDER)
    context = {
        "sheets": [_sheet(certificate, part=part, holder=holder) for certificate in certificates],
        "part": part,
        "fixed": fixed,
        "holder": holder,
        "logo_url": f"{STATIC_SCHEME}:img/logo.svg",
    }
    return render_to_string(TEMPLATE, context)


def _sheet(certificate: Certificate, *, part: str, holder: bool) -> dict:
    sheet = {"certificate": certificate, "title": certificate_title(certificate)}
    if holder:
        url = verification_url(certificate.verification_code)
        sheet |= {
            "holder_name_size": holder_name_size(certificate.holder_name),
            "percent": score_display(certificate.percent),
            "issued_zh": _date_zh(certificate.issued_on),
            "issued_en": _date_en(certificate.issued_on),
            "expires_zh": _date_zh(certificate.expires_on),
            "expires_en": _date_en(certificate.expires_on),
            "verification_url": url,
            # The layered certificate draws its QR code itself (certificate_pdfs).
            "qr_svg": qr_svg(url) if part == PART_WHOLE else "",
        }
    return sheet


def _fixed_key(certificate: Certificate) -> tuple:
    """Everything the fixed layer prints, and the font it is set in."""
    return (
        certificate.issuer_name,
        certificate.level_name_zh,
        certificate.level_name_en,
        certificate_font_url(),
    )


def _fixed_layer(certificate: Certificate) -> pikepdf.Page:
    """
    The fixed layer's page for this certificate's level, rendered once per worker thread and
    kept (a handful at most: one per level and issuer name a worker meets).
    """
    layers = getattr(_fonts, "fixed_layers", None)
    if layers is None or len(layers) >= FIXED_LAYERS_KEPT:
        _fonts.fixed_layers = layers = {}
    key = _fixed_key(certificate)
    if key not in layers:
        pdf = html_pdf(certificate_html(certificate, part=PART_FIXED), stylesheet=True)
        layers[key] = pikepdf.open(io.BytesIO(pdf))  # the page lives as long as its Pdf
    return layers[key].pages[0]


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF (see certificate_pdfs)."""
    (pdf,) = certificate_pdfs([certificate])
    return pdf


def certificate_pdfs(certificates: Sequence[Certificate]) -> list[bytes]:
    """
    Each certificate's PDF: one A4 landscape page, the holder's layer laid over the fixed
    layer of the level as a form XObject, and the QR code drawn into the box the holder's
    layer keeps for it. WeasyPrint lays out only the holder's text per certificate; the
    heading, frame, logo, labels and signature line are laid out once per worker, and the
    QR code is filled rectangles written here (WeasyPrint parsing its SVG path was a sixth
    of the render). The page looks exactly as the whole page rendered in one go
    (tests/certification/pdf/test_layers.py compares them pixel by pixel) and its text
    layer carries both layers' text: the fixed first, then the holder's.

    The holder layers of a batch are laid out as one document, a page each (a fifth of the
    layout is per document: parsing, the cascade's set-up), and each page is then written
    as a PDF of its own, so a certificate's embedded font holds its own glyphs and no
    colleague's. One time limit covers the batch; if anything fails, all fail (the caller
    renders them one at a time to find the culprit).
    """
    out = []
    with _within_time_limit():
        layout = _laid_out(certificates_html(certificates, part=PART_HOLDER), stylesheet=True)
        if len(layout.pages) != len(certificates):
            raise ValueError(
                f"{len(certificates)} certificates were laid out on {len(layout.pages)} pages"
            )
        for certificate, page in zip(certificates, layout.pages, strict=True):
            out.append(_certificate_composed(certificate, layout, page))
    return out


def _certificate_composed(certificate: Certificate, layout: Document, page) -> bytes:
    own = layout.copy([page])
    own.metadata = copy.copy(layout.metadata)
    own.metadata.title = certificate_title(certificate)
    own.metadata.authors = [certificate.issuer_name]
    qr_box = _box_of(page, QR_BOX_CLASS)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(own.write_pdf())) as document:
        pdf_page = document.pages[0]
        pdf_page.add_underlay(_fixed_layer(certificate))
        code = segno.make(verification_url(certificate.verification_code), **QR_OPTIONS)
        pdf_page.add_overlay(_qr_form(document, code), _pdf_rectangle(qr_box, pdf_page))
        document.save(out, compress_streams=True)
    return out.getvalue()


def _box_of(page, css_class: str):
    """The first box on a laid-out page for an element of that class (WeasyPrint has no
    public walk of a laid-out page's boxes: `_page_box` is its root)."""
    boxes = [page._page_box]
    while boxes:
        box = boxes.pop(0)
        element = box.element
        if element is not None and css_class in (element.get("class") or "").split():
            return box
        # An absolutely placed box (the footer) sits in a placeholder that hands on
        # everything asked of it, its children included.
        boxes.extend(getattr(box, "children", ()))
    raise ValueError(f"the certificate template has no .{css_class} box")


def _pdf_rectangle(box, page: pikepdf.Page) -> pikepdf.Rectangle:
    """A laid-out box's content area in the page's PDF coordinates (points, from the bottom
    left; WeasyPrint lays out in CSS pixels from the top left)."""
    left, top = box.content_box_x() * PT_PER_PX, box.content_box_y() * PT_PER_PX
    width, height = box.width * PT_PER_PX, box.height * PT_PER_PX
    page_top = float(page.mediabox[3])
    return pikepdf.Rectangle(left, page_top - top - height, left + width, page_top - top)


def _qr_form(document: pikepdf.Pdf, code: segno.QRCode) -> pikepdf.Stream:
    """
    The QR code as a form XObject one unit per module: each row's runs of dark modules as
    rectangles, filled as one path (so no seam shows between rows), in the certificate's ink.
    """
    size = len(code.matrix)
    ops = [_QR_INK_RG]
    for index, row in enumerate(code.matrix):
        y, column = size - 1 - index, 0
        for dark, run in groupby(row):
            width = len(list(run))
            if dark:
                ops.append(f"{column} {y} {width} 1 re")
            column += width
    ops.append("f")
    return pikepdf.Stream(
        document,
        "\n".join(ops).encode(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, size, size],
    )


def minimal_pdf() -> bytes:
    """A one-line document through the same path: the baseline for the render benchmark."""
    return html_pdf(MINIMAL_HTML)

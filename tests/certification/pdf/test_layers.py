"""
A certificate is drawn as two layers (certification.rendering.certificate_pdfs): the level's
fixed layer, rendered once per worker, under the holder's own, and the QR code drawn into
its box. Holders, employers and printers must get the page the whole template lays out in
one go: to the pixel, and the same QR code in the same place, whether the certificate was
rendered alone or in a batch.
"""

import copy
import datetime as dt
import io
import math
import threading
from decimal import Decimal

import pikepdf
import pytest
import zxingcpp
from PIL import Image, ImageChops

from certification import rendering
from certification.models import LevelCode
from certification.rendering import certificate_html, certificate_pdf, html_pdf
from certification.selectors import verification_url
from tests.certification.pdf.support import (
    DPI,
    assert_one_a4_landscape_page,
    font_characters,
    needs_poppler,
    pdf_text,
    picture,
)
from tests.factories import certification as cert

# Anti-aliasing may shift a grey level at an edge; a box out of place by a pixel changes
# hundreds of pixels by far more than this.
GREY_LEVELS_OF_NOISE = 48
QR_DPI = 150  # a module is about 4 pixels: what a phone's camera gets from a print


def pixels_apart(one: Image.Image, other: Image.Image) -> int:
    assert one.size == other.size
    histogram = ImageChops.difference(one, other).histogram()
    return sum(histogram[GREY_LEVELS_OF_NOISE:])


def whole_page_pdf(certificate) -> bytes:
    """The template laid out in one go: what the layers must add up to."""
    return html_pdf(certificate_html(certificate), stylesheet=True)


# Everything that moves text about: name lengths and their size classes, a character only
# the system font has, no employee number, a statement long enough to wrap, dates and
# scores of other widths.
VARIANTS = {
    "short chinese name": {},
    "latin name, smaller class": {"holder_name": "Alexandra Wilhelmina Montgomery-Smith"},
    "very long name, smallest class": {
        "holder_name": "阿卜杜热合曼·买买提依明·艾则孜·阿不都热西提·吐尔洪·玉苏普江"
    },
    "rare character, no employee number": {"holder_name": "王堃", "holder_employee_no": ""},
    "statement over two lines": {
        "cycle_name_zh": "2026年下半年（补考与重新认证特别批次）",
        "percent": Decimal("61.25"),
        "issued_on": dt.date(2026, 9, 30),
    },
    "full marks": {"percent": Decimal("100")},
}


def qr_region(certificate, dpi: int) -> tuple[int, int, int, int]:
    """Where the whole page lays out its QR code, in pixels at `dpi`, with a pixel to spare."""
    layout = rendering._laid_out(certificate_html(certificate), stylesheet=True)
    box = rendering._box_of(layout.pages[0], rendering.QR_BOX_CLASS)
    scale = dpi / 96  # CSS pixels are 1/96 inch
    left, top = box.content_box_x() * scale, box.content_box_y() * scale
    right, bottom = left + box.width * scale, top + box.height * scale
    return (math.floor(left) - 1, math.floor(top) - 1, math.ceil(right) + 1, math.ceil(bottom) + 1)


def without(image: Image.Image, region) -> Image.Image:
    blank = image.copy()
    blank.paste(255, region)
    return blank


def qr_read(image: Image.Image):
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found


def corners(found) -> list[tuple[int, int]]:
    position = found.position
    return [
        (point.x, point.y)
        for point in (
            position.top_left,
            position.top_right,
            position.bottom_right,
            position.bottom_left,
        )
    ]


@needs_poppler
@pytest.mark.parametrize("changes", VARIANTS.values(), ids=VARIANTS.keys())
def test_the_layered_certificate_is_the_whole_page_to_the_pixel(issued, changes):
    for field, value in changes.items():
        setattr(issued, field, value)
    layered = certificate_pdf(issued)
    assert_one_a4_landscape_page(layered)
    whole_pdf = whole_page_pdf(issued)
    region = qr_region(issued, DPI)
    whole, drawn = picture(whole_pdf), picture(layered)
    assert pixels_apart(without(whole, region), without(drawn, region)) == 0
    # The QR code is drawn by the renderer, not WeasyPrint (edges anti-aliased apart): the
    # same code in the same place, and it reads as the certificate's verification address.
    whole_code, drawn_code = qr_read(picture(whole_pdf, QR_DPI)), qr_read(picture(layered, QR_DPI))
    assert drawn_code.text == verification_url(issued.verification_code)
    assert drawn_code.bytes == whole_code.bytes and drawn_code.ec_level == whole_code.ec_level
    for drawn_corner, whole_corner in zip(corners(drawn_code), corners(whole_code), strict=True):
        assert drawn_corner == pytest.approx(whole_corner, abs=2)
    # And the comparison can see a misplaced line: the whole page against another holder's.
    issued.holder_name = "李" if issued.holder_name != "李" else "张"
    assert (
        pixels_apart(without(whole, region), without(picture(whole_page_pdf(issued)), region)) > 100
    )


def batch_of_variants(issued) -> list:
    """A certificate per variant, each its own serial and verification code."""
    batch = []
    for number, changes in enumerate(VARIANTS.values()):
        certificate = copy.copy(issued)
        certificate.serial = f"{issued.serial[:-2]}{number:02d}"
        certificate.verification_code = f"{issued.verification_code[:-2]}{number:02d}"
        for field, value in changes.items():
            setattr(certificate, field, value)
        batch.append(certificate)
    return batch


@needs_poppler
def test_a_batch_gives_each_certificate_the_pdf_it_gets_alone(issued):
    """A worker lays out a batch's holder layers as one document, a page each: every
    certificate still gets its own one-page PDF, to the pixel (QR code included) what it
    gets rendered alone, with its own title, and no glyph of a colleague's name in its
    embedded font."""
    batch = batch_of_variants(issued)
    pdfs = rendering.certificate_pdfs(batch)
    assert len(pdfs) == len(batch) == len(VARIANTS)
    for certificate, pdf in zip(batch, pdfs, strict=True):
        assert_one_a4_landscape_page(pdf)
        alone = certificate_pdf(certificate)
        assert pixels_apart(picture(pdf), picture(alone)) == 0, certificate.holder_name
        assert font_characters(pdf) == font_characters(alone), certificate.holder_name
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert str(document.docinfo["/Title"]) == f"服务技能认证证书 {certificate.serial}"
        assert qr_read(picture(pdf, QR_DPI)).text == verification_url(certificate.verification_code)
        assert certificate.serial in pdf_text(pdf)
    # The comparison can see a colleague's glyphs: most of the long name's characters are
    # in no other text of the short name's PDF, and the batch laid them out two pages on.
    colleague_only = set(batch[2].holder_name) - font_characters(pdfs[0])
    assert len(colleague_only) > 10 and colleague_only <= font_characters(pdfs[2])


@needs_poppler
def test_the_text_layer_carries_both_layers(issued):
    text = pdf_text(certificate_pdf(issued))
    for fixed in [
        "服务技能认证证书",
        "CERTIFICATEOFSERVICESKILLS",
        "中级·Intermediate",
        "证书编号",
        "培训负责人",
        "兹证明",
    ]:
        assert fixed in text, fixed
    for own in [
        "王芳",
        issued.serial,
        "成绩92.5%",
        "2026年下半年",
        "扫码验证",
        issued.verification_code,
    ]:
        assert own in text, own


def test_the_pdf_keeps_the_holders_title_and_author(issued):
    pdf = certificate_pdf(issued)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.docinfo["/Title"]) == f"服务技能认证证书 {issued.serial}"
        assert str(document.docinfo["/Author"]) == issued.issuer_name


def test_the_fixed_layer_is_rendered_once_per_level_in_a_worker(issued, academy, monkeypatch):
    colleague = cert.certificate(academy.agent_b, issued.cycle, LevelCode.INTERMEDIATE)
    senior = cert.certificate(academy.lead_a, issued.cycle, LevelCode.SENIOR)
    monkeypatch.setattr(rendering, "_fonts", threading.local())  # a worker's first render
    parts = []
    real = rendering.certificates_html

    def recording(certificates, *, part):
        parts.extend([part] * len(certificates))
        return real(certificates, part=part)

    monkeypatch.setattr(rendering, "certificates_html", recording)
    for certificate in [issued, colleague, issued, senior, colleague]:
        assert_one_a4_landscape_page(certificate_pdf(certificate))
    assert parts.count(rendering.PART_HOLDER) == 5
    assert parts.count(rendering.PART_FIXED) == 2  # intermediate once, senior once


@needs_poppler
def test_each_level_is_printed_on_its_own_fixed_layer(issued, academy):
    senior = cert.certificate(academy.lead_a, issued.cycle, LevelCode.SENIOR)
    certificate_pdf(issued)  # the intermediate layer is kept first
    text = pdf_text(certificate_pdf(senior))
    assert "高级·Senior" in text
    assert "中级" not in text


@needs_poppler
def test_a_new_issuer_name_gets_a_new_fixed_layer(issued):
    certificate_pdf(issued)
    issued.issuer_name = "华东客服中心"
    text = pdf_text(certificate_pdf(issued))
    assert text.count("华东客服中心") == 2  # the heading and the signature line
    assert "客服学院" not in text

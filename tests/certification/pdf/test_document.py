"""
The certificate PDF: one A4 landscape page in an embedded CJK font, printed from the frozen
fields.
"""

import contextlib
import io
from pathlib import Path

import pytest
import zxingcpp
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from fontTools.ttLib import TTFont

from certification import rendering
from certification.rendering import (
    CERTIFICATE_FONT_FAMILY,
    certificate_font_url,
    certificate_html,
    certificate_pdf,
)
from tests.certification.pdf.support import (
    COMPACT_FONT_NAME,
    PDFTOTEXT,
    RARE_CHARACTERS,
    SYSTEM_FONT_NAME,
    assert_one_a4_landscape_page,
    embedded_fonts,
    needs_poppler,
    pdf_objects,
    pdf_text,
    picture,
)

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
        assert f"王{character}" in pdf_text(pdf)


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
    squeezed = pdf_text(certificate_pdf(issued))
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


@needs_poppler
def test_the_qr_code_and_printed_address_are_the_absolute_verification_url(issued):
    url = rendering.verification_url(issued.verification_code)
    assert url == "http://testserver" + reverse(
        "certification:verify", args=[issued.verification_code]
    )
    assert url in certificate_html(issued, part=rendering.PART_HOLDER)  # printed under the code
    pdf = certificate_pdf(issued)
    # Drawn as vector rectangles into the page (nothing to fetch): a phone reads it from a
    # print at 150 dpi, and the address is in the text layer for whoever copies it.
    (code,) = zxingcpp.read_barcodes(picture(pdf, 150), formats=zxingcpp.BarcodeFormat.QRCode)
    assert code.text == url
    assert b"/Subtype /Image" not in pdf_objects(pdf)

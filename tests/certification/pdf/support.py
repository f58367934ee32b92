"""What the certificate PDF tests share: the page size, font names and how to read a PDF."""

import contextlib
import re
import shutil
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from certification.rendering import (
    CERTIFICATE_FONT_FAMILY,
)

A4_LANDSCAPE_POINTS = (841.89, 595.28)  # 297 mm x 210 mm
LOGO = Path(django_settings.BASE_DIR) / "static" / "img" / "logo.svg"
PDFTOTEXT = shutil.which("pdftotext")  # poppler-utils; the text-layer test needs it
COMPACT_FONT_NAME = re.compile(rb"[A-Z]{6}\+" + CERTIFICATE_FONT_FAMILY.replace(" ", "-").encode())
SYSTEM_FONT_NAME = re.compile(rb"[A-Z]{6}\+Noto-Serif-CJK-SC")
# Not in GB2312, so not in the compact font, but in the system's Noto Serif CJK SC: a
# character of a given name (U+5803) and one from CJK Extension B (U+2003E).
RARE_CHARACTERS = ("堃", "𠀾")


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

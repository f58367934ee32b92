"""What the certificate PDF tests share: the page size, font names and how to read a PDF."""

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings as django_settings
from PIL import Image

from certification.rendering import (
    CERTIFICATE_FONT_FAMILY,
)

A4_LANDSCAPE_POINTS = (841.89, 595.28)  # 297 mm x 210 mm
LOGO = Path(django_settings.BASE_DIR) / "static" / "img" / "logo.svg"
PDFTOTEXT = shutil.which("pdftotext")  # poppler-utils; the text-layer test needs it
PDFTOPPM = shutil.which("pdftoppm")  # poppler-utils: the page as a picture
needs_poppler = pytest.mark.skipif(
    PDFTOPPM is None or PDFTOTEXT is None, reason="poppler-utils is not installed"
)
DPI = 100
COMPACT_FONT_NAME = re.compile(rb"[A-Z]{6}\+" + CERTIFICATE_FONT_FAMILY.replace(" ", "-").encode())
SYSTEM_FONT_NAME = re.compile(rb"[A-Z]{6}\+Noto-Serif-CJK-SC")
# Not in GB2312, so not in the compact font, but in the system's Noto Serif CJK SC: a
# character of a given name (U+5803) and one from CJK Extension B (U+2003E).
RARE_CHARACTERS = ("堃", "𠀾")


def pdf_objects(pdf: bytes) -> bytes:
    """Every object of the PDF as text, streams decoded (object streams included), so that
    objects can be searched. Read with pikepdf (qpdf): a regular expression over the raw
    file missed objects whenever compressed bytes happened to look like a stream's end."""
    parts = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for thing in document.objects:
            if isinstance(thing, pikepdf.Stream):
                parts.append(repr(thing.stream_dict).encode())
                with contextlib.suppress(pikepdf.PdfError):  # an image codec: nothing to read
                    parts.append(thing.read_bytes())
            elif isinstance(thing, pikepdf.Dictionary | pikepdf.Array):
                parts.append(repr(thing).encode())
    return b"\n".join(parts)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        boxes = [[float(value) for value in page.mediabox] for page in document.pages]
    return [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]


def embedded_fonts(pdf: bytes) -> set[bytes]:
    """The subset fonts' names, e.g. ABCDEF+Kefu-Certificate-Serif, on the page and in the
    form XObjects it draws (the certificate's fixed layer is one)."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for thing in document.objects:
            if isinstance(thing, pikepdf.Dictionary) and thing.get("/Type") == "/Font":
                name = str(thing.get("/BaseFont", ""))[1:]
                if re.fullmatch(r"[A-Z]{6}\+[\w-]+", name):
                    names.add(name.encode())
    return names


def font_characters(pdf: bytes) -> set[str]:
    """Every character the PDF's embedded fonts carry a glyph for, as their ToUnicode maps
    say (the fixed layer's form XObject included)."""
    characters = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for thing in document.objects:
            if isinstance(thing, pikepdf.Dictionary) and "/ToUnicode" in thing:
                cmap = thing.ToUnicode.read_bytes().decode("latin-1")
                for text in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", cmap):
                    characters.update(bytes.fromhex(text).decode("utf-16-be"))
    return characters


def assert_one_a4_landscape_page(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    sizes = page_sizes(pdf)
    assert len(sizes) == 1, f"expected one page, got {len(sizes)}"
    assert sizes[0] == pytest.approx(A4_LANDSCAPE_POINTS, abs=0.5)


def picture(pdf: bytes, dpi: int = DPI) -> Image.Image:
    """The page as poppler draws it, in grey levels."""
    png = subprocess.run(  # noqa: S603 - a fixed local tool fed our own PDF
        [PDFTOPPM, "-r", str(dpi), "-png", "-singlefile", "-"],  # no root: to stdout
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text layer as pdftotext reads it, without whitespace: letter-spacing spreads
    the characters of a name apart and a long address wraps."""
    text = subprocess.run(  # noqa: S603 - a fixed local tool fed our own PDF
        [PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", "", text)

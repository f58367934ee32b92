"""
`manage.py build_certificate_font [--source FILE[:N]] [--output-dir DIR] [--force]`: derive
the certificate's compact font from the installed Noto Serif CJK SC (fonts-noto-cjk).

WeasyPrint embeds a subset of every font a PDF uses, and HarfBuzz cutting a few glyphs out of
the 26 MB Noto Serif CJK collection (65,000 glyphs) costs most of a certificate's render. This
command cuts the font down once, at install time (`make install`), to what certificates print:

- every character of GB2312 (its 6,763 hanzi with its punctuation, Greek, Cyrillic and kana),
- ASCII, Latin-1 and Latin Extended-A/B (Latin names, pinyin tone marks), general, CJK and
  full-width punctuation and forms,
- every character of the certificate template itself.

Rarer characters (a holder's 堃 or 𠀾) are not lost: the template keeps the system font
after the compact one in its font-family, so they are set in the full font.

The outlines are converted from CFF to TrueType (quadratic curves within 1/1000 em of the
originals): measured with WeasyPrint 70, HarfBuzz subsets TrueType outlines faster than CFF
ones. Only the OpenType features HarfBuzz applies by default are kept, and of the
language-specific forms only the Simplified Chinese ones (certificates are zh-Hans), so
shaping, metrics and weight are those of the system font.

The result is renamed (see CERTIFICATE_FONT_FAMILY): it is a Modified Version under the SIL
Open Font License 1.1, which keeps its copyright and licence entries, and it must never pass
for, or be picked instead of, the full Noto Serif CJK SC. The file is a local build product in
var/fonts/ (never committed) and is rebuilt only when it is older than the system font, this
recipe or the template, so running the command again is cheap.
"""

import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import get_template

from certification.rendering import (
    CERTIFICATE_FONT_FAMILY,
    CERTIFICATE_FONT_FILE,
    CERTIFICATE_FONT_SOURCE_FAMILY,
    TEMPLATE,
)

# Ranges kept besides GB2312 and the template's own characters.
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B (pinyin ǎ ǐ ǒ ǔ ǚ)
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
)
# The OpenType language system whose forms are kept (the certificate is lang="zh-Hans").
LANGUAGE_SYSTEM = "ZHS "
# How far a converted TrueType curve may stray from the CFF one, in font units (1/1000 em).
CURVE_TOLERANCE = 1.0
# A TrueType font's maxp table carries these besides numGlyphs (a CFF one does not).
MAXP_TRUETYPE_FIELDS = (
    "numGlyphs",
    "maxPoints",
    "maxContours",
    "maxCompositePoints",
    "maxCompositeContours",
    "maxZones",
    "maxTwilightPoints",
    "maxStorage",
    "maxFunctionDefs",
    "maxInstructionDefs",
    "maxStackElements",
    "maxSizeOfInstructions",
    "maxComponentElements",
    "maxComponentDepth",
)


def gb2312_characters() -> set[str]:
    """Every character GB2312 encodes, found by decoding each of its double-byte codes."""
    characters = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def template_path() -> Path:
    return Path(get_template(TEMPLATE).origin.name)


def certificate_characters() -> set[int]:
    """The code points the compact font keeps."""
    characters = gb2312_characters()
    characters.update(template_path().read_text(encoding="utf-8"))
    code_points = {ord(char) for char in characters if char.isprintable()}
    for first, last in EXTRA_RANGES:
        code_points.update(range(first, last + 1))
    return code_points


def face_index(path: Path, family: str) -> int:
    """Which face of a font collection (.ttc) is `family` Regular; 0 for a single font."""
    from fontTools.ttLib import TTCollection

    with open(path, "rb") as file:
        if file.read(4) != b"ttcf":
            return 0
    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        name = font["name"]
        if name.getDebugName(1) == family and name.getDebugName(2) == "Regular":
            return index
    raise CommandError(f"{path} holds no {family} Regular face")


def system_font(family: str) -> Path:
    """The file fontconfig uses for `family` Regular, refusing a substitute for another font."""
    # WeasyPrint's cffi bindings load Pango and fontconfig when imported: only this
    # command's font lookup needs them, not every manage.py call that lists commands.
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"family", family.encode())
    fontconfig.FcPatternAddString(pattern, b"style", b"Regular")
    fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("FcResult *")
    match = fontconfig.FcFontMatch(config, pattern, result)
    if match == ffi.NULL:
        raise CommandError(f"fontconfig found no font at all for {family!r}")
    match = ffi.gc(match, fontconfig.FcPatternDestroy)
    value = ffi.new("FcChar8 **")
    families = []
    while (
        fontconfig.FcPatternGetString(match, b"family", len(families), value)
        == fontconfig.FcResultMatch
    ):
        families.append(ffi.string(value[0]).decode())
    if family not in families:
        raise CommandError(
            f"{family} is not installed (fontconfig offers {', '.join(families) or 'nothing'} "
            "instead). Install it with `sudo apt-get install fonts-noto-cjk`, or pass --source."
        )
    fontconfig.FcPatternGetString(match, b"file", 0, value)
    return Path(os.fsdecode(ffi.string(value[0])))


def to_truetype(font) -> None:
    """Replace a CFF font's outlines by quadratic TrueType ones, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, CURVE_TOLERANCE, reverse_direction=True))
        glyph = pen.glyph()
        glyph.recalcBounds(glyf)
        glyf.glyphs[name] = glyph
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:  # vertical origins belong to CFF fonts
        del font["VORG"]
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in MAXP_TRUETYPE_FIELDS:
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    maxp.recalc(font)
    font["post"].formatType = 3.0  # no glyph names: PDFs address glyphs by number
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font, source_version: str) -> None:
    """Give the derived font a name of its own, keeping the copyright and licence entries."""
    name = font["name"]
    postscript = CERTIFICATE_FONT_FAMILY.replace(" ", "") + "-Regular"
    name.names = [record for record in name.names if record.nameID in (0, 7, 13, 14)]
    for name_id, text in (
        (1, CERTIFICATE_FONT_FAMILY),
        (2, "Regular"),
        (3, f"{postscript};{source_version}"),
        (4, CERTIFICATE_FONT_FAMILY),
        (5, source_version),
        (6, postscript),
        (
            10,
            f"A subset of {CERTIFICATE_FONT_SOURCE_FAMILY} ({source_version}) for certificate "
            "PDFs, built by manage.py build_certificate_font.",
        ),
    ):
        name.setName(text, name_id, 3, 1, 0x409)


def build(source: Path, index: int, output: Path) -> dict:
    """Subset, convert, rename and write the compact font; the figures for the report."""
    from fontTools import subset

    # fontTools reports every step (and every glyph) at INFO, which the project's logging
    # would print: only its warnings are of interest here.
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return _build(subset, source, index, output)
    finally:
        logger.setLevel(level)


def _build(subset, source: Path, index: int, output: Path) -> dict:
    options = subset.Options()
    options.font_number = index
    options.hinting = False  # WeasyPrint drops hints when it embeds the font anyway
    options.desubroutinize = True
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]
    font = subset.load_font(str(source), options)
    source_version = f"Version {font['head'].fontRevision:.3f}"
    # Other languages' forms (Japanese, Korean, Traditional Chinese) are alternate glyphs
    # reached through their language systems: dropping those keeps the font half the size.
    for tag in ("GSUB", "GPOS"):
        if tag in font:
            for record in font[tag].table.ScriptList.ScriptRecord:
                script = record.Script
                script.LangSysRecord = [
                    lang for lang in script.LangSysRecord if lang.LangSysTag == LANGUAGE_SYSTEM
                ]
                script.LangSysCount = len(script.LangSysRecord)
    code_points = certificate_characters()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    if "CFF " in font:
        to_truetype(font)
    rename(font, source_version)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed into place: a worker never reads half a font.
    handle, partial = tempfile.mkstemp(prefix=".build-", suffix=output.suffix, dir=output.parent)
    os.close(handle)
    try:
        subset.save_font(font, partial, options)
        os.chmod(partial, 0o644)
        os.replace(partial, output)
    finally:
        Path(partial).unlink(missing_ok=True)
    covered = set(font.getBestCmap())
    return {
        "characters": len(covered),
        "asked": len(code_points),
        "glyphs": len(font.getGlyphOrder()),
        "version": source_version,
    }


class Command(BaseCommand):
    requires_system_checks = []  # a build step: the project's checks are not its business
    help = (
        "Derive the certificate's compact font (GB2312 and the template's characters) from "
        "the installed Noto Serif CJK SC, into CERTIFICATE_FONT_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            help="Font file to cut down, FILE or FILE:N for face N of a collection "
            f"(default: {CERTIFICATE_FONT_SOURCE_FAMILY} as fontconfig finds it).",
        )
        parser.add_argument(
            "--output-dir",
            help="Where to write it (default: settings.CERTIFICATE_FONT_DIR).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Rebuild even if the font is up to date."
        )

    def handle(self, *args, source, output_dir, force, **options):
        if source:
            path, _, number = source.partition(":")
            source_path = Path(path)
            if not source_path.is_file():
                raise CommandError(f"no such font file: {source_path}")
            if number and not number.isdigit():
                raise CommandError(f"not a face number: {number!r} (FILE:N, N from 0)")
            index = int(number or 0)
        else:
            source_path = system_font(CERTIFICATE_FONT_SOURCE_FAMILY)
            index = face_index(source_path, CERTIFICATE_FONT_SOURCE_FAMILY)
        output = Path(output_dir or settings.CERTIFICATE_FONT_DIR) / CERTIFICATE_FONT_FILE
        # Rebuilt when the system font, this recipe or the template's characters change.
        inputs = (source_path, Path(__file__), template_path())
        newest_input = max(path.stat().st_mtime for path in inputs)
        if not force and output.is_file() and output.stat().st_mtime >= newest_input:
            self.stdout.write(
                f"{output} is up to date ({output.stat().st_size / 2**20:.1f} MiB, newer than "
                f"{source_path}:{index}, this recipe and the template): nothing to do."
            )
            return
        self.stdout.write(f"Cutting {source_path}:{index} down to the certificate's characters…")
        started = time.monotonic()
        figures = build(source_path, index, output)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: {output.stat().st_size / 2**20:.1f} MiB, "
                f"{figures['characters']:,} characters ({figures['asked']:,} asked for), "
                f"{figures['glyphs']:,} glyphs, from {CERTIFICATE_FONT_SOURCE_FAMILY} "
                f"{figures['version']} ({source_path.stat().st_size / 2**20:.1f} MiB), "
                f"in {time.monotonic() - started:.0f} s."
            )
        )

"""
Tables people download (CSV and Excel), written one way for every export of the academy:
a BOM so Excel on Chinese Windows reads UTF-8, and text that a spreadsheet would run as a
formula kept as text. Also ZIP downloads of stored files, streamed.
"""

import csv
import re
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_text(text: str) -> str:
    """
    Text a spreadsheet would read as a formula (starting with =, +, - or @, or with a tab
    or carriage return before one, as OWASP lists them) is quoted so it stays text.
    """
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class ExcelSafeCsvMixin:
    """
    For a Wagtail listing's CSV download (its Excel download already keeps formulas as
    text): a cell Excel would run as a formula stays text, and a byte-order mark tells Excel
    on Chinese Windows the file is UTF-8, not GBK.
    """

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(
            writer,
            {k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row_dict.items()},
        )

    def stream_csv(self, queryset):
        yield "\ufeff"
        yield from super().stream_csv(queryset)


class _Echo:
    def write(self, value):
        return value


def table_response(
    *, fmt: str, filename: str, headers: list[str], rows: Iterable[list], sheet_title: str
) -> HttpResponse:
    """
    A CSV (streamed) or XLSX download of `rows` under `headers`.

    Written with the csv module and openpyxl's write-only workbook rather than tablib:
    tablib holds the whole table in memory before the first byte (no streaming), and was
    measurably slower on both formats for a large centre's export (README, "What the
    academy keeps of its own").
    """
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        # openpyxl takes ~100 ms to import; only Excel downloads pay for it.
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(sheet_title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        response = HttpResponse(content_type=XLSX_TYPE)
        workbook.save(response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Pipe:
    """What a ZipFile writes, handed on in pieces (ZipFile copes with an unseekable file)."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


# Entry names stay well under the 255 bytes most file systems allow for one name.
ZIP_ENTRY_NAME_MAX_BYTES = 180
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def safe_entry_name(name: str) -> str:
    """
    `name` reduced to a plain file name that unpacks where the person unpacks the ZIP and
    nowhere else: letters of any script (Chinese names stay readable), digits, spaces and
    `-_.`; path separators, `..`, control and formatting characters become `_`; the length
    is capped in UTF-8 bytes with the extension kept. The names come from holders' names,
    which people type, so they are never trusted as paths.
    """
    name = unicodedata.normalize("NFC", name)
    match = _SUFFIX.search(name)
    suffix = match.group(0).lower() if match else ""
    stem = name[: match.start()] if match else name
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LN" or ch in "-_. " else "_" for ch in stem
    )
    kept = re.sub(r"\.{2,}", ".", kept)
    kept = re.sub(r"_{2,}", "_", kept)
    kept = re.sub(r"\s+", " ", kept).strip(" ._")
    budget = ZIP_ENTRY_NAME_MAX_BYTES - len(suffix)
    while len(kept.encode()) > budget:
        kept = kept[:-1]
    return (kept.rstrip(" ._") or "file") + suffix


def _unique_entry_names(files: Iterable[tuple[str, object]]):
    """Safe names, with a number added when two files would otherwise share one."""
    seen: set[str] = set()
    for name, file in files:
        safe = safe_entry_name(name)
        stem, dot, suffix = safe.rpartition(".") if "." in safe else (safe, "", "")
        number = 1
        while safe.lower() in seen:
            number += 1
            safe = f"{stem}-{number}{dot}{suffix}"
        seen.add(safe.lower())
        yield safe, file


def zip_stream(files: Iterable[tuple[str, object]]):
    """
    A ZIP of `files` ((name, Django File) pairs, opened and closed here one at a time),
    produced as it is sent: the download starts at once and shows its progress in the
    browser, memory stays at one file, and nothing waits in a temporary file first.

    Sizes then follow each file (a data descriptor). Deflated at the fastest level, since
    stored entries with descriptors trip some unzip tools and the PDFs inside are
    compressed already. Entry names pass through `safe_entry_name` whatever the caller
    built them from.
    """
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, file in _unique_entry_names(files):
            # Dated now, as a file saved today would be (a bare name dates it 1980).
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with file.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, 256 * 1024)
            yield pipe.take()
    yield pipe.take()


def zip_response(*, filename: str, files: Iterable[tuple[str, object]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(zip_stream(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

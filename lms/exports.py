"""
Tables people download (CSV and Excel), written one way for every export of the academy:
a BOM so Excel on Chinese Windows reads UTF-8, and text that a spreadsheet would run as a
formula kept as text. Also ZIP downloads of stored files, streamed.
"""

import csv
import shutil
import time
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


def zip_stream(files: Iterable[tuple[str, object]]):
    """
    A ZIP of `files` ((name, Django File) pairs, opened and closed here one at a time),
    produced as it is sent: the download starts at once and shows its progress in the
    browser, memory stays at one file, and nothing waits in a temporary file first.

    Sizes then follow each file (a data descriptor). Deflated at the fastest level, since
    stored entries with descriptors trip some unzip tools and the PDFs inside are
    compressed already.
    """
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, file in files:
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

"""
Tables people download (CSV and Excel), written one way for every export of the academy:
a BOM so Excel on Chinese Windows reads UTF-8, and text that a spreadsheet would run as a
formula kept as text.
"""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_text(text: str) -> str:
    """Text starting with =, +, - or @ is quoted so a spreadsheet does not run it."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


class _Echo:
    def write(self, value):
        return value


def table_response(
    *, fmt: str, filename: str, headers: list[str], rows: Iterable[list], sheet_title: str
) -> HttpResponse:
    """A CSV (streamed) or XLSX download of `rows` under `headers`."""
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

"""Downloads: the ZIP of stored files is produced as it is sent, and opens everywhere."""

import io
import unicodedata
import zipfile

import pytest
from django.core.files.base import ContentFile

from lms.exports import ZIP_ENTRY_NAME_MAX_BYTES, safe_entry_name, zip_stream


def test_a_zip_is_sent_a_file_at_a_time_and_keeps_chinese_names():
    files = [(f"KF{n}-王芳-{n}.pdf", ContentFile(b"%PDF-" + bytes([n]) * 5000)) for n in range(3)]
    pieces = list(zip_stream(files))
    assert len([piece for piece in pieces if piece]) >= 3  # not one blob at the end
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert archive.namelist() == ["KF0-王芳-0.pdf", "KF1-王芳-1.pdf", "KF2-王芳-2.pdf"]
    assert archive.read("KF2-王芳-2.pdf") == b"%PDF-" + bytes([2]) * 5000
    assert archive.getinfo("KF0-王芳-0.pdf").date_time[0] >= 2026  # dated, not 1980


def test_an_empty_selection_is_still_a_valid_zip():
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zip_stream([]))))
    assert archive.namelist() == []


def _csv_rows(response) -> list[list[str]]:
    import csv

    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # Excel on Chinese Windows reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_csv_table_streams_with_a_bom_and_keeps_formulas_as_text():
    from lms.exports import spreadsheet_text, table_response

    rows = iter([["KF1", spreadsheet_text('=HYPERLINK("http://x")'), spreadsheet_text("王芳")]])
    response = table_response(
        fmt="csv", filename="t.csv", headers=["工号", "姓名", "备注"], rows=rows, sheet_title="表"
    )
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
    assert _csv_rows(response) == [
        ["工号", "姓名", "备注"],
        ["KF1", '\'=HYPERLINK("http://x")', "王芳"],
    ]


def test_an_xlsx_table_holds_text_where_a_formula_was_typed():
    from openpyxl import load_workbook

    from lms.exports import XLSX_TYPE, spreadsheet_text, table_response

    typed = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "王芳"]
    response = table_response(
        fmt="xlsx",
        filename="t.xlsx",
        headers=["工号", *[f"c{n}" for n in range(len(typed))]],
        rows=[["KF1", *(spreadsheet_text(value) for value in typed)]],
        sheet_title="员工",
    )
    assert response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "员工"
    cells = list(next(sheet.iter_rows(min_row=2)))
    assert [cell.value for cell in cells] == [
        "KF1",
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\t=1+1",
        "王芳",
    ]
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula


@pytest.mark.parametrize(
    "hostile",
    [
        "ZS001-/../../../zipslip-KF-2026H2-00001.pdf",
        "..\\..\\windows\\system32\\evil.pdf",
        "/etc/cron.d/evil.pdf",
        "C:\\Users\\evil.pdf",
        "王芳\x00\x1b[31m\r\n.pdf",
        "名字\u202eFDP.exe",  # right-to-left override hides the real extension
        "..",
        "",
    ],
)
def test_hostile_entry_names_unpack_as_one_plain_file_in_the_chosen_folder(hostile, tmp_path):
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(zip_stream([(hostile, ContentFile(b"%PDF-1.7"))])))
    )
    (name,) = archive.namelist()
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name)
    assert name.strip() and name not in (".", "..")
    archive.extractall(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_bytes() == b"%PDF-1.7"


def test_safe_entry_names_keep_chinese_and_the_extension_and_are_capped():
    assert safe_entry_name("KF0001-王芳-IM-2026H2-00017.pdf") == "KF0001-王芳-IM-2026H2-00017.pdf"
    assert safe_entry_name("ZS001-/../../../zipslip.pdf") == "ZS001-_._._._zipslip.pdf"
    long_name = safe_entry_name("KF1-" + "王" * 300 + ".pdf")
    assert long_name.startswith("KF1-王王") and long_name.endswith(".pdf")
    assert len(long_name.encode()) <= ZIP_ENTRY_NAME_MAX_BYTES


def test_two_files_that_would_share_a_name_both_arrive():
    files = [("a/b.pdf", ContentFile(b"one")), ("a\\b.pdf", ContentFile(b"two"))]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zip_stream(files))))
    assert archive.namelist() == ["a_b.pdf", "a_b-2.pdf"]
    assert archive.read("a_b-2.pdf") == b"two"

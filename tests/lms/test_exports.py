"""Downloads: the ZIP of stored files is produced as it is sent, and opens everywhere."""

import io
import zipfile

from django.core.files.base import ContentFile

from lms.exports import zip_stream


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

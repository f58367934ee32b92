"""
Backup and restore: one archive brings an installation back on an empty one, with every
certificate PDF matching the SHA-256 frozen in its row and every verification page
answering with the certificate's status. On SQLite and on PostgreSQL (pg_dump).
"""

import hashlib
import io
import sqlite3
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Collection

from certification.models import Certificate, LevelCode
from certification.services import certificate_revoke
from lms.models import User
from tests.conftest import build_academy
from tests.factories import certification as cert

STATUS_TEXT = {"valid": "Valid certificate", "revoked": "Revoked on"}


def _use_folders(monkeypatch, settings, root):
    """Point uploaded media and the certificate storage at folders under `root`."""
    settings.MEDIA_ROOT = str(root / "media")  # clears the storages' cached locations
    field_storage = Certificate._meta.get_field("pdf").storage
    for storage in {id(s): s for s in (field_storage, storages["certificates"])}.values():
        monkeypatch.setattr(storage, "location", str(root / "private"))


def _fresh_database():
    """An empty database, as on a new machine: no tables at all."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        empty = sqlite3.connect(":memory:")
        empty.backup(connection.connection)
        empty.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    assert connection.introspection.table_names() == []


@pytest.fixture
def schema_back_after_a_failure(transactional_db):
    yield
    if User._meta.db_table not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)  # the next tests need the tables


@pytest.fixture
def installation(schema_back_after_a_failure, monkeypatch, settings, tmp_path):
    """Certificates at every status with rendered PDFs, and an uploaded document."""
    _use_folders(monkeypatch, settings, tmp_path / "before")
    academy = build_academy()
    cycle = cert.cycle(2026, 2)
    certificates = [
        cert.certificate(academy.agent_a, cycle, LevelCode.INTERMEDIATE),
        cert.certificate(academy.agent_b, cycle, LevelCode.JUNIOR),
        cert.certificate(academy.agent_c, cycle, LevelCode.JUNIOR),
    ]
    certificate_revoke(certificate=certificates[2], actor=academy.admin, reason="考试作弊")
    if not Collection.get_first_root_node():  # an earlier transactional test flushed it
        Collection.add_root(name="Root")
    Document.objects.create(title="培训手册", file=ContentFile(b"%PDF-manual", name="手册.pdf"))
    return {c.serial: c for c in Certificate.objects.all()}


def _status(certificate: Certificate) -> str:
    return "revoked" if certificate.revoked_at else "valid"


def test_a_backup_restored_into_an_empty_installation_brings_back_every_certificate(
    installation, monkeypatch, settings, tmp_path, client
):
    before = {
        serial: (c.pdf.name, c.pdf_sha256, _status(c), c.pdf.read())
        for serial, c in installation.items()
    }
    people = User.objects.count()
    archive = tmp_path / "kefu.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert f"({people} people)" in out.getvalue()
    with tarfile.open(archive) as packed:
        names = packed.getnames()
    assert "manifest.json" in names
    assert any(name.startswith("database/") for name in names)
    assert len([n for n in names if n.startswith("files/certificates/")]) == 3

    # A new machine: an empty database and empty storage folders.
    _fresh_database()
    _use_folders(monkeypatch, settings, tmp_path / "after")
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "3 in certificates" in out.getvalue()

    assert User.objects.count() == people
    restored = {c.serial: c for c in Certificate.objects.all()}
    assert restored.keys() == before.keys()
    for serial, certificate in restored.items():
        name, sha256, status, pdf = before[serial]
        stored = certificate.pdf.read()
        assert certificate.pdf.name == name
        assert str(tmp_path / "after" / "private") in certificate.pdf.path
        assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256 == sha256
        assert stored == pdf
        page = client.get(reverse("certification:verify", args=[certificate.verification_code]))
        assert page.status_code == 200
        text = page.content.decode()
        assert serial in text and sha256 in text
        client.cookies["django_language"] = "en"
        page = client.get(reverse("certification:verify", args=[certificate.verification_code]))
        assert STATUS_TEXT[status] in page.content.decode()
        del client.cookies["django_language"]
    document = Document.objects.get(title="培训手册")
    assert str(tmp_path / "after" / "media") in document.file.path
    assert document.file.read() == b"%PDF-manual"


def test_restore_refuses_an_installation_that_is_not_empty_and_says_why(
    installation, monkeypatch, settings, tmp_path
):
    archive = tmp_path / "kefu.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    certificate = next(iter(installation.values()))
    certificate.pdf.delete(save=False)  # something the archive will bring back
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="改过的名字")

    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(archive), stdout=io.StringIO())
    message = str(refusal.value)
    assert "not empty" in message and "people" in message and "--force" in message
    assert Certificate.objects.get(pk=certificate.pk).holder_name == "改过的名字"  # untouched

    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    again = Certificate.objects.get(pk=certificate.pk)
    assert again.holder_name == installation[again.serial].holder_name
    assert hashlib.sha256(again.pdf.read()).hexdigest() == again.pdf_sha256


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as packed:
        packed.addfile(tarfile.TarInfo("hello.txt"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="not an academy backup"):
        call_command("restore", str(bogus))

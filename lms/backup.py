"""
One archive holds an installation: the database and the files in storage (certificate PDFs,
uploaded media). `manage.py backup` writes it while the academy runs; `manage.py restore`
brings it back into an empty installation, such as a new machine after `make install`.

The archive is a gzipped tar: `manifest.json` (what it holds, with each file's SHA-256),
`database/sqlite3` (SQLite's online backup, a consistent copy taken while others write) or
`database/postgresql.dump` (pg_dump's custom format, one consistent snapshot), and
`files/<storage>/<name>`. Files are read and written through Django's STORAGES, so a folder
and an S3 bucket back up alike. The SECRET_KEY is not in it: keep it separately.
"""

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection

ARCHIVE_FORMAT = 1
# Which storages hold state: certificate PDFs (private) and what people uploaded (media).
STORAGE_ALIASES = ("certificates", "default")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


# --- Files in storage -------------------------------------------------------------------


def storage_files(alias: str) -> list[str]:
    """Every file name in a storage, found through the Storage API (folder or bucket)."""
    storage = storages[alias]
    names, folders = [], [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        prefix = f"{folder}/" if folder else ""
        names += [prefix + name for name in files]
        folders += [prefix + name for name in subfolders]
    return sorted(names)


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- The database -----------------------------------------------------------------------


def _postgres_environment() -> dict:
    db = connection.settings_dict
    environment = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            environment[variable] = str(db[key])
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return environment


def _postgres_tool(name: str) -> str:
    """pg_dump or pg_restore, refused when older than the server (it would fail half-way)."""
    tool = shutil.which(name)
    if not tool:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client of the server's version, "
            f"e.g. sudo apt-get install postgresql-client"
        )
    shown = subprocess.run(  # noqa: S603 - a fixed tool found on PATH
        [tool, "--version"], capture_output=True, text=True, check=True
    ).stdout
    tool_major = int(re.search(r"(\d+)(?:\.\d+)?", shown).group(1))
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if tool_major < server_major:
        raise BackupError(
            f"{name} {tool_major} is older than the PostgreSQL {server_major} server and cannot "
            f"read it. Install postgresql-client-{server_major}."
        )
    return tool


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - pg_dump/pg_restore with our arguments
        command, env=_postgres_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _database_dump(folder: Path) -> tuple[str, Path]:
    if connection.vendor == "sqlite":
        target = folder / "sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return "database/sqlite3", target
    if connection.vendor == "postgresql":
        target = folder / "postgresql.dump"
        pg_dump = _postgres_tool("pg_dump")
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
        return "database/postgresql.dump", target
    raise BackupError(f"Backing up a {connection.vendor} database is not supported.")


def _database_load(member: str, source: Path) -> None:
    if member == "database/sqlite3":
        connection.ensure_connection()
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)  # replaces the whole database, online
        finally:
            copy.close()
        return
    pg_restore = _postgres_tool("pg_restore")
    connection.close()
    _run(
        [
            pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}", str(source),
        ]
    )  # fmt: skip


# --- What is already there ---------------------------------------------------------------


def installation_contents() -> list[str]:
    """Why this installation is not empty (nothing when it is): people, files in storage.
    A freshly migrated database counts as empty."""
    reasons = []
    users = get_user_model()
    if users._meta.db_table in connection.introspection.table_names():
        people = users.objects.count()
        if people:
            reasons.append(f"the database holds {people} people")
    for alias in STORAGE_ALIASES:
        files = storage_files(alias)
        if files:
            reasons.append(f"storage '{alias}' holds {len(files)} files")
    return reasons


def _counts() -> dict:
    users = get_user_model()
    return {"people": users.objects.count()}


# --- Backup and restore ------------------------------------------------------------------


def backup_write(path: Path) -> dict:
    """Write the archive to `path` (through a temporary name, so a half-written archive is
    never mistaken for a good one) and return its manifest."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    manifest = {
        "format": ARCHIVE_FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": connection.vendor,
        "counts": _counts(),
        "files": {alias: {} for alias in STORAGE_ALIASES},
    }
    with tempfile.TemporaryDirectory() as folder, tarfile.open(partial, "w:gz") as archive:
        member, dump = _database_dump(Path(folder))
        manifest["database_member"] = member
        archive.add(dump, arcname=member)
        for alias in STORAGE_ALIASES:
            storage = storages[alias]
            for name in storage_files(alias):
                info = tarfile.TarInfo(f"files/{alias}/{name}")
                info.size = storage.size(name)
                info.mtime = int(dt.datetime.now().timestamp())
                with storage.open(name, "rb") as source:
                    digest = _HashingReader(source)
                    archive.addfile(info, digest)
                manifest["files"][alias][name] = digest.hexdigest()
        text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(text)
        archive.addfile(info, io.BytesIO(text))
    partial.replace(path)
    return manifest


class _HashingReader:
    def __init__(self, source):
        self._source = source
        self._digest = hashlib.sha256()

    def read(self, size=-1):
        data = self._source.read(size)
        self._digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


@dataclass
class Restored:
    manifest: dict
    files: dict[str, int]
    replaced: list[str]


def _safe_member_name(alias: str, name: str) -> str:
    parts = name.split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts) or "\\" in name:
        raise BackupError(f"The archive names a file outside storage '{alias}': {name!r}")
    return name


def restore_read(path: Path, *, force: bool = False) -> Restored:
    """
    Bring an archive back. Refused when the installation is not empty, unless `force`:
    then its database and the files in its storages are replaced. Every file is checked
    against the SHA-256 the manifest recorded.
    """
    with tarfile.open(path, "r:gz") as archive:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except KeyError:
            raise BackupError(f"{path} is not an academy backup (no manifest.json).") from None
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"The archive holds a {manifest['database']} database and this installation "
                f"uses {connection.vendor}; restore it into a {manifest['database']} one."
            )
        replaced = installation_contents()
        if replaced and not force:
            raise BackupError(
                "This installation is not empty: " + "; ".join(replaced) + ". Restore into "
                "an empty one (a new database and empty storage folders), or add --force to "
                "replace everything in it with the archive."
            )
        with tempfile.TemporaryDirectory() as folder:
            member = manifest["database_member"]
            source = Path(folder) / "database"
            with archive.extractfile(member) as packed, source.open("wb") as target:
                shutil.copyfileobj(packed, target, _CHUNK)
            _database_load(member, source)
        restored = {}
        for alias in STORAGE_ALIASES:
            storage = storages[alias]
            for name in storage_files(alias) if force else []:
                storage.delete(name)
            wanted = manifest["files"].get(alias, {})
            for name, sha256 in wanted.items():
                name = _safe_member_name(alias, name)
                packed = archive.extractfile(f"files/{alias}/{name}")
                # Checked before it is stored, and seekable for any storage (S3 uploads seek).
                with packed, tempfile.SpooledTemporaryFile(max_size=16 * _CHUNK) as spool:
                    reader = _HashingReader(packed)
                    shutil.copyfileobj(reader, spool, _CHUNK)
                    if reader.hexdigest() != sha256:
                        raise BackupError(f"{alias}/{name} in the archive is damaged (SHA-256).")
                    spool.seek(0)
                    saved = storage.save(name, File(spool, name=name))
                if saved != name:
                    raise BackupError(f"Storage '{alias}' saved {name!r} as {saved!r}.")
            restored[alias] = len(wanted)
    # Caches may hold pages and permissions of whatever was there before.
    for alias in settings.CACHES:
        caches[alias].clear()
    return Restored(manifest=manifest, files=restored, replaced=replaced)

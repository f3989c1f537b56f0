"""Backing up and restoring the database and the evidence store together.

A backup is a folder:

    manifest.json        what is in it, for restore to check (below)
    database.dump        PostgreSQL: pg_dump --format=custom
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    evidence/<key>       every file of the evidence store (local disk or S3), by its storage key

The manifest says when the backup was made, the database vendor, the database file's SHA-256,
every migration applied, the number of rows in every table, and every evidence file's key, size
and SHA-256. On PostgreSQL the row counts and migrations are read in the very snapshot pg_dump
dumps (pg_export_snapshot), and on SQLite from the copy itself, so they describe the dump
exactly.

Restore refuses a backup whose database vendor or migrations do not match the code, and checks
every file against the manifest before touching anything; then it restores the database
(pg_restore --clean --if-exists --no-owner --single-transaction, which drops and recreates every
table with its triggers, so the freeze and append-only triggers never see the rows going in; on
SQLite the backup API copies the whole database back), writes every evidence file back under
its key, reads every one back to check its SHA-256 again, checks the row counts, and records the
restore in the audit trail.

The database is dumped first and the files copied after, so a file deleted in between (by
retention, say) would be missing from the backup while its row is in it: run the backup when
`apply_retention` is not running. Files added in between are copied and are harmless.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
EVIDENCE = "evidence"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# Folders of the evidence store that are not evidence: uploads still arriving.
SKIPPED_FOLDERS = {".incoming"}


class BackupError(Exception):
    """Something that stops a backup or a restore, in words for the person running it."""


class RestoreIncomplete(BackupError):
    """A problem found after the database was replaced: the restore must be run again."""


# ---------------------------------------------------------------------------------------------
# Helpers


def sha256_of(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def sha256_of_path(path: Path) -> tuple[str, int]:
    with path.open("rb") as stream:
        return sha256_of(stream)


def evidence_keys(storage=None) -> list[str]:
    """Every file's key in the evidence store, through the storage API (local disk or S3)."""
    storage = storage or storages["evidence"]
    keys: list[str] = []

    def walk(folder: str) -> None:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            keys.append(f"{folder}/{name}" if folder else name)
        for name in folders:
            if not folder and name in SKIPPED_FOLDERS:
                continue
            walk(f"{folder}/{name}" if folder else name)

    walk("")
    return sorted(keys)


def _safe_relative(key: str) -> PurePosixPath:
    """A storage key as a path inside the backup folder; refuses anything that would leave it."""
    path = PurePosixPath(key)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The evidence key {key!r} is not a plain relative path.")
    return path


def code_migrations() -> list[list[str]]:
    """Every migration the code has, as [app, name], sorted."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.disk_migrations)


def _pg_environment() -> dict[str, str]:
    """libpq's environment for the default database: the password never goes on a command line."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, value in [
        ("PGHOST", settings.get("HOST")),
        ("PGPORT", settings.get("PORT")),
        ("PGUSER", settings.get("USER")),
        ("PGPASSWORD", settings.get("PASSWORD")),
        ("PGDATABASE", settings.get("NAME")),
        ("PGSSLMODE", (settings.get("OPTIONS") or {}).get("sslmode")),
    ]:
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed. Install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client), the same major version as the server or newer."
        )
    return path


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)


def _tables(cursor, vendor: str) -> list[str]:
    """Every table, SQLite's own (sqlite_sequence, sqlite_stat1) left out."""
    if vendor == "sqlite":
        cursor.execute(SQLITE_TABLES)
        return [name for (name,) in cursor.fetchall()]
    return sorted(connection.introspection.table_names(cursor))


def _row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations_in(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted([app, name] for app, name in cursor.fetchall())


# ---------------------------------------------------------------------------------------------
# Backup


@dataclass
class BackupResult:
    folder: Path
    manifest: dict

    @property
    def files(self) -> int:
        return len(self.manifest["evidence"])

    @property
    def bytes(self) -> int:
        return sum(entry["size"] for entry in self.manifest["evidence"])

    @property
    def rows(self) -> int:
        return sum(self.manifest["row_counts"].values())


def backup(output: Path | str) -> BackupResult:
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file. Back up into a new folder.")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty. Back up into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backing up a {vendor} database is not supported.")
    database_file = folder / DATABASE_FILES[vendor]
    if vendor == "postgresql":
        row_counts, migrations = _dump_postgresql(database_file)
    else:
        row_counts, migrations = _copy_sqlite(database_file)
    database_sha256, database_size = sha256_of_path(database_file)

    storage = storages["evidence"]
    files = []
    for key in evidence_keys(storage):
        target = folder / EVIDENCE / _safe_relative(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(key, "rb") as source, target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        files.append({"key": key, "size": size, "sha256": digest.hexdigest()})

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {
            "vendor": vendor,
            "file": database_file.name,
            "size": database_size,
            "sha256": database_sha256,
        },
        "migrations": migrations,
        "row_counts": row_counts,
        "evidence": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    result = BackupResult(folder, manifest)

    from audit.services import record

    record(
        "records.backup",
        f"Backup made: {result.rows} rows in {len(row_counts)} tables and {result.files} evidence files",
        detail={"folder": str(folder), "database_sha256": database_sha256, "files": result.files},
    )
    return result


def _dump_postgresql(target: Path) -> tuple[dict[str, int], list[list[str]]]:
    """pg_dump in the snapshot of a repeatable-read transaction that counts the rows too."""
    pg_dump = _program("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("Back up outside a transaction: pg_dump sees only committed data.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", "--no-password"])
        return _row_counts(cursor, _tables(cursor, "postgresql")), _migrations_in(cursor)


def _copy_sqlite(target: Path) -> tuple[dict[str, int], list[list[str]]]:
    """SQLite's online backup API, then the counts read from the copy itself."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Back up outside a transaction.")
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        counts = _row_counts(cursor, _tables(cursor, "sqlite"))
        return counts, _migrations_in(cursor)
    finally:
        copy.close()


# ---------------------------------------------------------------------------------------------
# Restore


@dataclass
class RestoreResult:
    manifest: dict
    files_restored: int = 0
    bytes_restored: int = 0
    # Files already in the store under their key with the same SHA-256: checked, not rewritten.
    files_in_place: int = 0
    files_not_in_backup: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.manifest["row_counts"].values())


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a backup made by `manage.py backup`.")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} is in format {manifest.get('format')!r}; this portal reads format {FORMAT}."
        )
    return manifest


def check(folder: Path | str) -> dict:
    """Everything restore checks before it changes anything. Returns the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup is of a {vendor} database and this portal uses {connection.vendor}: "
            "restore it into the same kind of database."
        )
    in_backup = {tuple(pair) for pair in manifest["migrations"]}
    in_code = {tuple(pair) for pair in code_migrations()}
    if in_backup != in_code:
        missing = sorted(f"{app}.{name}" for app, name in in_code - in_backup)
        extra = sorted(f"{app}.{name}" for app, name in in_backup - in_code)
        problems = []
        if missing:
            problems.append(f"not applied in the backup: {', '.join(missing)}")
        if extra:
            problems.append(f"applied in the backup but not in this code: {', '.join(extra)}")
        raise BackupError(
            "The backup's migrations do not match this code (" + "; ".join(problems) + "). Restore it "
            "with the version of the portal that made it, then migrate."
        )
    database = folder / manifest["database"]["file"]
    if not database.is_file():
        raise BackupError(f"The database file {database} is missing.")
    if sha256_of_path(database) != (manifest["database"]["sha256"], manifest["database"]["size"]):
        raise BackupError(f"The database file {database} does not match its SHA-256 in the manifest.")
    problems = []
    for entry in manifest["evidence"]:
        path = folder / EVIDENCE / _safe_relative(entry["key"])
        if not path.is_file():
            problems.append(f"{entry['key']} is missing")
        elif sha256_of_path(path) != (entry["sha256"], entry["size"]):
            problems.append(f"{entry['key']} does not match its SHA-256")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise BackupError(f"{len(problems)} evidence file(s) in the backup are damaged: {shown}.")
    return manifest


def restore(folder: Path | str) -> RestoreResult:
    folder = Path(folder)
    manifest = check(folder)
    database = folder / manifest["database"]["file"]
    if connection.in_atomic_block:
        raise BackupError("Restore outside a transaction.")
    if connection.vendor == "postgresql":
        _restore_postgresql(database)
    else:
        _restore_sqlite(database)

    result = RestoreResult(manifest)
    storage = storages["evidence"]
    backed_up = set()
    for entry in manifest["evidence"]:
        key = entry["key"]
        backed_up.add(key)
        if storage.exists(key):
            if _holds(storage, key, entry):
                result.files_in_place += 1
                continue
            storage.delete(key)
        with (folder / EVIDENCE / _safe_relative(key)).open("rb") as source:
            saved = storage.save(key, File(source, name=key))
        if saved != key:
            raise RestoreIncomplete(f"The evidence store saved {key} as {saved}; restore stopped.")
        if not _holds(storage, key, entry):
            raise RestoreIncomplete(f"{key} does not match its SHA-256 after it was written back.")
        result.files_restored += 1
        result.bytes_restored += entry["size"]
    result.files_not_in_backup = [key for key in evidence_keys(storage) if key not in backed_up]

    with connection.cursor() as cursor:
        counts = _row_counts(cursor, _tables(cursor, connection.vendor))
        migrations = _migrations_in(cursor)
    if counts != manifest["row_counts"] or migrations != manifest["migrations"]:
        differ = sorted(
            table
            for table in set(counts) | set(manifest["row_counts"])
            if counts.get(table) != manifest["row_counts"].get(table)
        )
        raise BackupError(
            f"After the restore, the row counts differ from the manifest in: {', '.join(differ)}."
        )

    from audit.services import record

    record(
        "records.restore",
        f"Restored the backup made at {manifest['created_at']}: {result.rows} rows and "
        f"{result.files_restored + result.files_in_place} evidence files",
        detail={
            "folder": str(folder),
            "created_at": manifest["created_at"],
            "database_sha256": manifest["database"]["sha256"],
            "files_restored": result.files_restored,
            "files_in_place": result.files_in_place,
            "files_not_in_backup": len(result.files_not_in_backup),
        },
    )
    return result


def _holds(storage, key: str, entry: dict) -> bool:
    """Whether the evidence store's file under this key has exactly the backed-up bytes."""
    with storage.open(key, "rb") as stored:
        return sha256_of(stored) == (entry["sha256"], entry["size"])


def _restore_postgresql(dump: Path) -> None:
    pg_restore = _program("pg_restore")
    # pg_restore needs the tables to itself: Django's connection lets go of them first.
    connection.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )


def _restore_sqlite(copy: Path) -> None:
    """The backup API copies the whole database, schema and triggers included, over the live one,
    in one step that other connections see all at once."""
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()

"""Backups of the database and the evidence files (MEDIA_ROOT), and their restore.

`make backup` writes one timestamped folder under BACKUP_DIR (default ./backups):

    20261127T203000Z/
        database.dump      PostgreSQL: pg_dump's custom format
        database.sqlite3   SQLite (the embedded default): a copy by SQLite's backup API
        media.tar.gz       every file under MEDIA_ROOT (evidence, import files)
        manifest.json      written last: engine, time, sha256 of each file

The folder is built under a hidden name and renamed when complete, so a folder with a manifest
is a whole backup. `make restore FROM=<folder>` checks the checksums, then restores the
database into DATABASE_URL (created if missing) and replaces MEDIA_ROOT's files. A database
with tables in it, or a MEDIA_ROOT with files in it, is replaced only when asked explicitly
(`--yes`, or CONFIRM=yes through make): nothing is changed otherwise.

On PostgreSQL a confirmed restore first drops the database's schemas (every table, including
those of a newer migration the backup does not know), then fills it in one transaction
(`pg_restore --single-transaction`). A restore that fails leaves the database empty, never half
filled: run it again, or restore another backup; the backup folder itself is never changed.

Run as `python -m reform_portal.backups backup|restore …` (scripts/backup.sh, scripts/restore.sh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
import psycopg2
from django.conf import settings
from psycopg2 import sql

DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


class RestoreRefused(BackupError):
    """The target holds data and the restore was not confirmed."""


@dataclass(frozen=True)
class Target:
    """Where the data lives: the default database's settings and MEDIA_ROOT."""

    engine: str  # "postgresql" or "sqlite"
    database: dict[str, Any]
    media_root: Path


def target_from_settings() -> Target:
    database = dict(settings.DATABASES["default"])
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        engine = "sqlite"
    elif engine not in ("postgresql", "postgis"):
        raise BackupError(f"Unsupported database engine: {database['ENGINE']}")
    return Target(
        engine="postgresql" if engine == "postgis" else engine,
        database=database,
        media_root=Path(settings.MEDIA_ROOT),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# PostgreSQL ---------------------------------------------------------------------------------------


def _pg_args(database: dict[str, Any]) -> list[str]:
    args = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    return args


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    # Our own fixed commands (pg_dump, pg_restore) found on PATH, arguments from the settings.
    try:
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client of the server's "
            "major version (postgresql-client) or newer."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _pg_connect(database: dict[str, Any], name: str) -> Any:
    return psycopg2.connect(
        dbname=name,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


def _pg_table_count(database: dict[str, Any]) -> int | None:
    """Tables in the database's own schemas; None when the database does not exist."""
    try:
        connection = _pg_connect(database, database["NAME"])
    except psycopg2.OperationalError as error:
        if "does not exist" in str(error):
            return None
        raise BackupError(f"Cannot connect to the database: {error}") from error
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            return int(cursor.fetchone()[0])
    finally:
        connection.close()


def _pg_create(database: dict[str, Any]) -> None:
    connection = _pg_connect(database, "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
    finally:
        connection.close()


def _pg_empty(database: dict[str, Any]) -> None:
    """Drop the database's own schemas (and so every table in them) and recreate `public`.
    `pg_restore --clean` is not used: it cannot drop the constraints partitions inherit."""
    connection = _pg_connect(database, database["NAME"])
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname <> 'information_schema' "
                "AND nspname NOT LIKE 'pg\\_%'"
            )
            for (schema,) in cursor.fetchall():
                cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            cursor.execute("CREATE SCHEMA public")
    finally:
        connection.close()


def _pg_dump(database: dict[str, Any], destination: Path) -> None:
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={destination}",
            *_pg_args(database),
            str(database["NAME"]),
        ],
        env=_pg_env(database),
    )


def _pg_restore(database: dict[str, Any], dump: Path) -> None:
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *_pg_args(database),
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        env=_pg_env(database),
    )


# SQLite -------------------------------------------------------------------------------------------


def _sqlite_copy(source: Path, destination: Path) -> None:
    """A consistent copy while the portal runs: SQLite's online backup API, not a file copy
    (which could catch a write half done, or miss what is still in the WAL file)."""
    source_uri = f"{source.resolve().as_uri()}?mode=ro"
    with (
        closing(sqlite3.connect(source_uri, uri=True)) as src,
        closing(sqlite3.connect(destination)) as dst,
    ):
        src.backup(dst)


def _sqlite_table_count(path: Path) -> int | None:
    if not path.exists():
        return None
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        return int(row.fetchone()[0])


# Media --------------------------------------------------------------------------------------------


def _media_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


def _media_archive(root: Path, destination: Path) -> int:
    files = _media_files(root)
    with tarfile.open(destination, "w:gz") as archive:
        for path in files:
            archive.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
    return len(files)


def _media_unpack(archive: Path, root: Path) -> Path:
    """Unpack beside MEDIA_ROOT (before the database is touched: a bad archive stops the
    restore while nothing has changed). The caller removes the folder."""
    root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}-restore-"))
    try:
        with tarfile.open(archive, "r:gz") as source:
            # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
            source.extractall(unpacked, filter="data")
    except tarfile.TarError as error:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise BackupError(f"The media archive cannot be unpacked safely: {error}") from error
    return unpacked


def _media_swap(unpacked: Path, root: Path) -> None:
    """Replace MEDIA_ROOT's contents (MEDIA_ROOT itself may be a mounted volume, which cannot
    be renamed)."""
    root.mkdir(parents=True, exist_ok=True)
    for child in list(root.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in unpacked.iterdir():
        shutil.move(str(child), root / child.name)


# Backup and restore -------------------------------------------------------------------------------


def _new_folder(backup_dir: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(100):
        name = stamp if attempt == 0 else f"{stamp}-{attempt}"
        if not (backup_dir / name).exists():
            return backup_dir / name
    raise BackupError(f"Too many backups named {stamp} in {backup_dir}")


def backup_create(
    *, backup_dir: Path, target: Target | None = None, now: dt.datetime | None = None
) -> Path:
    """Write a complete backup folder and return it (see the module's docstring)."""
    target = target or target_from_settings()
    backup_dir.mkdir(parents=True, exist_ok=True)
    folder = _new_folder(backup_dir, now or dt.datetime.now(dt.UTC))
    partial = backup_dir / f".{folder.name}.partial"
    partial.mkdir()
    try:
        if target.engine == "postgresql":
            database_file = DUMP
            _pg_dump(target.database, partial / DUMP)
        else:
            database_file = SQLITE_COPY
            source = Path(target.database["NAME"])
            if not source.exists():
                raise BackupError(f"No SQLite database at {source}")
            _sqlite_copy(source, partial / SQLITE_COPY)
        media_count = _media_archive(target.media_root, partial / MEDIA)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": target.engine,
            "database_name": Path(str(target.database["NAME"])).name,
            "media_files": media_count,
            "sha256": {name: _sha256(partial / name) for name in (database_file, MEDIA)},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a complete backup: it has no {MANIFEST}")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format: {manifest.get('format')!r}")
    for name, expected in manifest["sha256"].items():
        if Path(name).name != name or not (folder / name).is_file():
            raise BackupError(f"The backup lacks {name}")
        if _sha256(folder / name) != expected:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def backup_restore(*, folder: Path, confirm: bool, target: Target | None = None) -> dict[str, Any]:
    """Restore a backup folder into the configured database and MEDIA_ROOT.

    Everything is checked before anything changes: the checksums, the engine, and (unless
    `confirm`) that neither the database nor MEDIA_ROOT holds data. Returns the manifest."""
    target = target or target_from_settings()
    manifest = _manifest(folder)
    if manifest["engine"] != target.engine:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; DATABASE_URL is {target.engine}."
        )
    if target.engine == "postgresql":
        tables = _pg_table_count(target.database)
    else:
        tables = _sqlite_table_count(Path(target.database["NAME"]))
    media = _media_files(target.media_root)
    if not confirm and (tables or media):
        raise RestoreRefused(
            f"The target is not empty ({tables or 0} tables in {target.database['NAME']}, "
            f"{len(media)} files in {target.media_root}): confirm with --yes (CONFIRM=yes) "
            "to replace them with the backup."
        )
    unpacked = _media_unpack(folder / MEDIA, target.media_root)
    try:
        if target.engine == "postgresql":
            if tables is None:
                _pg_create(target.database)
            elif tables:
                _pg_empty(target.database)
            _pg_restore(target.database, folder / DUMP)
        else:
            destination = Path(target.database["NAME"])
            destination.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(folder / SQLITE_COPY, destination)
        _media_swap(unpacked, target.media_root)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reform_portal.backups")
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="back up the database and MEDIA_ROOT")
    backup.add_argument("--dir", default=os.environ.get("BACKUP_DIR") or "backups")
    restore = commands.add_parser("restore", help="restore a backup folder")
    restore.add_argument("folder")
    restore.add_argument(
        "--yes",
        action="store_true",
        default=os.environ.get("CONFIRM", "").lower() in ("yes", "1", "true"),
        help="replace a database or MEDIA_ROOT that holds data",
    )
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_portal.settings.local")
    django.setup()
    try:
        if options.command == "backup":
            folder = backup_create(backup_dir=Path(options.dir))
            print(f"Đã sao lưu / backed up: {folder}")
        else:
            manifest = backup_restore(folder=Path(options.folder), confirm=options.yes)
            print(
                f"Đã khôi phục / restored: {options.folder} "
                f"({manifest['engine']}, {manifest['media_files']} files)"
            )
    except BackupError as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

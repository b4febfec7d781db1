"""Backups: a round trip (data → backup → database and media gone → restore → the same rows
and the same evidence bytes), on SQLite by its backup API and on PostgreSQL by pg_dump."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from reform_portal.backups import (
    MANIFEST,
    MEDIA,
    BackupError,
    RestoreRefused,
    Target,
    _sha256,
    backup_create,
    backup_restore,
)
from reports import services as report_services
from reports.models import Evidence, QuarterlyReport
from tests.factories import (
    MembershipFactory,
    ReportingWindowFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Membership, Unit

EVIDENCE = b"%PDF-1.4 bien ban kiem tra \x00\x01\x02 " + bytes(range(256))
RESTORED_DB = "reform_portal_ops_restored"  # this suite's own scratch database


def _sqlite_world(tmp_path: Path) -> Target:
    database = tmp_path / "portal.sqlite3"
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE report (id INTEGER PRIMARY KEY, unit TEXT)")
        db.executemany("INSERT INTO report (unit) VALUES (?)", [("Sở Nội vụ",), ("Sở Y tế",)])
        db.commit()
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "bien-ban.pdf").write_bytes(EVIDENCE)
    return Target(engine="sqlite", database={"NAME": str(database)}, media_root=media)


def _rows(target: Target) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(target.database["NAME"])) as db:
        return db.execute("SELECT id, unit FROM report ORDER BY id").fetchall()


def test_sqlite_round_trip_restores_the_rows_and_the_evidence_bytes(tmp_path):
    target = _sqlite_world(tmp_path)
    folder = backup_create(backup_dir=tmp_path / "backups", target=target)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["engine"] == "sqlite"
    assert manifest["media_files"] == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.sqlite3",
        "manifest.json",
        "media.tar.gz",
    ]

    Path(target.database["NAME"]).unlink()
    for leftover in Path(target.database["NAME"]).parent.glob("portal.sqlite3-*"):
        leftover.unlink()
    (target.media_root / "evidence" / "2026" / "bien-ban.pdf").unlink()

    backup_restore(folder=folder, confirm=False, target=target)
    assert _rows(target) == [(1, "Sở Nội vụ"), (2, "Sở Y tế")]
    assert (target.media_root / "evidence" / "2026" / "bien-ban.pdf").read_bytes() == EVIDENCE


def test_restore_refuses_a_target_holding_data_unless_confirmed(tmp_path):
    target = _sqlite_world(tmp_path)
    folder = backup_create(backup_dir=tmp_path / "backups", target=target)
    with closing(sqlite3.connect(target.database["NAME"])) as db:
        db.execute("INSERT INTO report (unit) VALUES ('Sở Tài chính')")
        db.commit()
    (target.media_root / "later.pdf").write_bytes(b"%PDF later")

    with pytest.raises(RestoreRefused, match="--yes"):
        backup_restore(folder=folder, confirm=False, target=target)
    assert len(_rows(target)) == 3  # nothing was changed
    assert (target.media_root / "later.pdf").exists()

    backup_restore(folder=folder, confirm=True, target=target)
    assert _rows(target) == [(1, "Sở Nội vụ"), (2, "Sở Y tế")]
    assert not (target.media_root / "later.pdf").exists()


def test_backups_are_named_by_time_and_never_overwrite_each_other(tmp_path):
    target = _sqlite_world(tmp_path)
    first = backup_create(backup_dir=tmp_path / "backups", target=target)
    second = backup_create(backup_dir=tmp_path / "backups", target=target)
    assert first != second
    assert first.name[:8].isdigit()
    assert not list((tmp_path / "backups").glob(".*"))  # no partial folder left behind


def test_restore_refuses_a_damaged_or_incomplete_backup(tmp_path):
    target = _sqlite_world(tmp_path)
    folder = backup_create(backup_dir=tmp_path / "backups", target=target)
    with (folder / MEDIA).open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(BackupError, match="checksum"):
        backup_restore(folder=folder, confirm=True, target=target)
    (folder / MANIFEST).unlink()
    with pytest.raises(BackupError, match="not a complete backup"):
        backup_restore(folder=folder, confirm=True, target=target)


def test_restore_refuses_a_media_archive_writing_outside_media_root(tmp_path):
    target = _sqlite_world(tmp_path)
    folder = backup_create(backup_dir=tmp_path / "backups", target=target)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"bad"))
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["sha256"][MEDIA] = _sha256(folder / MEDIA)
    (folder / MANIFEST).write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="media"):
        backup_restore(folder=folder, confirm=True, target=target)
    assert not (tmp_path / "escaped.txt").exists()
    assert (target.media_root / "evidence" / "2026" / "bien-ban.pdf").exists()


def test_restore_refuses_a_backup_of_another_engine(tmp_path):
    target = _sqlite_world(tmp_path)
    folder = backup_create(backup_dir=tmp_path / "backups", target=target)
    postgres = Target(engine="postgresql", database={"NAME": "x"}, media_root=target.media_root)
    with pytest.raises(BackupError, match="sqlite"):
        backup_restore(folder=folder, confirm=True, target=postgres)


# PostgreSQL: the portal's own tables, a report and its evidence file ---------------------------


def _portal_world() -> tuple[QuarterlyReport, Evidence]:
    province = Unit.objects.filter(code="49").first() or UnitFactory(code="49")
    unit = UnitFactory(code="49.OPS", kind=Unit.Kind.DEPARTMENT, parent=province)
    today = timezone.localdate()
    window = ReportingWindowFactory(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
    )
    TaskFactory(responsible=unit, plan__province=province)
    report = report_services.report_open(unit=unit, window=window)
    head = UserFactory(username="ops-head")
    MembershipFactory(user=head, role=Membership.Role.DEPARTMENT_HEAD, unit=unit)
    evidence = report_services.evidence_add(
        progress=report.progress.get(),
        upload=SimpleUploadedFile("bien-ban.pdf", EVIDENCE, content_type="application/pdf"),
        user=head,
    )
    return report, evidence


def _counts() -> dict[str, int]:
    return {
        "reports": QuarterlyReport.objects.count(),
        "evidence": Evidence.objects.count(),
        "units": Unit.objects.count(),
    }


def _pg(database: dict, name: str):
    return psycopg2.connect(
        dbname=name,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


def _drop(database: dict, name: str) -> None:
    admin = _pg(database, "postgres")
    admin.autocommit = True
    with closing(admin), admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_restores_the_rows_and_the_evidence_bytes(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://… (make test-integration's server)")
    settings.MEDIA_ROOT = tmp_path / "media"
    report, evidence = _portal_world()
    before = _counts()
    stored_name = evidence.file.name
    database = dict(connection.settings_dict)
    target = Target(engine="postgresql", database=database, media_root=tmp_path / "media")
    folder = backup_create(backup_dir=tmp_path / "backups", target=target)

    # Into a database that does not exist: created, then filled; another media folder.
    _drop(database, RESTORED_DB)
    elsewhere = Target(
        engine="postgresql",
        database=database | {"NAME": RESTORED_DB},
        media_root=tmp_path / "media-restored",
    )
    try:
        backup_restore(folder=folder, confirm=False, target=elsewhere)
        with closing(_pg(database, RESTORED_DB)) as restored, restored.cursor() as cursor:
            cursor.execute("SELECT file FROM reports_evidence")
            assert cursor.fetchall() == [(stored_name,)]
            cursor.execute("SELECT count(*) FROM reports_quarterlyreport")
            assert cursor.fetchone()[0] == before["reports"]
        assert (tmp_path / "media-restored" / stored_name).read_bytes() == EVIDENCE
    finally:
        _drop(database, RESTORED_DB)

    # In place: the database emptied and the media removed; refused until confirmed.
    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / stored_name).unlink()
    assert _counts()["evidence"] == 0
    connection.close()
    with pytest.raises(RestoreRefused):
        backup_restore(folder=folder, confirm=False, target=target)
    backup_restore(folder=folder, confirm=True, target=target)

    assert _counts() == before
    restored = Evidence.objects.get()
    assert restored.file.name == stored_name
    assert restored.progress.report_id == report.pk
    with restored.file.open("rb") as handle:
        assert handle.read() == EVIDENCE


def test_the_make_targets_scripts_back_up_and_refuse_an_unconfirmed_restore(tmp_path):
    """scripts/backup.sh and scripts/restore.sh (what `make backup` and `make restore` run), on
    the embedded SQLite default, configured through the environment."""
    target = _sqlite_world(tmp_path)
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "reform_portal.settings.local",
        "DATABASE_URL": f"sqlite:///{target.database['NAME']}",
        "MEDIA_ROOT": str(target.media_root),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "PY": sys.executable,
    }

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", *args], cwd=root, env=env | extra, capture_output=True, text=True
        )

    made = run("scripts/backup.sh")
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    refused = run("scripts/restore.sh", str(folder))
    assert refused.returncode == 2
    assert "CONFIRM=yes" in refused.stderr
    restored = run("scripts/restore.sh", str(folder), CONFIRM="yes")
    assert restored.returncode == 0, restored.stderr
    assert _rows(target) == [(1, "Sở Nội vụ"), (2, "Sở Y tế")]
    assert run("scripts/restore.sh").returncode == 2  # no folder named

"""What the fault scenarios share: the private services, the portal under gunicorn, the
catalogue, accounts signed in over HTTP, and the PCI 2022 file two admins commit."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from faults_stack import Portal, PrivatePostgres, PrivateRedis  # noqa: E402
from loadtest_http import Browser, Response, csrf_token  # noqa: E402

PORTAL_PORT = 58091
REDIS_PORT = 56380
ARTIFACTS = ROOT / "test-artifacts"
QUEUE_DOWN = "Đã ghi; bảng xếp hạng sẽ được tính lại khi hàng đợi hoạt động trở lại"
DB_DOWN_TITLE = "Hệ thống tạm thời gián đoạn"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def report(scenario: str, checked: str) -> None:
    """One line per scenario for the README's table (`make faults` runs with -s)."""
    print(f"\nFAULTS {scenario}: {checked}")


def wait_for(predicate, *, timeout: float = 60, what: str = "condition", step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


# Services ---------------------------------------------------------------------------------------


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def private_database(transactional_db) -> Iterator[PrivatePostgres]:
    """The cluster this session's test database lives on, which a scenario may crash."""
    pgdata = os.environ.get("FAULTS_PGDATA")
    port = int(settings.DATABASES["default"]["PORT"] or 5432)
    if not pgdata or port != int(os.environ.get("FAULTS_PG_PORT", "0")):
        pytest.skip("needs the private PostgreSQL cluster of `make faults` (scripts/faults.py)")
    cluster = PrivatePostgres(port=port, datadir=Path(pgdata))
    yield cluster
    if not cluster.running():
        cluster.start()
    connections.close_all()


def database_back(cluster: PrivatePostgres) -> None:
    cluster.start()
    connections.close_all()  # this process's connections died with the server


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(port=REDIS_PORT, workdir=tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def portal(transactional_db) -> Iterator:
    """Start gunicorn (2 sync workers, persistent connections) on the test database."""
    started: list[Portal] = []

    def start(*, workers: int = 2, **env: str) -> Portal:
        server = Portal(
            port=PORTAL_PORT,
            workers=workers,
            env={
                "DJANGO_SETTINGS_MODULE": "reform_portal.settings.test",
                "DATABASE_URL": _database_url(),
                "REDIS_URL": settings.REDIS_URL,
                "CONN_MAX_AGE": "60",
                **env,
            },
            log=ARTIFACTS / "faults-gunicorn.log",
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def catalogue(transactional_db) -> None:
    """Units and index definitions (a transactional test before this one flushed them)."""
    from indices.models import IndexEdition
    from units.models import Unit

    if not Unit.objects.filter(code="49").exists():
        call_command("load_units", verbosity=0)
    if not IndexEdition.objects.exists():
        call_command("load_index_definitions", stdout=io.StringIO())


def account(username: str, role: str, unit_code: str | None = None):
    from tests.factories import MembershipFactory, UserFactory
    from units.models import Unit

    user = UserFactory(username=username)
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    MembershipFactory(user=user, role=role, unit=unit)
    return user


def sign_in(username: str) -> Browser:
    browser = Browser(PORTAL_PORT)
    page = browser.request("GET", "/dang-nhap/")
    answer = browser.request(
        "POST",
        "/dang-nhap/",
        fields=[
            ("csrfmiddlewaretoken", csrf_token(page.body)),
            ("username", username),
            ("password", "demo12345"),
        ],
    )
    assert answer.status == 302, answer.body[:500]
    return browser


# Imports ----------------------------------------------------------------------------------------


def pci_2022_file(shift: int) -> tuple[bytes, dict[str, Decimal]]:
    """PCI 2022 totals for every province of the time, a file per `shift` (different values,
    the same units): the CSV and the value each unit must end with."""
    from indices.models import IndexEdition
    from units.models import Unit

    edition = IndexEdition.objects.get(index__code="PCI", year=2022)
    units = Unit.objects.filter(kind=Unit.Kind.PROVINCE).valid_on(edition.reference_date)
    values = {
        unit.code: Decimal(40) + Decimal(number) / 2 + Decimal(shift) / 100
        for number, unit in enumerate(units.order_by("code"))
    }
    names = dict(units.values_list("code", "name"))
    ranked = sorted(values, key=values.__getitem__, reverse=True)
    lines = ["Tỉnh,Điểm số PCI,Xếp hạng"] + [
        f"{names[code]},{values[code]},{place}" for place, code in enumerate(ranked, 1)
    ]
    return ("\n".join(lines) + "\n").encode(), values


def edition_state() -> dict[str, object]:
    """What PCI 2022 holds: its scores by unit and the batches they come from, its batches by
    status, its runs by batch."""
    from indices.models import AnalysisRun, ImportBatch, Score

    scores = Score.objects.filter(edition__index__code="PCI", edition__year=2022)
    batches = ImportBatch.objects.filter(edition__index__code="PCI", edition__year=2022)
    return {
        "values": dict(scores.filter(component__isnull=True).values_list("unit__code", "value")),
        "score_rows": scores.count(),
        "score_batches": set(scores.values_list("batch_id", flat=True)),
        "committed": list(batches.filter(status="committed").values_list("pk", flat=True)),
        "superseded": list(batches.filter(status="superseded").values_list("pk", flat=True)),
        "runs": {
            batch: AnalysisRun.objects.filter(batch_id=batch).count()
            for batch in batches.values_list("pk", flat=True)
        },
    }


def upload(browser: Browser, data: bytes, name: str) -> int:
    """Upload a file for PCI 2022 through the import form: the staged batch's id."""
    page = browser.request("GET", "/chi-so/nhap-du-lieu/")
    answer = browser.request(
        "POST",
        "/chi-so/nhap-du-lieu/",
        fields=[
            ("csrfmiddlewaretoken", csrf_token(page.body)),
            ("index", "PCI"),
            ("year", "2022"),
            ("level", "province"),
        ],
        files=[("file", name, data, "text/csv")],
    )
    assert answer.status == 302, answer.body[:2000]
    return int(answer.location.rstrip("/").rsplit("/", 1)[-1])


def commit(browser: Browser, batch: int) -> Response:
    page = browser.request("GET", f"/chi-so/nhap-du-lieu/{batch}/")
    assert page.status == 200, page.body[:500]
    return browser.request(
        "POST",
        f"/chi-so/nhap-du-lieu/{batch}/ghi/",
        fields=[("csrfmiddlewaretoken", csrf_token(page.body)), ("allow_missing", "on")],
    )


def assert_whole(state: dict[str, object], expected: dict[str, Decimal], batch: int) -> None:
    """The edition holds exactly one file, whole: every unit's value from it, every score row
    from its batch, that batch the only committed one."""
    assert state["values"] == expected
    assert state["score_batches"] == {batch}
    assert state["committed"] == [batch]


# Scenarios --------------------------------------------------------------------------------------


def backends_waiting(on: str) -> list[str]:
    """The queries of other sessions waiting for a lock, whose text mentions `on`."""
    from psycopg2 import connect

    db = settings.DATABASES["default"]
    probe = connect(host=db["HOST"], port=db["PORT"], user="postgres", dbname=db["NAME"])
    try:
        cursor = probe.cursor()
        cursor.execute(
            "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid() AND datname = current_database()"
        )
        rows = [row[0] for row in cursor.fetchall()]
    finally:
        probe.close()
    return [query for query in rows if on in query]


def sql_rows(query: str, *params: object) -> list[tuple]:
    """Rows of a query on a connection of its own."""
    from psycopg2 import connect

    db = settings.DATABASES["default"]
    session = connect(host=db["HOST"], port=db["PORT"], user="postgres", dbname=db["NAME"])
    try:
        cursor = session.cursor()
        cursor.execute(query, params)
        return cursor.fetchall()
    finally:
        session.close()


def holding(sql: str, *params: object):
    """A separate session that takes a lock and keeps it (until `.rollback()`)."""
    from psycopg2 import connect

    db = settings.DATABASES["default"]
    holder = connect(host=db["HOST"], port=db["PORT"], user="postgres", dbname=db["NAME"])
    holder.cursor().execute(sql, params)
    return holder


def in_thread(call) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    return thread, out

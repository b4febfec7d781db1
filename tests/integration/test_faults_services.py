"""`make faults`: the portal's services made to fail under it, each scenario followed by a check,
on the stored rows, that nothing was lost, duplicated or half-written, and that the portal
recovered without being restarted.

The services stopped here are private ones (scripts/faults_stack.py): the PostgreSQL cluster
that `scripts/faults.py` starts for the session on its own port (the test database lives there),
and `redis-server` processes on their own ports. The machine's shared PostgreSQL (5432) and Redis
(6379) are never stopped. The portal runs as it is deployed: gunicorn sync workers with
persistent database connections, and a real Celery worker with its beat."""

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

from tests.integration.conftest import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from faults_stack import Portal, PrivatePostgres, PrivateRedis  # noqa: E402
from loadtest_http import Browser, Response, csrf_token  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.faults]

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


def test_broker_process_stopped_during_an_import_then_restarted(
    catalogue, portal, private_redis, tmp_path
):
    """The broker (a private redis-server) is killed between the preview and the commit of an
    import and started again a little later on the same port. The import is saved and says the
    rebuild will follow; the worker and the web process reconnect by themselves and the run
    queued in the database (the outbox) is built exactly once."""
    from indices.models import AnalysisRun, EditionAnalysis, RankResult
    from reform_portal.celery import app

    broker = private_redis.url(0)
    account("admin-faults", "admin")
    first, _first_values = pci_2022_file(1)
    second, second_values = pci_2022_file(2)
    worker_env = {
        "CELERY_BROKER_URL": broker,
        "ANALYTICS_SWEEP_SECONDS": "2",
        "ANALYTICS_REDISPATCH_SECONDS": "3",
        **{"CELERY_UNACKED_RESTORE_INTERVAL": "1", "CELERY_UNACKED_RESTORE_THROTTLE": "1"},
    }
    saved = app.conf.broker_url
    app.conf.broker_url = broker
    app._after_fork()
    worker = None
    try:
        worker = WorkerProcess(
            "faults-broker",
            overrides=worker_env,
            beat_schedule=tmp_path / "beat",
            log_name="worker-faults-broker",
        )
        portal(CELERY_BROKER_URL=broker)
        admin = sign_in("admin-faults")
        batch_one = upload(admin, first, "pci-2022-a.csv")
        assert commit(admin, batch_one).status == 302
        wait_for(
            lambda: AnalysisRun.objects.filter(batch_id=batch_one, status="succeeded").exists(),
            what="the first import's rebuild",
        )

        batch_two = upload(admin, second, "pci-2022-b.csv")
        private_redis.kill()  # the broker goes away between the preview and the commit
        started = time.monotonic()
        answer = commit(admin, batch_two)
        took = time.monotonic() - started
        assert answer.status == 302
        assert QUEUE_DOWN in admin.request("GET", answer.location).body
        state = edition_state()
        assert_whole(state, second_values, batch_two)
        run = AnalysisRun.objects.get(batch_id=batch_two)
        assert run.status == AnalysisRun.Status.QUEUED
        time.sleep(3)  # down for a while; the worker keeps trying to reconnect
        assert worker.process.poll() is None, "the worker must outlive the broker outage"

        private_redis.start()
        back = time.monotonic()
        wait_for(
            lambda: AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.SUCCEEDED,
            timeout=120,
            what="the run queued while the broker was down",
        )
        recovered = time.monotonic() - back
        run.refresh_from_db()
        assert run.attempts == 1
        state = edition_state()
        assert_whole(state, second_values, batch_two)
        assert state["runs"] == {batch_one: 1, batch_two: 1}
        assert set(
            EditionAnalysis.objects.filter(
                edition__index__code="PCI", edition__year=2022
            ).values_list("run_id", flat=True)
        ) == {run.pk}
        assert (
            RankResult.objects.filter(edition__index__code="PCI", edition__year=2022).count()
            == state["score_rows"]
        )
        # The web process publishes again by itself: a third import is sent at once.
        third, third_values = pci_2022_file(3)
        batch_three = upload(admin, third, "pci-2022-c.csv")
        answer = commit(admin, batch_three)
        assert QUEUE_DOWN not in admin.request("GET", answer.location).body
        wait_for(
            lambda: AnalysisRun.objects.filter(batch_id=batch_three, status="succeeded").exists(),
            what="an import after the outage",
        )
        assert_whole(edition_state(), third_values, batch_three)
    finally:
        if worker is not None:
            worker.stop()
        app.conf.broker_url = saved
        app._after_fork()
    report(
        "broker killed during an import",
        f"commit answered in {took:.1f} s with the queue-down notice, scores whole; "
        f"run built once {recovered:.1f} s after the broker came back; 3 batches, 3 runs",
    )


def _backends_waiting(on: str) -> list[str]:
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


def _sql(query: str, *params: object) -> list[tuple]:
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


def _holding(sql: str, *params: object):
    """A separate session that takes a lock and keeps it (until `.rollback()`)."""
    from psycopg2 import connect

    db = settings.DATABASES["default"]
    holder = connect(host=db["HOST"], port=db["PORT"], user="postgres", dbname=db["NAME"])
    holder.cursor().execute(sql, params)
    return holder


def _in_thread(call) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    return thread, out


def test_database_crashed_in_the_middle_of_an_import_commit(
    catalogue, portal, private_redis, private_database
):
    """PostgreSQL is crashed (immediate shutdown: every backend killed, WAL replay on restart)
    while an import's transaction has replaced the edition's scores but not committed. The page
    answers a clean 503 in Vietnamese; after the restart the edition holds the previous file
    whole; every gunicorn worker answers again without a restart; the same staged file then
    commits."""
    from indices.models import ImportBatch

    account("admin-faults", "admin")
    first, first_values = pci_2022_file(1)
    second, second_values = pci_2022_file(2)
    portal(CELERY_BROKER_URL=private_redis.url(0))
    admin = sign_in("admin-faults")
    batch_one = upload(admin, first, "pci-2022-a.csv")
    assert commit(admin, batch_one).status == 302
    batch_two = upload(admin, second, "pci-2022-b.csv")
    for _ in range(6):  # every worker holds a persistent connection from now on
        assert admin.request("GET", "/chi-so/nhap-du-lieu/").status == 200

    # Hold the import at its last statement: the scores are deleted and copied again inside
    # its transaction, the run row (the outbox) is about to be inserted.
    holder = _holding("LOCK TABLE indices_analysisrun IN ACCESS EXCLUSIVE MODE")
    thread, answers = _in_thread(lambda: commit(admin, batch_two))
    waiting = wait_for(lambda: _backends_waiting("indices_analysisrun"), what="the import to wait")
    private_database.stop(mode="immediate")
    thread.join(timeout=60)
    holder.close()
    answer = answers[0]
    assert answer.status == 503, answer.body[:1000]
    assert DB_DOWN_TITLE in answer.body
    assert answer.headers.get("retry-after") == "30"

    database_back(private_database)
    state = edition_state()
    assert_whole(state, first_values, batch_one)
    assert ImportBatch.objects.get(pk=batch_two).status == ImportBatch.Status.PREVIEWED
    assert state["runs"] == {batch_one: 1, batch_two: 0}
    # Recovered by itself: every request after the restart is served, on every worker.
    statuses = [admin.request("GET", "/chi-so/nhap-du-lieu/").status for _ in range(8)]
    assert statuses == [200] * 8, statuses
    assert commit(admin, batch_two).status == 302
    state = edition_state()
    assert_whole(state, second_values, batch_two)
    assert state["runs"] == {batch_one: 1, batch_two: 1}
    report(
        "database crashed during an import commit",
        f"held at `{waiting[0][:40]}…`, crashed: 503 page; after restart the previous file "
        f"whole ({len(first_values)} values, 1 committed batch, no run for the failed one); "
        "8 of 8 requests served after the restart; the same staged file then committed",
    )


def test_two_admins_commit_different_files_into_one_edition_at_once(
    catalogue, portal, private_redis
):
    """Two admins commit different files into PCI 2022 at the same moment (held at the
    edition's lock until both wait, then released; then once more with no help): the commits
    are serialised, the edition ends with the second file whole, the first superseded."""
    account("admin-one", "admin")
    account("admin-two", "admin")
    portal(workers=3, CELERY_BROKER_URL=private_redis.url(0))
    one, two = sign_in("admin-one"), sign_in("admin-two")
    rounds = []
    for round_number, hold in ((1, True), (2, False)):
        file_one, values_one = pci_2022_file(10 * round_number + 1)
        file_two, values_two = pci_2022_file(10 * round_number + 2)
        batch_one = upload(one, file_one, f"mot-{round_number}.csv")
        batch_two = upload(two, file_two, f"hai-{round_number}.csv")
        for browser, batch in ((one, batch_one), (two, batch_two)):  # previews, as people do
            assert browser.request("GET", f"/chi-so/nhap-du-lieu/{batch}/").status == 200
        from indices.models import IndexEdition

        edition = IndexEdition.objects.get(index__code="PCI", year=2022)
        holder = (
            _holding("SELECT 1 FROM indices_indexedition WHERE id = %s FOR UPDATE", edition.pk)
            if hold
            else None
        )
        barrier = threading.Barrier(2)

        def post(browser: Browser, batch: int, barrier=barrier) -> Response:
            page = browser.request("GET", f"/chi-so/nhap-du-lieu/{batch}/")
            token = csrf_token(page.body)
            barrier.wait()
            return browser.request(
                "POST",
                f"/chi-so/nhap-du-lieu/{batch}/ghi/",
                fields=[("csrfmiddlewaretoken", token), ("allow_missing", "on")],
            )

        threads = [
            _in_thread(lambda b=b, n=n: post(b, n)) for b, n in ((one, batch_one), (two, batch_two))
        ]
        if holder is not None:
            wait_for(
                lambda: len(_backends_waiting("indices_indexedition")) == 2,
                what="both commits to wait for the edition",
            )
            holder.rollback()
            holder.close()
        for thread, _out in threads:
            thread.join(timeout=120)
        answers = [out[0] for _thread, out in threads]
        assert [a.status for a in answers] == [302, 302], [a.body[:300] for a in answers]
        state = edition_state()
        winner = state["committed"][0]
        assert winner in (batch_one, batch_two)
        loser = batch_two if winner == batch_one else batch_one
        assert_whole(state, values_one if winner == batch_one else values_two, winner)
        assert loser in state["superseded"]
        assert (state["runs"][winner], state["runs"][loser]) == (1, 1)
        rounds.append("held at the lock" if hold else "raced")
    report(
        "two admins commit different files into one edition at once",
        f"{len(rounds)} rounds ({', '.join(rounds)}): both answered 302, serialised by the "
        "edition's lock; one file whole (every value, every row of one batch), the other "
        "superseded; one run per batch",
    )


def _quarter_plan(head_unit: str = "49.SKHDT"):
    """A task of the head's unit with an indicator and its quarterly target, and the open
    reporting window of this quarter."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import (
        IndicatorFactory,
        IndicatorTargetFactory,
        PlanFactory,
        ReportingWindowFactory,
        TaskFactory,
    )
    from units.models import Unit

    task = TaskFactory(
        plan=PlanFactory(name="Đề án thử", province=Unit.objects.get(code="49")),
        code="3",
        title="Rút ngắn thời gian cấp phép đầu tư",
        responsible=Unit.objects.get(code=head_unit),
        due_date=dt.date(2030, 1, 1),
    )
    indicator = IndicatorFactory(task=task, name="Thời gian cấp GCN")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    IndicatorTargetFactory(indicator=indicator, year=today.year, quarter=quarter, value=10)
    return ReportingWindowFactory(
        year=today.year, quarter=quarter, opens_on=today, deadline=today + dt.timedelta(days=15)
    )


TYPED = (
    "Đã ban hành quy trình liên thông cấp giấy chứng nhận đầu tư; thời gian giải quyết giảm "
    "từ 15 xuống 9 ngày làm việc. Còn vướng phần kết nối dữ liệu đất đai với Sở Tài nguyên."
)
EXPLAINED = "Minh chứng là quyết định số 12/QĐ-UBND, sẽ tải lên khi có bản ký số."


def test_database_down_while_a_head_submits_keeps_the_typed_text(
    catalogue, portal, private_redis, private_database
):
    """A department head types the quarter's report in a real browser; the database goes down
    before the head presses "Gửi báo cáo". The page answers 503 in Vietnamese; once the database
    is back, the report page puts the typed text back (kept in the browser) with a notice, and
    the head submits it: the text read back from the database is what was typed, submitted
    once."""
    from playwright.sync_api import sync_playwright

    from reports.models import QuarterlyReport, TaskProgress
    from reports.services import report_open
    from units.models import Unit

    window = _quarter_plan()
    account("truongso-faults", "department_head", "49.SKHDT")
    report_pk = report_open(unit=Unit.objects.get(code="49.SKHDT"), window=window).pk
    portal(CELERY_BROKER_URL=private_redis.url(0))
    base = f"http://127.0.0.1:{PORTAL_PORT}"
    url = f"{base}/tien-do/bao-cao/{report_pk}/"
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.set_default_timeout(20000)
        page.goto(f"{base}/dang-nhap/")
        page.fill("#id_username", "truongso-faults")
        page.fill("#id_password", "demo12345")
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        page.goto(url)
        page.select_option("select[name$=status]", "in_progress")
        page.fill("input[name$=percent_complete]", "60")
        page.fill("textarea[name$=-done]", TYPED)
        page.fill("textarea[name$=-explanation]", EXPLAINED)
        page.fill("input[name^=i][inputmode=decimal]", "9,5")

        private_database.stop(mode="immediate")
        with page.expect_navigation() as navigation:
            page.click("#submit-report")
        assert navigation.value.status == 503
        assert page.locator("h1").inner_text() == DB_DOWN_TITLE
        page.screenshot(path=str(shots / "faults-db-down-503.png"), full_page=True)

        private_database.start()
        # Read with a connection of its own: Playwright's greenlet has its own Django ones.
        assert _sql("SELECT done FROM reports_taskprogress WHERE report_id = %s", report_pk) == [
            ("",)
        ]  # nothing of the typed text reached the database
        page.goto(url)
        assert page.locator("#draft-restored").is_visible()
        assert page.input_value("textarea[name$=-done]") == TYPED
        assert page.input_value("textarea[name$=-explanation]") == EXPLAINED
        assert page.input_value("input[name^=i][inputmode=decimal]") == "9,5"
        page.screenshot(path=str(shots / "faults-db-back-draft-restored.png"), full_page=True)
        page.click("#submit-report")
        page.wait_for_load_state("networkidle")
        assert page.locator("#report-status").inner_text() == "Đã gửi"
        kept = page.evaluate("Object.keys(window.localStorage)")
        browser.close()
    connections.close_all()  # this process's connections died with the server

    progress = TaskProgress.objects.get(report_id=report_pk)
    assert (progress.done, progress.explanation, progress.percent_complete) == (
        TYPED,
        EXPLAINED,
        60,
    )
    report_row = QuarterlyReport.objects.get(pk=report_pk)
    assert report_row.status == QuarterlyReport.Status.SUBMITTED
    assert report_row.history.filter(status="submitted").count() == 1
    assert kept == [], kept  # the browser forgets the text once the server holds it
    report(
        "database down while a head submits a report",
        "503 page in Vietnamese; after restart the page restored the typed text "
        f"({len(TYPED)} characters) with a notice; submitted once; text read back equal",
    )


@pytest.fixture
def full_disk(tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs as the evidence folder (MEDIA_ROOT), nearly filled: ENOSPC for real.
    Mounting needs root; the scenario is skipped otherwise."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (ENOSPC) needs root")
    mount = tmp_path / "media"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


def test_evidence_folder_full(catalogue, full_disk, client, settings):
    """The evidence folder has 64 KiB left when a head saves the report with a 300 KB PDF. The
    head is told the file was not stored and why, the typed text is saved, no Evidence row and
    no partial file remain; once space is freed the same upload is stored."""
    from reports.models import Evidence, TaskProgress
    from reports.services import report_open
    from units.models import Unit

    settings.MEDIA_ROOT = str(full_disk)
    window = _quarter_plan()
    head = account("truongso-faults", "department_head", "49.SKHDT")
    report_row = report_open(unit=Unit.objects.get(code="49.SKHDT"), window=window)
    progress = TaskProgress.objects.get(report=report_row)
    indicator = progress.task.indicators.get()
    pdf = b"%PDF-1.4\n%" + b"x" * 300_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    filler = _fill(full_disk, leave=64 * 1024)
    client.force_login(head)

    def save():
        upload = io.BytesIO(pdf)
        upload.name = "quyet-dinh.pdf"
        return client.post(
            f"/tien-do/bao-cao/{report_row.pk}/",
            {
                "action": "save",
                f"p{progress.pk}-status": "in_progress",
                f"p{progress.pk}-percent_complete": "60",
                f"p{progress.pk}-done": TYPED,
                f"p{progress.pk}-explanation": EXPLAINED,
                f"i{indicator.pk}": "9,5",
                f"evidence-{progress.pk}": upload,
            },
        )

    answer = save()
    assert answer.status_code == 200
    messages = [str(m) for m in answer.context["messages"]]
    assert any("quyet-dinh.pdf" in m and "hết dung lượng" in m for m in messages), messages
    progress.refresh_from_db()
    assert progress.done == TYPED
    assert not Evidence.objects.exists()
    left = sorted(p.name for p in full_disk.rglob("*") if p.is_file())
    assert left == ["filler.bin"], left

    filler.unlink()  # an operator frees space: the same upload now goes through
    assert save().status_code == 302
    stored = Evidence.objects.get()
    assert (full_disk / stored.file.name).stat().st_size == len(pdf) == stored.size
    report(
        "evidence folder full (1 MiB tmpfs, 64 KiB left)",
        "upload refused with the reason named; report text saved; no row, no partial file; "
        "stored whole once space was freed",
    )


BROWSED = ["/", "/chi-so/PCI/", "/don-vi/49/", "/chi-so/PCI/?nam=2021"]


def _strip_tokens(body: str) -> str:
    """A page without what differs from one answer to the next (CSRF tokens)."""
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_cache_killed_while_officials_browse(catalogue, portal, private_redis):
    """The cache (a private redis-server) is killed while an official browses the dashboards,
    then started again, empty. Every page still answers 200 with the same content, built
    uncached within the cache's timeout; /healthz says the cache is down; once Redis is back
    pages are cached again without restarting anything."""
    from tests import standings

    standings.pci_2021()
    account("lanhdao-faults", "official")
    portal(REDIS_URL=private_redis.url(1), CELERY_BROKER_URL=settings.REDIS_URL)
    official = sign_in("lanhdao-faults")
    cached = {}
    for path in BROWSED:
        answer = official.request("GET", path)
        assert answer.status == 200, (path, answer.status)
        cached[path] = _strip_tokens(answer.body)
    assert private_redis.keys(1) > 0, "the pages did not use the cache"

    private_redis.kill()
    slowest = 0.0
    for _ in range(2):
        for path in BROWSED:
            answer = official.request("GET", path)
            assert answer.status == 200, (path, answer.status)
            assert _strip_tokens(answer.body) == cached[path], path
            slowest = max(slowest, answer.ms)
    health = official.request("GET", "/healthz")
    assert health.status == 503
    assert '"cache": {"ok": false' in health.body
    assert slowest < 5000, slowest

    private_redis.start()  # empty: nothing kept across the restart
    assert private_redis.keys(1) == 0
    for path in BROWSED:
        assert official.request("GET", path).status == 200
    assert private_redis.keys(1) > 0, "caching did not resume after the cache came back"
    assert official.request("GET", "/healthz").status == 200
    report(
        "cache killed while browsing",
        f"{2 * len(BROWSED)} of {2 * len(BROWSED)} pages 200 and identical to the cached ones "
        f"(slowest {slowest:.0f} ms); /healthz 503 naming the cache; caching resumed after "
        "the restart, /healthz 200",
    )

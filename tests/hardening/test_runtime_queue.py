"""Rebuild requests under faults: a broker that is down, a worker that died.

The broker is made unreachable by pointing the Celery app at a closed port (nothing listens on
127.0.0.1:1), not by replacing any of its parts; "back" is the eager in-process mode the suite
runs in. Real worker processes are exercised in tests/integration/test_faults.py."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from indices.analytics.queue import QUEUE_DOWN_MESSAGE, analysis_request, dispatch_report
from indices.analytics.runs import analysis_rebuild, analysis_sweep, run_heartbeat
from indices.models import AnalysisRun, ImportBatch, IndexEdition, Score
from indices.selectors_analytics import editions_awaiting_rebuild
from indices.services.imports.service import import_stage, scores_import
from indices.tasks import analysis_sweep_task, run_dispatch
from reform_portal.celery import app as celery_app
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"
QUEUE_DOWN = "Đã ghi; bảng xếp hạng sẽ được tính lại khi hàng đợi hoạt động trở lại."


def _reset_broker_connections() -> None:
    """New connections for the broker now configured (as after a fork)."""
    celery_app._after_fork()


@pytest.fixture
def broker_down():
    """The Celery app sends to a port where nothing listens, with one quick try."""
    keys = [
        "broker_url",
        "task_always_eager",
        "broker_connection_timeout",
        "broker_transport_options",
        "task_publish_retry_policy",
    ]
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=CLOSED_PORT_BROKER,
        task_always_eager=False,
        broker_connection_timeout=0.5,
        broker_transport_options={"socket_connect_timeout": 0.5},
        task_publish_retry_policy={"max_retries": 0},
    )
    _reset_broker_connections()
    yield
    celery_app.conf.update(saved)
    _reset_broker_connections()


@pytest.fixture
def reference(transactional_db):
    """Units and index definitions: a transactional test before this one may have flushed them."""
    if not (Unit.objects.filter(code="49").exists() and IndexEdition.objects.exists()):
        call_command("load_reference_data", stdout=io.StringIO())


def _admin():
    user = UserFactory(username="runtime-admin")
    MembershipFactory(user=user, role=Membership.Role.ADMIN)
    return user


def _old_run(*, status: str, minutes: float, heartbeat_minutes: float | None = None):
    """A run (of no edition: executing it is instant) created `minutes` ago."""
    run = AnalysisRun.objects.create(trigger="admin", scope=[], status=status)
    now = dt.datetime.now(tz=dt.UTC)
    heartbeat = now - dt.timedelta(minutes=heartbeat_minutes) if heartbeat_minutes else None
    AnalysisRun.objects.filter(pk=run.pk).update(
        created_at=now - dt.timedelta(minutes=minutes), heartbeat_at=heartbeat
    )
    return run


def test_import_page_with_the_broker_down_saves_and_says_the_ranking_waits(
    client, reference, broker_down
):
    admin = _admin()
    client.force_login(admin)
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    data = (FIXTURES / "pci_2021_published.xlsx").read_bytes()
    batch = import_stage(edition=edition, data=data, filename="pci.xlsx", user=admin)

    page = client.post(
        reverse("indices:import_commit", args=[batch.pk]), {"allow_missing": "on"}, follow=True
    )

    assert page.status_code == 200
    assert QUEUE_DOWN in page.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Score.objects.filter(batch=batch).exists()
    assert AnalysisRun.objects.get(batch=batch).status == AnalysisRun.Status.QUEUED


def test_rebuild_request_page_says_the_same_in_english(client, reference, broker_down):
    client.force_login(_admin())
    client.cookies["django_language"] = "en"
    page = client.post(reverse("indices:run_list"), follow=True)
    assert page.status_code == 200
    assert "Saved; the rankings will be recomputed when the queue is back." in (
        page.content.decode()
    )


def test_import_command_with_the_broker_down_exits_0_with_the_same_words(reference, broker_down):
    out = io.StringIO()
    with translation.override("vi"):  # as `manage.py` runs, whatever a test before activated
        call_command(
            "import_scores",
            str(FIXTURES / "pci_2021_published.xlsx"),
            "--index",
            "PCI",
            "--year",
            "2021",
            "--allow-missing",  # the demo's provinces, when the session loaded it
            stdout=out,
        )  # no SystemExit, no traceback
    assert "Đã ghi lần nhập" in out.getvalue()
    assert QUEUE_DOWN in out.getvalue()
    batch = ImportBatch.objects.filter(edition__index__code="PCI", edition__year=2021).latest("pk")
    assert batch.status == ImportBatch.Status.COMMITTED
    assert AnalysisRun.objects.get(batch=batch).status == AnalysisRun.Status.QUEUED


def test_rebuild_command_with_the_broker_down_rebuilds_in_process(reference, broker_down):
    out = io.StringIO()
    call_command("rebuild_analytics", "--index", "PCI", "--year", "2021", stdout=out)
    run = AnalysisRun.objects.get()
    assert f"#{run.pk}" in out.getvalue()
    assert run.status == AnalysisRun.Status.SUCCEEDED


@pytest.mark.django_db
def test_dispatch_failure_is_logged_not_raised(broker_down, caplog):
    run = AnalysisRun.objects.create(trigger="admin", scope=[])
    assert run_dispatch(run.pk) is False
    assert f"analysis run {run.pk} stays queued" in caplog.text
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.QUEUED


@pytest.mark.django_db
def test_sweep_sends_runs_queued_for_a_minute_once_the_broker_is_back(broker_down):
    waiting = _old_run(status=AnalysisRun.Status.QUEUED, minutes=2)
    assert analysis_sweep_task() == []  # the broker is still down: nothing could be sent
    waiting.refresh_from_db()
    assert waiting.status == AnalysisRun.Status.QUEUED
    # The next sweep tries again a minute after this one, not at once.
    assert analysis_sweep(dispatch=run_dispatch) == []


@pytest.mark.django_db
def test_sweep_after_the_outage_executes_what_waited():
    waiting = _old_run(status=AnalysisRun.Status.QUEUED, minutes=5, heartbeat_minutes=2)
    recent = AnalysisRun.objects.create(trigger="admin", scope=[])
    assert analysis_sweep_task() == [waiting.pk]  # eager: "sent" is executed here
    waiting.refresh_from_db()
    recent.refresh_from_db()
    assert waiting.status == AnalysisRun.Status.SUCCEEDED
    assert recent.status == AnalysisRun.Status.QUEUED  # just requested: its message is on its way


@pytest.mark.django_db
def test_two_sweeps_send_a_run_once():
    sent: list[int] = []

    def dispatch(run_id: int) -> bool:
        sent.append(run_id)
        return True

    run = _old_run(status=AnalysisRun.Status.QUEUED, minutes=3)
    analysis_sweep(dispatch=dispatch)
    analysis_sweep(dispatch=dispatch)
    assert sent == [run.pk]


@pytest.mark.django_db
def test_sweep_takes_over_a_running_run_whose_heartbeat_is_stale(settings):
    settings.ANALYTICS_STALE_SECONDS = 90
    dead = _old_run(status=AnalysisRun.Status.RUNNING, minutes=10, heartbeat_minutes=2)
    alive = _old_run(status=AnalysisRun.Status.RUNNING, minutes=10, heartbeat_minutes=0.5)
    assert analysis_sweep_task() == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == AnalysisRun.Status.SUCCEEDED
    assert dead.attempts == 1
    assert alive.status == AnalysisRun.Status.RUNNING


@pytest.mark.django_db
def test_stale_threshold_is_read_from_the_settings(settings):
    settings.ANALYTICS_STALE_SECONDS = 600
    run = _old_run(status=AnalysisRun.Status.RUNNING, minutes=10, heartbeat_minutes=2)
    assert analysis_sweep(dispatch=run_dispatch) == []
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.RUNNING


def test_heartbeat_is_refreshed_while_a_rebuild_runs(transactional_db):
    run = _old_run(status=AnalysisRun.Status.RUNNING, minutes=10, heartbeat_minutes=5)
    started = dt.datetime.now(tz=dt.UTC)
    with run_heartbeat(run.pk, interval=0.05):
        # One long statement of a rebuild: the thread beats meanwhile (on its own connection,
        # which may take a while to open on a loaded machine).
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.heartbeat_at >= started:
                break
            time.sleep(0.05)
        assert run.heartbeat_at >= started
    # Read once the block has ended (the thread is joined then): the value read inside it may
    # already be one beat old.
    run.refresh_from_db()
    beat = run.heartbeat_at
    time.sleep(0.2)
    run.refresh_from_db()
    assert run.heartbeat_at == beat  # the thread stops with the run


@pytest.mark.django_db
def test_dispatch_report_lists_the_runs_the_broker_did_not_take(
    broker_down, django_capture_on_commit_callbacks
):
    with dispatch_report() as report, django_capture_on_commit_callbacks(execute=True):
        run = analysis_request(edition_ids=[], trigger="admin")
    assert report.undelivered == [run.pk]
    assert str(QUEUE_DOWN_MESSAGE) == QUEUE_DOWN


@pytest.fixture
def official_reader(db):
    user = UserFactory(username="runtime-official")
    MembershipFactory(user=user, role=Membership.Role.OFFICIAL)
    return user


def _import(name: str) -> None:
    scores_import(
        edition=IndexEdition.objects.get(index__code="PCI", year=2021),
        data=(FIXTURES / name).read_bytes(),
        filename=name,
        allow_missing=True,
    )


@pytest.mark.django_db
def test_dashboards_say_results_await_a_rebuild_while_they_are_older_than_the_data(
    client, official_reader
):
    pci = IndexEdition.objects.get(index__code="PCI", year=2021)
    _import("pci_2021_published.xlsx")
    analysis_rebuild(edition_ids=[pci.pk], trigger="admin")
    client.force_login(official_reader)
    pci_page = reverse("dashboards:index", args=["PCI"]) + "?nam=2021"
    assert "đang chờ tính lại" not in client.get(pci_page).content.decode()

    _import("pci_2021_without_quang_nam.xlsx")  # committed; its rebuild not run yet

    assert pci.pk in {e.pk for e in editions_awaiting_rebuild()}
    page = client.get(pci_page).content.decode()
    assert "đang chờ tính lại" in page
    assert "PCI 2021" in page
    assert "đang chờ tính lại" in client.get(reverse("dashboards:home")).content.decode()
    papi = reverse("dashboards:index", args=["PAPI"])
    assert "đang chờ tính lại" not in client.get(papi, follow=True).content.decode()

    analysis_rebuild(edition_ids=[pci.pk], trigger="admin")
    assert pci.pk not in {e.pk for e in editions_awaiting_rebuild()}
    assert "đang chờ tính lại" not in client.get(pci_page).content.decode()

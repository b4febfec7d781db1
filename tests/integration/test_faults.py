"""Real Celery worker (and beat) processes on Redis and PostgreSQL under faults: a broker that is
down when a rebuild is requested, a worker killed in the middle of a rebuild.

The data is built here (a synthetic index with many editions, so that a rebuild lasts long
enough to be killed), not taken from the demo dataset."""

import datetime as dt
import random
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.integration.conftest import WorkerProcess

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def _wait_for(predicate, timeout: float = 120, what: str = "condition", step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def fault_worker(transactional_db, tmp_path):
    from reform_portal.celery import app

    app.control.purge()
    workers: list[WorkerProcess] = []

    def start(name: str, *, beat: bool = False, **env: str) -> WorkerProcess:
        worker = WorkerProcess(
            name,
            overrides=env,
            beat_schedule=tmp_path / f"beat-{name}" if beat else None,
            log_name=f"worker-faults-{name}",
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.control.purge()


@pytest.fixture
def broker_down():
    from reform_portal.celery import app

    keys = ["broker_url", "broker_connection_timeout", "task_publish_retry_policy"]
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=CLOSED_PORT_BROKER,
        broker_connection_timeout=0.5,
        task_publish_retry_policy={"max_retries": 0},
    )
    app._after_fork()  # new connections for the broker now configured

    def back() -> None:
        app.conf.update(saved)
        app._after_fork()

    yield back
    back()


@pytest.fixture
def many_editions(reference_units):
    """A synthetic national index with 40 yearly editions of every province, each with five
    components: a full rebuild takes seconds, long enough to kill a worker in the middle."""
    from indices.models import Component, Score
    from tests.factories import EditionFactory, IndexFactory
    from units.models import Unit

    index = IndexFactory(code="FAULTS", short_name="FAULTS")
    provinces = list(Unit.objects.filter(kind=Unit.Kind.PROVINCE, valid_to__isnull=True))
    generator = random.Random(7)
    editions = []
    for year in range(1986, 2026):
        edition = EditionFactory(index=index, year=year, reference_date=dt.date(2025, 12, 31))
        components = [
            Component.objects.create(edition=edition, code=str(n), name=f"Thành phần {n}")
            for n in range(1, 6)
        ]
        Score.objects.bulk_create(
            Score(
                edition=edition,
                unit=unit,
                component=component,
                state="value",
                value=Decimal(generator.randint(1000, 9999)) / 100,
                basis="published",
            )
            for unit in provinces
            for component in [None, *components]
        )
        editions.append(edition)
    return editions


def test_run_requested_while_the_broker_is_down_is_built_once_a_worker_is_back(
    fault_worker, broker_down, many_editions
):
    from django.db import transaction

    from indices.analytics.queue import analysis_request, dispatch_report
    from indices.models import AnalysisRun

    edition = many_editions[-1]
    with dispatch_report() as report, transaction.atomic():
        run = analysis_request(edition_ids=[edition.pk], trigger="import")
    assert report.undelivered == [run.pk]  # logged, not raised
    assert AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.QUEUED

    broker_down()  # the broker is back; nothing was sent in the meantime
    time.sleep(1.5)
    # The worker's start-up sweep sends runs queued for longer than ANALYTICS_REDISPATCH_SECONDS.
    fault_worker("after-outage", ANALYTICS_REDISPATCH_SECONDS="1")
    _wait_for(
        lambda: AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.SUCCEEDED,
        what="the run that waited for the broker",
    )


def _takeover(fault_worker, editions, env: dict[str, str], timeout: float) -> float:
    """Kill the worker in the middle of a full rebuild, start another (with beat), and return the
    seconds from the kill until the second one took the run over."""
    from django.db import transaction

    from indices.analytics.queue import analysis_request
    from indices.models import AnalysisRun, EditionAnalysis, RankResult, Score

    doomed = fault_worker("doomed", **env)
    with transaction.atomic():
        run = analysis_request(edition_ids=[e.pk for e in editions], trigger="admin")
    _wait_for(
        lambda: (
            AnalysisRun.objects.filter(pk=run.pk, status="running").exists()
            and EditionAnalysis.objects.filter(builder=run).exists()
        ),
        what="the run to start",
        step=0.05,
    )
    doomed.kill()
    killed = time.monotonic()
    assert AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.RUNNING
    fault_worker("rescuer", beat=True, **env)
    _wait_for(
        lambda: AnalysisRun.objects.get(pk=run.pk).attempts >= 2,
        timeout=timeout,
        what="another worker to take the run over",
        step=0.5,
    )
    taken_over = time.monotonic() - killed
    _wait_for(
        lambda: AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.SUCCEEDED,
        timeout=300,
        what="the rescued run to finish",
    )
    # Every edition points at this run's rows, one row per score, nothing duplicated.
    assert set(
        EditionAnalysis.objects.filter(edition__in=editions).values_list("run_id", flat=True)
    ) == {run.pk}
    assert (
        RankResult.objects.filter(edition__in=editions).count()
        == Score.objects.filter(edition__in=editions).count()
    )
    assert not EditionAnalysis.objects.filter(builder__isnull=False).exists()
    print(f"TAKEOVER {taken_over:.1f} s after SIGKILL with {env or 'default settings'}")
    return taken_over


def test_killed_worker_run_is_taken_over_by_the_sweep(fault_worker, many_editions):
    # The broker would redeliver the task only after an hour: the sweep must take it over.
    env = {
        "CELERY_VISIBILITY_TIMEOUT": "3600",
        "ANALYTICS_STALE_SECONDS": "4",
        "ANALYTICS_SWEEP_SECONDS": "1",
    }
    assert _takeover(fault_worker, many_editions, env, timeout=60) < 4 + 1 + 15


# About two minutes on the default settings: run by `make faults`, not by `make test`.
@pytest.mark.faults
def test_killed_worker_run_is_taken_over_within_two_minutes_on_default_settings(
    fault_worker, many_editions
):
    assert _takeover(fault_worker, many_editions, {}, timeout=240) < 120

"""Claiming and executing runs, edition by edition.

Concurrency: a run is claimed with a conditional UPDATE (two workers never execute one run), and
each edition is claimed the same way while it is built. A builder records the edition's
`data_version` it read; the switch happens only if no newer result is already in place, and after
releasing its claim the builder looks again, so a burst of imports always ends built from the
latest data. A run whose worker died (SIGKILL) is taken over once its heartbeat is stale.

Liveness: while a run executes, a heartbeat thread refreshes the run's `heartbeat_at` (and its
editions' claims) every sixth of the stale threshold, however long one edition's statements take.
The sweep (`analysis_sweep`, from beat and at each worker's start-up) sends again what the broker
lost or a dead worker left: the queued run in the database is the outbox.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Q

from indices.analytics.compute import edition_results
from indices.analytics.store import generation_switch
from indices.models import AnalysisRun, EditionAnalysis, IndexEdition

logger = logging.getLogger(__name__)

# The defaults of the settings read below (at call time, so a deployment's or a test's value is
# the one in force).
STALE_SECONDS = 90
REDISPATCH_SECONDS = 60
BUILDERS = 2


def stale_seconds() -> int:
    """A run (or an edition's claim) whose heartbeat is older than this is taken over."""
    return int(getattr(settings, "ANALYTICS_STALE_SECONDS", STALE_SECONDS))


def redispatch_seconds() -> int:
    """A queued run that no worker has taken for this long is sent to the broker again."""
    return int(getattr(settings, "ANALYTICS_REDISPATCH_SECONDS", REDISPATCH_SECONDS))


class RunBusy(Exception):
    """Another live worker is executing this run; try again later."""


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def _beat(run_id: int) -> None:
    now = _now()
    AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.RUNNING).update(
        heartbeat_at=now
    )
    EditionAnalysis.objects.filter(builder_id=run_id).update(claimed_at=now)


def _beat_loop(run_id: int, interval: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(interval):
            try:
                _beat(run_id)
            except Exception:
                # A missed beat is not fatal: the next one (or the run's own writes) follows.
                logger.exception("heartbeat of analysis run %s failed", run_id)
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def run_heartbeat(run_id: int, *, interval: float | None = None) -> Iterator[None]:
    """Refresh the run's heartbeat from a thread (with its own database connection) while the
    block runs. Inside an open transaction nobody else can see the run, so no thread is needed
    (and on SQLite its writes would wait on the transaction's lock)."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()
    every = interval if interval is not None else max(stale_seconds() / 6, 0.5)
    thread = threading.Thread(
        target=_beat_loop, args=(run_id, every, stop), name=f"heartbeat-{run_id}", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def run_create(
    *, edition_ids: list[int] | None, trigger: str, batch_id: int | None, user: Any
) -> AnalysisRun:
    """Record a queued run of the given editions (None = every edition with scores)."""
    return AnalysisRun.objects.create(
        trigger=trigger,
        scope=sorted(edition_ids) if edition_ids is not None else None,
        batch_id=batch_id,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _claim_edition(edition_id: int, run: AnalysisRun) -> bool:
    EditionAnalysis.objects.get_or_create(edition_id=edition_id)
    stale = _now() - dt.timedelta(seconds=stale_seconds())
    claimed = (
        EditionAnalysis.objects.filter(edition_id=edition_id)
        .filter(Q(builder__isnull=True) | Q(builder=run) | Q(claimed_at__lt=stale))
        .update(builder=run, claimed_at=_now())
    )
    return claimed == 1


def _release_edition(edition_id: int, run: AnalysisRun) -> None:
    EditionAnalysis.objects.filter(edition_id=edition_id, builder=run).update(
        builder=None, claimed_at=None
    )


def _build_edition(edition_id: int, run: AnalysisRun, built: dict[int, int]) -> int:
    """Build one edition for the run (again, while its data keeps changing); `built` records
    the editions whose rows this run has written."""
    written = 0
    while True:
        if not _claim_edition(edition_id, run):
            return written  # another builder has it and will see any newer data
        try:
            edition = IndexEdition.objects.select_related("index").get(pk=edition_id)
            version = edition.data_version
            results = edition_results(edition, built)
            rows = generation_switch(edition, run, version, results)
            if rows:
                built[edition_id] = run.pk
            written += rows
        finally:
            _release_edition(edition_id, run)
        AnalysisRun.objects.filter(pk=run.pk).update(heartbeat_at=_now())
        latest = IndexEdition.objects.filter(pk=edition_id).values_list("data_version", flat=True)
        if not latest or latest[0] <= version:
            return written


def builders() -> int:
    """How many editions a run builds at once: `ANALYTICS_BUILDERS` on PostgreSQL (each builder
    is a connection, and its statements one core); one on SQLite, which has a single writer, and
    inside an open transaction, which other connections cannot see."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, int(getattr(settings, "ANALYTICS_BUILDERS", BUILDERS)))


def _build_slice(
    edition_ids: list[int], run: AnalysisRun, built: dict[int, int], stop: threading.Event
) -> list[int]:
    """One builder's editions, in order, on this thread's own connection: until one fails or
    another builder's did (`stop`)."""
    written = []
    try:
        for edition_id in edition_ids:
            if stop.is_set():
                break
            try:
                written.append(_build_edition(edition_id, run, built))
            except BaseException:
                stop.set()
                raise
    finally:
        connection.close()
    return written


def _each_built(edition_ids: list[int], run: AnalysisRun, built: dict[int, int]) -> Iterator[int]:
    """Build the editions, `builders()` at a time; the rows written for each. Each builder
    takes a run of consecutive editions (in (index, year) order), so an edition's previous one
    has mostly just been built by the same builder and its rows are read back; the first of a
    builder's editions reads the previous figures from the scores instead (the same figures)."""
    workers = min(builders(), len(edition_ids))
    if workers <= 1:
        for edition_id in edition_ids:
            yield _build_edition(edition_id, run, built)
        return
    # Ceiling bounds: the longer runs come first, as the first of all reads no previous rows.
    bounds = [-(-n * len(edition_ids) // workers) for n in range(workers + 1)]
    slices = [edition_ids[start:end] for start, end in itertools.pairwise(bounds)]
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"analysis-{run.pk}") as pool:
        futures = [pool.submit(_build_slice, part, run, built, stop) for part in slices]
        for future in as_completed(futures):
            yield from future.result()


def _claim_run(run_id: int) -> AnalysisRun | None:
    stale = _now() - dt.timedelta(seconds=stale_seconds())
    claimed = (
        AnalysisRun.objects.filter(pk=run_id)
        .filter(
            Q(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.FAILED])
            | Q(status=AnalysisRun.Status.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            status=AnalysisRun.Status.RUNNING,
            started_at=_now(),
            heartbeat_at=_now(),
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if claimed:
        return AnalysisRun.objects.get(pk=run_id)
    status = AnalysisRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    if status == AnalysisRun.Status.RUNNING:
        raise RunBusy(run_id)
    return None  # gone, or already succeeded: the task ran twice, nothing to do


def _scope_editions(run: AnalysisRun) -> list[int]:
    if run.scope is None:
        editions = IndexEdition.objects.filter(status="published", scores__isnull=False)
    else:
        editions = IndexEdition.objects.filter(pk__in=run.scope)
    # (index, year) order, so the previous edition has just been built when it is needed.
    return list(
        editions.distinct()
        .order_by("index__order", "index_id", "year")
        .values_list("pk", flat=True)
    )


def analysis_run_execute(*, run_id: int) -> AnalysisRun | None:
    """Execute a queued run. Idempotent and safe to call twice or concurrently: returns None
    when the run is gone or already done, raises RunBusy while another live worker has it."""
    run = _claim_run(run_id)
    if run is None:
        return None
    started = time.monotonic()
    written = built = 0
    try:
        written_by_run: dict[int, int] = {}
        with run_heartbeat(run.pk):
            for rows in _each_built(_scope_editions(run), run, written_by_run):
                written += rows
                built += 1
    except Exception:
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED,
            finished_at=_now(),
            duration_s=time.monotonic() - started,
            error=traceback.format_exc()[-4000:],
            rows_written=written,
            editions_built=built,
        )
        raise
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.SUCCEEDED,
        finished_at=_now(),
        duration_s=time.monotonic() - started,
        rows_written=written,
        editions_built=built,
    )
    run.refresh_from_db()
    return run


def analysis_rebuild(
    *, edition_ids: list[int] | None, trigger: str, batch_id: int | None = None, user: Any = None
) -> AnalysisRun | None:
    """Create a run and execute it now, in this process (commands, beat, tests)."""
    run = run_create(edition_ids=edition_ids, trigger=trigger, batch_id=batch_id, user=user)
    return analysis_run_execute(run_id=run.pk)


def analysis_sweep(*, dispatch: Callable[[int], bool]) -> list[int]:
    """Send again, through `dispatch`, every run the broker lost or a dead worker left: queued
    runs that no worker took for `redispatch_seconds()` (the broker was down when they were
    requested, or their message was lost) and running runs whose heartbeat is stale (their worker
    died). Returns the ids sent.

    Each run is claimed for sending with a conditional UPDATE, so two sweeps (beat and a worker
    starting up) never send one run twice within the interval. A queued run's `heartbeat_at`
    records when a sweep last sent it; a stale running run goes back to queued, so a sweep that
    cannot reach the broker leaves it to the next one. Sending twice is harmless: the run itself
    is claimed by the worker that executes it."""
    now = _now()
    waited = now - dt.timedelta(seconds=redispatch_seconds())
    stale = now - dt.timedelta(seconds=stale_seconds())
    queued = Q(status=AnalysisRun.Status.QUEUED, created_at__lt=waited) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=waited)
    )
    dead = Q(status=AnalysisRun.Status.RUNNING, heartbeat_at__lt=stale)
    sent = []
    for run_id in (
        AnalysisRun.objects.filter(queued | dead)
        .order_by("created_at")
        .values_list("pk", flat=True)
    ):
        claimed = AnalysisRun.objects.filter(pk=run_id).filter(queued | dead)
        if not claimed.update(status=AnalysisRun.Status.QUEUED, heartbeat_at=now):
            continue  # another sweep took it, or it started or finished meanwhile
        if dispatch(run_id):
            sent.append(run_id)
    if sent:
        logger.info("analysis sweep sent runs %s again", sent)
    return sent

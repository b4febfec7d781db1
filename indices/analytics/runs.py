"""Claiming and executing runs, edition by edition.

Concurrency: a run is claimed with a conditional UPDATE (two workers never execute one run), and
each edition is claimed the same way while it is built. A builder records the edition's
`data_version` it read; the switch happens only if no newer result is already in place, and after
releasing its claim the builder looks again, so a burst of imports always ends built from the
latest data. A run whose worker died (SIGKILL) is taken over once its heartbeat is stale.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from typing import Any

from django.conf import settings
from django.db.models import F, Q

from indices.analytics.compute import edition_results
from indices.analytics.store import generation_switch
from indices.models import AnalysisRun, EditionAnalysis, IndexEdition

STALE_SECONDS = getattr(settings, "ANALYTICS_STALE_SECONDS", 60)


class RunBusy(Exception):
    """Another live worker is executing this run; try again later."""


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


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
    stale = _now() - dt.timedelta(seconds=STALE_SECONDS)
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


def _claim_run(run_id: int) -> AnalysisRun | None:
    stale = _now() - dt.timedelta(seconds=STALE_SECONDS)
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
        for edition_id in _scope_editions(run):
            written += _build_edition(edition_id, run, written_by_run)
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

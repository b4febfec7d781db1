"""Celery tasks of the indices app: they take ids and call one service."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready
from kombu.exceptions import OperationalError

from indices.analytics.runs import (
    RunBusy,
    analysis_rebuild,
    analysis_run_execute,
    analysis_sweep,
    stale_seconds,
)

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(RunBusy,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def analysis_rebuild_task(self: Task, run_id: int) -> int | None:
    try:
        run = analysis_run_execute(run_id=run_id)
    except RunBusy as busy:
        # Another worker holds the run; come back once its heartbeat would be stale.
        raise self.retry(countdown=stale_seconds(), max_retries=50) from busy
    return run.pk if run else None


def run_dispatch(run_id: int) -> bool:
    """Send a queued run's task to the broker; False when the broker cannot be reached. The
    queued run in the database is the outbox: a failure is logged, never raised, and the sweep
    sends the run again once the broker is back."""
    try:
        analysis_rebuild_task.delay(run_id)
    except (OperationalError, OSError):
        logger.warning(
            "analysis run %s stays queued: the broker is unreachable", run_id, exc_info=True
        )
        return False
    return True


@shared_task
def analysis_rebuild_all_task() -> int | None:
    run = analysis_rebuild(edition_ids=None, trigger="schedule")
    return run.pk if run else None


@shared_task(ignore_result=True)
def analysis_sweep_task() -> list[int]:
    return analysis_sweep(dispatch=run_dispatch)


@worker_ready.connect
def sweep_on_worker_start(**kwargs: Any) -> None:
    """A worker coming up (after an outage, or replacing a dead one) sends what is waiting at
    once, without waiting for beat. The sweep runs in the pool, not in this consumer process."""
    analysis_sweep_task.delay()

"""Celery tasks of the indices app: they take ids and call one service."""

from __future__ import annotations

from celery import Task, shared_task

from indices.analytics.runs import STALE_SECONDS, RunBusy, analysis_rebuild, analysis_run_execute


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
        raise self.retry(countdown=STALE_SECONDS, max_retries=50) from busy
    return run.pk if run else None


@shared_task
def analysis_rebuild_all_task() -> int | None:
    run = analysis_rebuild(edition_ids=None, trigger="schedule")
    return run.pk if run else None

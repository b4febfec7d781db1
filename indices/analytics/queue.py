"""Requesting a rebuild: the one entry point used by imports, target edits and the admin view."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from indices.analytics.runs import run_create
from indices.models import AnalysisRun, IndexEdition
from indices.tasks import analysis_rebuild_task


def analysis_request(
    *,
    edition_ids: list[int] | None,
    trigger: str,
    batch_id: int | None = None,
    user: Any = None,
) -> AnalysisRun:
    """Record a run (None = every edition) and queue its task once the surrounding transaction
    commits, never inside it: the worker must see the data the run was requested for."""
    run = run_create(edition_ids=edition_ids, trigger=trigger, batch_id=batch_id, user=user)
    transaction.on_commit(lambda: analysis_rebuild_task.delay(run.pk))
    return run


def editions_touch(*, edition_ids: list[int]) -> None:
    """Mark editions' inputs as changed (call inside the transaction that changes them): a
    rebuild records the version it read, so an older result never replaces a newer one."""
    IndexEdition.objects.filter(pk__in=edition_ids).update(data_version=F("data_version") + 1)

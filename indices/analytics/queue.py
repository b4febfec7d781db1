"""Requesting a rebuild: the one entry point used by imports, target edits and the admin view.

The queued run in the database is the outbox. Its task is sent to the broker after commit; when
the broker is down the run stays queued, the failure is logged, and the sweep (beat, and every
worker at start-up) sends it once the broker is back. Callers that tell a person what happened
(the web middleware, the commands) watch the sending with `dispatch_report`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from indices.analytics.runs import run_create
from indices.models import AnalysisRun, IndexEdition
from indices.tasks import run_dispatch

QUEUE_DOWN_MESSAGE = _("Đã ghi; bảng xếp hạng sẽ được tính lại khi hàng đợi hoạt động trở lại.")


@dataclass
class DispatchReport:
    """The runs requested while it was watched whose task the broker did not take."""

    undelivered: list[int] = field(default_factory=list)

    @property
    def queue_down(self) -> bool:
        return bool(self.undelivered)


_report: ContextVar[DispatchReport | None] = ContextVar("analysis_dispatch_report", default=None)


@contextmanager
def dispatch_report() -> Iterator[DispatchReport]:
    """Watch the rebuild requests made (and committed) inside the block."""
    report = DispatchReport()
    token = _report.set(report)
    try:
        yield report
    finally:
        _report.reset(token)


def _send(run_id: int) -> None:
    if not run_dispatch(run_id):
        report = _report.get()
        if report is not None:
            report.undelivered.append(run_id)


def analysis_request(
    *,
    edition_ids: list[int] | None,
    trigger: str,
    batch_id: int | None = None,
    user: Any = None,
) -> AnalysisRun:
    """Record a run (None = every edition) and queue its task once the surrounding transaction
    commits, never inside it: the worker must see the data the run was requested for. Never
    raises for an unreachable broker: the run stays queued for the sweep."""
    run = run_create(edition_ids=edition_ids, trigger=trigger, batch_id=batch_id, user=user)
    run_id = run.pk
    transaction.on_commit(lambda: _send(run_id))
    return run


def editions_touch(*, edition_ids: list[int]) -> None:
    """Mark editions' inputs as changed (call inside the transaction that changes them): a
    rebuild records the version it read, so an older result never replaces a newer one."""
    IndexEdition.objects.filter(pk__in=edition_ids).update(data_version=F("data_version") + 1)

"""Writes of generated reports: ask for one (built at once when small, else queued for a Celery
worker after commit), build it (claimed with a conditional update, so a task delivered twice
builds once; a failure is recorded with its message), and purge the expired ones."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from briefings.content import Briefing, index_briefing, internal_briefing, progress_briefing
from briefings.models import GeneratedReport
from briefings.render import pdf_bytes, workbook_bytes
from indices.models import Index, IndexEdition
from reports.models import ReportingWindow
from units.selectors import home_unit

logger = logging.getLogger(__name__)
Kind = GeneratedReport.Kind
Status = GeneratedReport.Status


def runs_in_background(*, kind: str, fmt: str) -> bool:
    """The threshold: every PDF (layout takes seconds) and every quarterly progress report (one
    read per unit) goes to a worker; the index and internal league workbooks, a few sheets read
    from cached page data, are built on request."""
    return fmt == GeneratedReport.Format.PDF or kind == Kind.PROGRESS


def keep_days() -> int:
    return int(getattr(settings, "BRIEFING_KEEP_DAYS", 30))


@transaction.atomic
def report_request(
    *,
    user: Any,
    kind: str,
    fmt: str,
    parameters: dict[str, Any],
    title: str,
    language: str,
    dispatch: Callable[[int], Any] | None = None,
) -> GeneratedReport:
    """Record the request and build it now, or queue `dispatch(report id)` after commit. The
    caller has checked that `user` may read what the parameters name."""
    now = timezone.now()
    report = GeneratedReport.objects.create(
        user=user,
        kind=kind,
        fmt=fmt,
        parameters=parameters,
        title=title[:300],
        language=language,
        created=now,
        expires=now + dt.timedelta(days=keep_days()),
    )
    if runs_in_background(kind=kind, fmt=fmt) and dispatch is not None:
        report_id = report.pk
        transaction.on_commit(lambda: dispatch(report_id))
    else:
        report_generate(report_id=report.pk)
        report.refresh_from_db()
    return report


def _set_progress(report_id: int, percent: int) -> None:
    GeneratedReport.objects.filter(pk=report_id, status=Status.RUNNING).update(
        progress=max(0, min(percent, 99))
    )


def briefing_build(report: GeneratedReport, progress: Callable[[int], None]) -> Briefing:
    """The report's content from its parameters, in its language's words."""
    p = report.parameters
    if report.kind == Kind.INDEX:
        index = Index.objects.get(code=p["index"])
        edition = IndexEdition.objects.select_related("index").get(index=index, year=p["year"])
        unit = home_unit()
        if unit is None:
            raise ValidationError(_("Chưa cấu hình tỉnh của cổng."))
        return index_briefing(index=index, edition=edition, unit=unit, progress=progress)
    if report.kind == Kind.INTERNAL:
        editions = list(
            IndexEdition.objects.filter(pk__in=p["editions"])
            .select_related("index")
            .order_by("index__order", "index__code")
        )
        return internal_briefing(year=p["year"], editions=editions, progress=progress)
    window = ReportingWindow.objects.get(pk=p["window"])
    return progress_briefing(window=window, progress=progress)


def report_generate(*, report_id: int) -> GeneratedReport | None:
    """Build a queued report's file. Idempotent: only the call that moves the row from queued
    to running builds it; a row that is gone or already taken is left alone (None). Any error
    ends the report as failed with its message, never lost in a worker's log only."""
    claimed = GeneratedReport.objects.filter(pk=report_id, status=Status.QUEUED).update(
        status=Status.RUNNING, progress=5
    )
    if not claimed:
        return None
    report = GeneratedReport.objects.get(pk=report_id)
    try:
        with translation.override(report.language):
            briefing = briefing_build(report, lambda percent: _set_progress(report_id, percent))
            data = pdf_bytes(briefing) if report.fmt == "pdf" else workbook_bytes(briefing)
        name = f"{briefing.filename}.{report.fmt}"
        report.file.save(name, ContentFile(data), save=False)
        report.filename = name
        report.status = Status.DONE
        report.progress = 100
        report.finished = timezone.now()
        report.save(update_fields=["file", "filename", "status", "progress", "finished"])
    except Exception as error:
        logger.exception("generated report %s failed", report_id)
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        GeneratedReport.objects.filter(pk=report_id).update(
            status=Status.FAILED,
            error=(message or type(error).__name__)[:2000],
            finished=timezone.now(),
        )
    report.refresh_from_db()
    return report


def reports_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the reports past their 30 days, their files first. Returns how many."""
    now = now or timezone.now()
    expired = list(GeneratedReport.objects.filter(expires__lte=now))
    for report in expired:
        if report.file:
            report.file.delete(save=False)
    GeneratedReport.objects.filter(pk__in=[r.pk for r in expired]).delete()
    return len(expired)

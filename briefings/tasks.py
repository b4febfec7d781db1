"""Celery tasks of the briefings app: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from briefings.services import report_generate, reports_purge


@shared_task(acks_late=True)
def briefing_generate_task(report_id: int) -> str | None:
    report = report_generate(report_id=report_id)
    return report.status if report else None


def briefing_dispatch(report_id: int) -> None:
    briefing_generate_task.delay(report_id)


@shared_task(ignore_result=True)
def briefings_purge_task() -> int:
    return reports_purge()

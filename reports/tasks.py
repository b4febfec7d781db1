"""Celery tasks of the reports app: they call one service."""

from celery import shared_task

from reports.services import reminders_send


@shared_task
def reminders_task() -> dict[str, int]:
    return reminders_send()

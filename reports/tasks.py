from celery import shared_task


@shared_task
def reminders_task() -> dict[str, int]:
    from reports.services import reminders_send

    return reminders_send()

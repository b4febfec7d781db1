from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def events_list(*, kind: str = "", username: str = "") -> QuerySet[AuditEvent]:
    """The log, newest first, narrowed to one kind and one account name (as typed, any case)."""
    events = AuditEvent.objects.select_related("user")
    if kind:
        events = events.filter(kind=kind)
    if username:
        events = events.filter(username__iexact=username)
    return events.order_by("-at", "-pk")

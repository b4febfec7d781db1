"""Writing the audit log.

A record never breaks the action it records: `audit_record` catches every error, logs it on the
`audit` logger (with the event, so the log stream still holds it) and returns None, and the
action proceeds. This holds for every kind, not only sign-in and exports: the log is evidence,
and a full disk or a lost table must not stop a department's report from being approved. The
insert runs in a savepoint, so a failed one leaves the caller's transaction usable; inside an
action's transaction, the record is rolled back with the action when the action fails."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from .context import current_request
from .models import AuditEvent

logger = logging.getLogger("audit")
AuditKind = AuditEvent.Kind


def clean_text(text: object, limit: int) -> str:
    """Printable characters only (a NUL is refused by PostgreSQL), cut to the column's size."""
    return "".join(ch for ch in str(text) if ch.isprintable())[:limit]


def client_ip(request: HttpRequest | None) -> str | None:
    """The address as django-axes resolves it (the same one its lockouts use), if valid."""
    if request is None:
        return None
    try:
        address = get_client_ip_address(request) or request.META.get("REMOTE_ADDR")
        return str(ipaddress.ip_address(str(address).strip())) if address else None
    except ValueError:
        return None


def audit_record(
    *,
    kind: str,
    user: Any = None,
    obj: Model | None = None,
    description: str = "",
    username: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent | None:
    """Record one event. `user` defaults to the current request's; `username` is what was
    typed when no account signed in. Never raises (see the module's docstring)."""
    try:
        request = request or current_request()
        if user is None and request is not None:
            user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
        event = AuditEvent(
            kind=kind,
            user=actor,
            username=clean_text(actor.get_username() if actor else username, 150),
            ip_address=client_ip(request),
            path=clean_text(request.get_full_path(), 300) if request is not None else "",
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=clean_text(obj.pk, 64) if obj is not None and obj.pk is not None else "",
            object_repr=clean_text(obj, 200) if obj is not None else "",
            description=clean_text(description, 500),
        )
        with transaction.atomic():
            event.save()
        return event
    except Exception:
        logger.exception(
            "audit: could not record %s by %r on %r: %s", kind, username or user, obj, description
        )
        return None


def audit_import(*, batch: Any, user: Any, restore: bool) -> AuditEvent | None:
    """An import batch written as an edition's scores: a new file, or (`restore`: a batch
    committed before) a superseded one made current again. A restore runs through the same
    commit, so it is recorded once, here."""
    return audit_record(
        kind=AuditEvent.Kind.BATCH_RESTORE if restore else AuditEvent.Kind.IMPORT_COMMIT,
        user=user,
        obj=batch,
        description=f"{batch.edition}: {batch.original_name}",
    )

"""Sign-ins, successful or not, from Django's authentication signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest

from .models import AuditEvent
from .services import audit_record, clean_text

# Stored as written (the log keeps what happened in the portal's language).
WRONG_CREDENTIALS = "Sai tên đăng nhập hoặc mật khẩu"
LOCKED_OUT = "Tạm khóa do đăng nhập sai nhiều lần"


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def sign_in_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(kind=AuditEvent.Kind.SIGN_IN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failure_recorded(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the name: Django has already masked the password in `credentials`.
    typed = clean_text(credentials.get(get_user_model().USERNAME_FIELD) or "", 150)
    try:
        account = get_user_model().objects.filter(username=typed).first() if typed else None
    except DatabaseError:
        account = None  # recorded under the typed name; the sign-in's answer is not ours
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN_FAILED,
        user=account,
        username=typed,
        request=request,
        description=LOCKED_OUT if locked else WRONG_CREDENTIALS,
    )

"""Writes of the read API: issuing and revoking tokens, recording calls."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import clean_text, client_ip

from .models import ApiCall, ApiToken

logger = logging.getLogger("api")

KEY_PREFIX = "rp_"
# A token's last use is written at most this often: a client polling every second does not
# rewrite its token row every second (each call has its own row in the call log anyway).
LAST_USED_RESOLUTION_S = 60


def key_hash(key: str) -> str:
    """The stored form of a key: SHA-256 suffices, the key being 256 random bits."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; never stored


@transaction.atomic
def api_token_issue(*, user: Any, name: str) -> IssuedToken:
    """A new token for `user`'s account, labelled with the client's `name`."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Hãy nhập tên ứng dụng sử dụng mã truy cập."))
    if not user.is_active:
        raise ValidationError(_("Tài khoản %(user)s đã bị khóa.") % {"user": user.get_username()})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:10], key_hash=key_hash(key)
    )
    return IssuedToken(token=token, key=key)


def api_token_issue_for_username(*, username: str, name: str) -> IssuedToken:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(_("Không có tài khoản “%(user)s”.") % {"user": username})
    return api_token_issue(user=user, name=name)


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke the token (idempotent: a revoked token keeps its first revocation time)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])


def api_token_find(*, key: str) -> ApiToken | None:
    """The active token of `key` with its account, its last use refreshed; None when the key
    is unknown or revoked."""
    token = (
        ApiToken.objects.select_related("user", "user__membership")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= (
        LAST_USED_RESOLUTION_S
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_call_record(
    *, request: HttpRequest, user: Any, token: ApiToken | None, status_code: int, duration_ms: int
) -> ApiCall | None:
    """Record one call. Never raises: a log that cannot be written never stops an answer (the
    error and the call go to the `api` logger instead), as with the audit log."""
    try:
        with transaction.atomic():
            return ApiCall.objects.create(
                user=user if getattr(user, "is_authenticated", False) else None,
                token=token,
                method=clean_text(request.method or "", 10),
                path=clean_text(request.get_full_path(), 300),
                status_code=status_code,
                ip_address=client_ip(request),
                duration_ms=max(duration_ms, 0),
            )
    except Exception:
        logger.exception(
            "api: could not record %s %s → %s", request.method, request.path, status_code
        )
        return None

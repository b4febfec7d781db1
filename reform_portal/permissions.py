"""The one server-side permission check every view uses (rules-based object permissions).

The rules are asked directly, not through `user.has_perm`: Django's answers True to every
permission of an active superuser, and object rules apply to superusers too (the `admin` account
reopens a department's report; it never writes the report's content)."""

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest


def has_perm(user: Any, perm: str, obj: Model | None = None) -> bool:
    return bool(getattr(user, "is_active", False) and rules.has_perm(perm, user, obj))


def require_perm(request: HttpRequest, perm: str, obj: Model | None = None) -> None:
    if not has_perm(request.user, perm, obj):
        raise PermissionDenied

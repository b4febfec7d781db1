"""The one server-side permission check every view uses (rules-based object permissions)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest


def require_perm(request: HttpRequest, perm: str, obj: Model | None = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied

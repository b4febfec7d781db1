from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    membership = getattr(user, "membership", None) if user and user.is_authenticated else None
    return {
        "portal_role": membership.role
        if membership
        else ("admin" if user and user.is_superuser else None),
        "portal_membership": membership,
        "portal_home_unit_code": settings.PORTAL_HOME_UNIT,
    }

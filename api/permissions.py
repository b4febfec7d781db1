"""Who may call the read API: a portal account (any role), through the portal's own rules."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from reform_portal.permissions import has_perm


class IsPortalReader(permissions.BasePermission):
    """The account reads the dashboards (it has a role in the portal); what each endpoint
    returns is then cut to what that role may read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_perm(request.user, "indices.view_dashboards")

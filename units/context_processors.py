from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from units.selectors import home_unit

# The navigation item each page belongs to, by view name; one item is current at a time.
NAV_SECTIONS = {
    "dashboards:home": "home",
    "dashboards:index": "indices",
    "dashboards:basis_legend": "indices",
    "indices:list": "indices",
    "indices:methodology": "indices",
    "indices:target_create": "indices",
    "indices:target_edit": "indices",
    "indices:target_history": "indices",
    "dashboards:unit": "units",
    "units:list": "units",
    "units:on_date": "units",
    "units:contact": "units",
    "dashboards:compare": "compare",
    "dashboards:internal": "internal",
    "dashboards:map": "map",
}
NAV_PREFIXES = {
    "reports:": "progress",
    "indices:import": "imports",
    "indices:run": "imports",
    "manage:": "manage",
}


def nav_section(view_name: str) -> str:
    """The navigation item a page belongs to ("" for none)."""
    if view_name in NAV_SECTIONS:
        return NAV_SECTIONS[view_name]
    for prefix, section in NAV_PREFIXES.items():
        if view_name.startswith(prefix):
            return section
    return ""


def _home_code() -> str:
    unit = home_unit()
    return unit.code if unit else ""


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    membership = getattr(user, "membership", None) if user and user.is_authenticated else None
    return {
        "portal_role": membership.role
        if membership
        else ("admin" if user and user.is_superuser else None),
        "portal_membership": membership,
        # Read only by the pages that use it, once per request.
        "portal_home_unit_code": SimpleLazyObject(_home_code),
        "nav_section": nav_section(match.view_name if match else ""),
    }

"""Reads for the management pages: people with their roles and units, name variants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Q, QuerySet, Value, When

from .models import Unit, UnitAlias
from .naming import normalize_name
from .selectors import home_unit

# The kinds of unit a person answers for: the province itself, its departments, the central
# agencies located in it and its districts.
MEMBER_UNIT_KINDS = [
    Unit.Kind.PROVINCE,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.CENTRAL_AGENCY,
    Unit.Kind.DISTRICT,
]


def users_list(*, query: str = "") -> QuerySet[Any]:
    """Accounts with their membership and unit (one query), the active ones first."""
    users = get_user_model().objects.select_related("membership__unit")
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(membership__unit__name__icontains=query)
        )
    return users.order_by("-is_active", "username")


def member_units(*, current: Unit | None = None) -> QuerySet[Unit]:
    """The units a person may be bound to: the home province and the units under it (the
    department list ended with the province on 30/6/2025 and is still the one reported on),
    plus the person's current unit wherever it is."""
    home = (home_unit() or Unit()).code
    wanted = Q(code=home) | Q(parent__code=home, kind__in=MEMBER_UNIT_KINDS)
    if current is not None:
        wanted |= Q(pk=current.pk)
    kind_order = Case(
        *(When(kind=kind, then=Value(i)) for i, kind in enumerate(MEMBER_UNIT_KINDS)),
        default=Value(len(MEMBER_UNIT_KINDS)),
    )
    return Unit.objects.filter(wanted).order_by(kind_order, "name")


def aliases_search(*, query: str = "") -> QuerySet[UnitAlias]:
    """Name variants whose text, normalised form or unit's name contains the query."""
    aliases = UnitAlias.objects.select_related("unit")
    if query:
        key = normalize_name(query)
        condition = Q(name__icontains=query) | Q(unit__name__icontains=query)
        if key:
            condition |= Q(normalized__contains=key)
        aliases = aliases.filter(condition)
    return aliases.order_by("unit__name", "name")


def alias_units() -> QuerySet[Unit]:
    """Units a name variant may point to: everything but the nation."""
    return Unit.objects.exclude(kind=Unit.Kind.NATION).order_by("kind", "name", "valid_from")

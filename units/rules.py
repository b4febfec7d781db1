"""Role predicates and object permissions (django-rules), checked on the server for every object."""

from __future__ import annotations

from typing import Any

import rules

from .models import Membership, Unit
from .selectors import successors_of


def _role(user: Any) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Membership.Role.ADMIN
    membership = getattr(user, "membership", None)
    return membership.role if membership else None


@rules.predicate
def is_admin(user: Any) -> bool:
    return _role(user) == Membership.Role.ADMIN


@rules.predicate
def is_official(user: Any) -> bool:
    return _role(user) == Membership.Role.OFFICIAL


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return _role(user) == Membership.Role.REVIEWER


@rules.predicate
def is_department_head(user: Any) -> bool:
    return _role(user) == Membership.Role.DEPARTMENT_HEAD


@rules.predicate
def is_head_of_unit(user: Any, unit: Unit | None) -> bool:
    if unit is None or not is_department_head(user):
        return False
    return user.membership.unit_id == unit.pk


@rules.predicate
def is_head_of_successor(user: Any, unit: Unit | None) -> bool:
    """The head of a unit this one went into (Sở KH&ĐT → Sở Tài chính): its page is their own
    department's history."""
    if unit is None or unit.valid_to is None or not is_department_head(user):
        return False
    return user.membership.unit_id in {u.pk for u in successors_of(unit)}


@rules.predicate
def is_portal_user(user: Any) -> bool:
    return _role(user) is not None


reads_all = is_admin | is_official | is_reviewer

rules.add_perm("units.view_directory", is_portal_user)
rules.add_perm("units.change_unit_contact", is_admin | is_head_of_unit)
rules.add_perm("units.manage_aliases", is_admin)
rules.add_perm("indices.view_dashboards", is_portal_user)
rules.add_perm("indices.import_scores", is_admin)
# Officials read; targets are set by the portal's administrators and the reviewers (Sở Nội vụ)
# who follow the reform plan (issue 12: a read-only role must not change what the province is
# measured against).
rules.add_perm("indices.edit_targets", is_admin | is_reviewer)
rules.add_perm("indices.run_analysis", is_admin)


@rules.predicate
def is_public_unit(user: Any, unit: Unit | None) -> bool:
    """Provinces (ranked on the public national indices) are visible to every portal user."""
    return unit is not None and unit.kind in (Unit.Kind.PROVINCE, Unit.Kind.NATION)


rules.add_perm(
    "units.view_unit",
    reads_all | (is_portal_user & (is_public_unit | is_head_of_unit | is_head_of_successor)),
)
# The internal league is open to every portal user; which of its editions they may read is the
# rule `indices.view_edition` (indices/rules.py): published ones, drafts for admins and reviewers.
rules.add_perm("indices.view_internal", is_portal_user)

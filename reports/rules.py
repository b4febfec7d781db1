"""Who may see and act on quarterly reports, checked for every object and every file."""

from __future__ import annotations

from typing import Any

import rules

from units.models import Unit
from units.rules import is_admin, is_department_head, is_official, is_reviewer, reads_all
from units.selectors import predecessors_of


@rules.predicate
def is_own_report(user: Any, report: Any) -> bool:
    return bool(
        report is not None
        and is_department_head(user)
        and user.membership.unit_id == report.unit_id
    )


def _is_predecessor_of_own(user: Any, unit_id: int | None) -> bool:
    if unit_id is None or not is_department_head(user) or user.membership.unit is None:
        return False
    return any(u.pk == unit_id for u in predecessors_of(user.membership.unit))


@rules.predicate
def is_predecessor_report(user: Any, report: Any) -> bool:
    """A report filed by a unit that went into the head's unit (49.SKHDT's reports for the head
    of 48-2025.STC): readable, never editable; it stays the predecessor's report."""
    return report is not None and _is_predecessor_of_own(user, report.unit_id)


@rules.predicate
def is_own_or_predecessor_unit(user: Any, unit: Unit | None) -> bool:
    if unit is None or not is_department_head(user):
        return False
    return user.membership.unit_id == unit.pk or _is_predecessor_of_own(user, unit.pk)


rules.add_perm("reports.view_report", reads_all | is_own_report | is_predecessor_report)
# A unit's progress page (its reports, its indicators): readers of everything, the unit's head,
# and the head of the unit it went into.
rules.add_perm("reports.view_unit_progress", reads_all | is_own_or_predecessor_unit)
rules.add_perm("reports.edit_report", is_own_report)
rules.add_perm("reports.review_report", is_reviewer | is_admin)
rules.add_perm("reports.reopen_report", is_admin)
# The unit asks for its locked report to be reopened; reviewers (and admins) decide.
rules.add_perm("reports.request_reopen", is_own_report)
rules.add_perm("reports.decide_reopen", is_reviewer | is_admin)
rules.add_perm("reports.view_overview", reads_all)
rules.add_perm(
    "reports.view_progress_area", is_admin | is_official | is_reviewer | is_department_head
)
rules.add_perm("reports.import_plan", is_admin | is_reviewer)

"""Who may see and act on quarterly reports, checked for every object and every file."""

from __future__ import annotations

from typing import Any

import rules

from units.rules import is_admin, is_department_head, is_official, is_reviewer, reads_all


@rules.predicate
def is_own_report(user: Any, report: Any) -> bool:
    return bool(
        report is not None
        and is_department_head(user)
        and user.membership.unit_id == report.unit_id
    )


rules.add_perm("reports.view_report", reads_all | is_own_report)
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

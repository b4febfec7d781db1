"""Reads for the management pages of reporting windows and plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import Plan, ReportingWindow


@dataclass(frozen=True)
class WindowRow:
    window: ReportingWindow
    reports: int
    state: str  # "open", "upcoming" or "closed"

    @property
    def state_label(self) -> str:
        labels = {"open": _("Đang mở"), "upcoming": _("Chưa mở"), "closed": _("Đã hết hạn")}
        return str(labels[self.state])


def windows_list(*, today: dt.date | None = None) -> list[WindowRow]:
    """Every reporting window, the latest quarter first, with how many reports it holds."""
    today = today or timezone.localdate()
    rows = []
    for window in ReportingWindow.objects.annotate(report_count=Count("reports")):
        if window.opens_on > today:
            state = "upcoming"
        elif window.deadline < today:
            state = "closed"
        else:
            state = "open"
        rows.append(WindowRow(window=window, reports=window.report_count, state=state))
    return rows


def plans_list() -> QuerySet[Plan]:
    return (
        Plan.objects.select_related("province")
        .annotate(task_count=Count("tasks"))
        .order_by("-year_end", "name")
    )

"""Reads for quarterly progress: completeness, overdue reports, progress by unit, task and
index component, indicator values against targets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Avg, BigIntegerField, Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from indices.labels import localized_name
from indices.models import Component, RankResult
from indices.selectors_analytics import current_editions, current_results, with_figures
from reports.models import (
    IndicatorTarget,
    IndicatorValue,
    QuarterlyReport,
    ReopenRequest,
    ReportingWindow,
    Task,
    TaskAim,
    TaskHandover,
    TaskProgress,
)
from units.models import Unit
from units.selectors import home_unit, predecessors_of, successors_of

# A report in one of these states is not late, whatever the date.
SETTLED = {QuarterlyReport.Status.SUBMITTED, QuarterlyReport.Status.APPROVED}
STATE_LABELS = {
    "not_started": "Chưa bắt đầu",
    "draft": "Đang soạn",
    "submitted": "Đã gửi",
    "returned": "Trả lại để bổ sung",
    "approved": "Đã duyệt",
}


def current_window(*, today: dt.date | None = None) -> ReportingWindow | None:
    """The quarter a page opens on: the one in progress when it has a window (even before the
    window opens: its report can be prepared), else the latest window opened, else the latest."""
    today = today or timezone.localdate()
    return (
        ReportingWindow.objects.filter(year=today.year, quarter=(today.month - 1) // 3 + 1).first()
        or ReportingWindow.objects.filter(opens_on__lte=today).order_by("-year", "-quarter").first()
        or ReportingWindow.objects.order_by("-year", "-quarter").first()
    )


def _holder_on(day: dt.date) -> Coalesce:
    """For a task row: the id of the unit that led it on the day (the unit it was last handed to
    by then; before any handover, the unit the first one took it from; else its unit)."""
    handovers = TaskHandover.objects.filter(task=OuterRef("pk"))
    return Coalesce(
        Subquery(handovers.filter(date__lte=day).order_by("-date", "-pk").values("to_unit")[:1]),
        Subquery(handovers.order_by("date", "pk").values("from_unit")[:1]),
        F("responsible_id"),
        output_field=BigIntegerField(),
    )


def _reporting_units(
    windows: list[ReportingWindow], *, filed: set[tuple[int, int]]
) -> dict[int, list[Unit]]:
    """By window: the units that report for it: those that led a task on the quarter's last
    day (the task's handovers say which unit had it then) and existed then, and any that filed
    a report for it (`filed`: window and unit ids). A department merged on 1/3/2025 is listed
    for 2024, its successor from 2025 Q1: whether the portal's home is Quảng Nam (49) or the
    new Đà Nẵng (48-2025), the province's units of each quarter. One query."""
    leads = {
        f"leads_{window.pk}": Exists(
            Task.objects.annotate(holder=_holder_on(quarter_end(window))).filter(
                holder=OuterRef("pk")
            )
        )
        for window in windows
    }
    units = (
        Unit.objects.filter(
            Q(pk__in=Task.objects.values("responsible"))
            | Q(pk__in=TaskHandover.objects.values("from_unit"))
            | Q(pk__in={unit_id for _window_id, unit_id in filed})
        )
        .annotate(**leads)
        .order_by("kind", "name")
    )
    found: dict[int, list[Unit]] = {window.pk: [] for window in windows}
    for unit in units:
        for window in windows:
            led = getattr(unit, f"leads_{window.pk}") and unit.is_valid_on(quarter_end(window))
            if led or (window.pk, unit.pk) in filed:
                found[window.pk].append(unit)
    return found


def quarter_end(window: ReportingWindow) -> dt.date:
    """The quarter's last day: the unit valid then files its report."""
    following = dt.date(window.year + (window.quarter == 4), window.quarter % 4 * 3 + 1, 1)
    return following - dt.timedelta(days=1)


def completeness(*, window: ReportingWindow) -> list[dict[str, Any]]:
    """Every unit that leads a task: its report state for the quarter and whether it is late."""
    reports = {
        r.unit_id: r
        for r in QuarterlyReport.objects.filter(window=window).annotate(
            avg_percent=Avg("progress__percent_complete")
        )
    }
    units = _reporting_units([window], filed={(window.pk, u) for u in reports})[window.pk]
    late_after = window.deadline < timezone.localdate()
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        state = report.status if report else "not_started"
        rows.append(
            {
                "unit": unit,
                "report": report,
                "state": state,
                "state_label": STATE_LABELS[state],
                "late": late_after and state not in SETTLED,
                "percent": round(report.avg_percent or 0) if report else 0,
            }
        )
    return rows


@dataclass(frozen=True)
class OverdueReport:
    """A unit whose report for a window is past its deadline and not submitted."""

    unit: Unit
    window: ReportingWindow

    def __str__(self) -> str:
        return f"{self.unit.display_name}: {self.window}"


def overdue_reports(*, limit: int = 10) -> list[OverdueReport]:
    """For the home dashboard: units whose quarterly report is past its deadline and not
    submitted (three queries, whatever the number of units)."""
    today = timezone.localdate()
    windows = list(ReportingWindow.objects.filter(deadline__lt=today).order_by("-deadline")[:2])
    if not windows:
        return []
    filed = list(
        QuarterlyReport.objects.filter(window__in=windows).values_list(
            "unit_id", "window_id", "status"
        )
    )
    done = {(unit_id, window_id) for unit_id, window_id, status in filed if status in SETTLED}
    units_by_window = _reporting_units(
        windows, filed={(window_id, unit_id) for unit_id, window_id, _status in filed}
    )
    # A unit that has since ended (merged, abolished) can no longer file: its missing report
    # is history, not something to chase.
    lines = [
        OverdueReport(unit=unit, window=window)
        for window in windows
        for unit in units_by_window[window.pk]
        if (unit.pk, window.pk) not in done and (unit.valid_to is None or unit.valid_to >= today)
    ]
    return lines[:limit]


def reports_for_unit(*, unit: Unit) -> list[QuarterlyReport]:
    return list(
        QuarterlyReport.objects.filter(unit=unit)
        .select_related("window")
        .annotate(avg_percent=Avg("progress__percent_complete"))
    )


def component_names(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The name of each (index, component code), from the latest edition that has it: pages
    show "PCI: Chi phí thời gian", never a bare component code."""
    if not pairs:
        return {}
    components = (
        Component.objects.filter(
            edition__index_id__in={index_id for index_id, _code in pairs},
            code__in={code for _index_id, code in pairs},
        )
        .select_related("edition")
        .order_by("edition__year")
    )
    names = {}
    for component in components:  # later editions overwrite earlier ones
        key = (component.edition.index_id, component.code)
        if key in pairs:
            names[key] = localized_name(component)
    return names


def aim_label(index: Any, component_code: str, names: dict[tuple[int, str], str]) -> str:
    if not component_code:
        return str(index.short_name)
    name = names.get((index.pk, component_code))
    return f"{index.short_name}: {name}" if name else str(index.short_name)


def report_detail(*, report: QuarterlyReport) -> dict[str, Any]:
    progress = list(
        report.progress.select_related("task").prefetch_related(
            "evidence",
            "task__aims__index",
            "task__handovers__from_unit",
            Prefetch(
                "task__indicators__targets",
                queryset=IndicatorTarget.objects.filter(year=report.window.year),
            ),
        )
    )
    aims = [aim for p in progress for aim in p.task.aims.all()]
    names = component_names({(a.index_id, a.component_code) for a in aims if a.component_code})
    labels: defaultdict[int, list[str]] = defaultdict(list)
    for aim in aims:
        labels[aim.task_id].append(aim_label(aim.index, aim.component_code, names))
    values = {v.indicator_id: v.value for v in report.values.all()}
    # aims: what each task is meant to raise, by task id ("PCI: Chi phí thời gian").
    return {"progress": progress, "values": values, "aims": dict(labels)}


def head_home(*, unit: Unit, today: dt.date | None = None) -> dict[str, Any]:
    """A department head's home: the unit's returned reports first (with the reviewer's
    comment), what is overdue (quarters not submitted after their deadline, tasks past their
    due date and not done) and every quarter that has opened, with its report's state."""
    today = today or timezone.localdate()
    reports = {
        r.window_id: r
        for r in QuarterlyReport.objects.filter(unit=unit)
        .select_related("window", "reviewed_by")
        .annotate(avg_percent=Avg("progress__percent_complete"))
        .prefetch_related(
            Prefetch(
                "reopen_requests",
                queryset=ReopenRequest.objects.filter(status=ReopenRequest.Status.PENDING),
                to_attr="pending_requests",
            )
        )
    }
    opened = ReportingWindow.objects.filter(opens_on__lte=today) | ReportingWindow.objects.filter(
        pk__in=reports
    )
    quarters: list[dict[str, Any]] = []
    for window in opened.order_by("-year", "-quarter"):
        report = reports.get(window.pk)
        if report is None and not unit.is_valid_on(quarter_end(window)):
            continue  # filed by a predecessor or a successor, not by this unit
        state = report.status if report else "not_started"
        quarters.append(
            {
                "window": window,
                "report": report,
                "state": state,
                "state_label": STATE_LABELS[state],
                "late": window.deadline < today and state not in SETTLED,
                "pending": bool(report and report.pending_requests),
            }
        )
    returned = sorted(
        (r for r in reports.values() if r.status == QuarterlyReport.Status.RETURNED),
        key=lambda r: (r.window.year, r.window.quarter),
        reverse=True,
    )
    overdue: list[dict[str, Any]] = [
        {"kind": "report", "window": q["window"], "report": q["report"], "task": None}
        for q in quarters
        if q["late"] and q["state"] != QuarterlyReport.Status.RETURNED
    ]
    latest = next((q["report"] for q in quarters if q["report"]), None)
    if latest is not None:
        late_tasks = (
            TaskProgress.objects.filter(report=latest, task__due_date__lt=today)
            .exclude(status=TaskProgress.Status.DONE)
            # A task closed, or carried into a later period (its copy has its own due date),
            # is not late.
            .filter(task__closed_on__isnull=True, task__carried_to__isnull=True)
            .select_related("task")
        )
        overdue += [
            {"kind": "task", "window": latest.window, "report": latest, "task": p.task}
            for p in late_tasks
        ]
    return {"returned": returned, "quarters": quarters, "overdue": overdue}


def reopen_requests_pending() -> list[ReopenRequest]:
    """Requests waiting for a reviewer's decision, oldest first."""
    return list(
        ReopenRequest.objects.filter(status=ReopenRequest.Status.PENDING)
        .select_related("report__unit", "report__window", "requested_by")
        .order_by("requested_at", "pk")
    )


def component_coverage(*, window: ReportingWindow) -> list[dict[str, Any]]:
    """For each index component the plan's tasks aim at: how many tasks, how far along (mean %
    complete in the quarter), and whether it is among the home province's weakest components."""
    aims = TaskAim.objects.select_related("index", "task")
    progress = {
        p.task_id: p.percent_complete for p in TaskProgress.objects.filter(report__window=window)
    }
    weak: dict[tuple[str, str], int] = {}
    home = home_unit()
    if home:
        editions = current_editions()
        latest: dict[str, int] = {}
        for e in editions:
            if e.run_id:
                latest[e.index_code] = e.pk
        for r in with_figures(
            current_results(
                # The home and the province it went into (Quảng Nam → the new Đà Nẵng): each
                # edition scored one of them, so the latest edition's weak components are found
                # whether the portal's home is set to 49 or to 48-2025.
                RankResult.objects.filter(
                    unit__in=[home, *successors_of(home)], edition_id__in=latest.values()
                )
                .exclude(component_code="")
                .filter(weight__isnull=False),  # the rows with a priority
                editions,
            ).select_related("edition__index"),
            priorities=True,
        ):
            # Not null: filtered above, which the stubs cannot see.
            weak[(r.edition.index.code, r.component_code)] = cast(int, r.priority)
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for aim in aims:
        key = (aim.index.code, aim.component_code)
        entry = grouped.setdefault(
            key,
            {"index": aim.index, "component_code": aim.component_code, "tasks": [], "percents": []},
        )
        entry["tasks"].append(aim.task)
        if aim.task_id in progress:
            entry["percents"].append(progress[aim.task_id])
    names = component_names({(e["index"].pk, code) for (_i, code), e in grouped.items() if code})
    rows = []
    for key, entry in grouped.items():
        percents = entry["percents"]
        rows.append(
            {
                **entry,
                "component_name": names.get((entry["index"].pk, entry["component_code"]), ""),
                "task_count": len(entry["tasks"]),
                "mean_percent": round(sum(percents) / len(percents)) if percents else None,
                "priority": weak.get(key),
            }
        )
    rows.sort(key=lambda row: (row["priority"] is None, row["priority"] or 0))
    return rows


def indicator_series(*, unit: Unit) -> list[dict[str, Any]]:
    """Each indicator of the unit's tasks: values by quarter against quarterly targets."""
    tasks = Task.objects.filter(responsible=unit).prefetch_related("indicators__targets")
    values: defaultdict[int, dict[tuple[int, int], float]] = defaultdict(dict)
    for v in IndicatorValue.objects.filter(report__unit=unit).select_related("report__window"):
        values[v.indicator_id][(v.report.window.year, v.report.window.quarter)] = float(v.value)
    series = []
    for task in tasks:
        for indicator in task.indicators.all():
            targets = {
                (t.year, t.quarter): float(t.value) for t in indicator.targets.all() if t.quarter
            }
            keys = sorted(set(targets) | set(values[indicator.pk]))
            series.append(
                {
                    "indicator": indicator,
                    "task": task,
                    "labels": [f"Q{q}/{y}" for y, q in keys],
                    "values": [values[indicator.pk].get(k) for k in keys],
                    "targets": [targets.get(k) for k in keys],
                }
            )
    return series


def task_progress_table(*, window: ReportingWindow) -> list[dict[str, Any]]:
    rows = (
        TaskProgress.objects.filter(report__window=window)
        .select_related("task", "report__unit")
        .prefetch_related("task__handovers__from_unit")
        .order_by("task__code")
    )
    return [
        {
            "task": p.task,
            "unit": p.report.unit,
            "status": p.get_status_display(),
            "status_code": p.status,
            "percent": p.percent_complete,
        }
        for p in rows
    ]


def tasks_aiming_at(
    *, components: set[tuple[str, str]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The plan's tasks aimed at each (index code, component code), each with its latest
    quarterly progress (status, percent complete, the quarter and the report it is in), in one
    query. A task nobody has reported on yet has no progress (its keys are None)."""
    if not components:
        return {}
    # A task carried from an earlier period continues its original's work: until it has a
    # report of its own, the original's latest report is its latest progress.
    latest = TaskProgress.objects.filter(
        Q(task_id=OuterRef("task_id")) | Q(task_id=OuterRef("task__carried_from_id"))
    ).order_by("-report__window__year", "-report__window__quarter", "-pk")
    wanted = Q()
    for index_code, component_code in sorted(components):
        wanted |= Q(index__code=index_code, component_code=component_code)
    # Closed tasks and tasks carried into a later period (their copy is the live one) are not
    # offered as ways to raise an index.
    aims = (
        TaskAim.objects.filter(wanted, task__closed_on__isnull=True, task__carried_to__isnull=True)
        .select_related("task", "index")
        .annotate(
            progress_status=Subquery(latest.values("status")[:1]),
            progress_percent=Subquery(latest.values("percent_complete")[:1]),
            progress_report=Subquery(latest.values("report_id")[:1]),
            progress_year=Subquery(latest.values("report__window__year")[:1]),
            progress_quarter=Subquery(latest.values("report__window__quarter")[:1]),
        )
    )
    found: defaultdict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for aim in aims:
        status = aim.progress_status
        found[(aim.index.code, aim.component_code)].append(
            {
                "task": aim.task,
                "status": status,
                "status_label": TaskProgress.Status(status).label if status else "",
                "percent": aim.progress_percent,
                "report_id": aim.progress_report,
                "year": aim.progress_year,
                "quarter": aim.progress_quarter,
            }
        )
    for rows in found.values():
        rows.sort(key=lambda row: _code_order(row["task"].code))
    return dict(found)


def _code_order(code: str) -> tuple[tuple[int, int, str], ...]:
    """Task codes in reading order: "2" before "10", "1.2" before "1.10"."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def windows() -> list[ReportingWindow]:
    return list(ReportingWindow.objects.annotate(n=Count("reports")).order_by("-year", "-quarter"))


def predecessor_reports(*, unit: Unit) -> list[dict[str, Any]]:
    """The reports filed by the units that went into this one (transitively), each under its
    own unit's name, newest quarter first: read-only history for the successor's head."""
    earlier = predecessors_of(unit)
    reports: defaultdict[int, list[QuarterlyReport]] = defaultdict(list)
    for report in (
        QuarterlyReport.objects.filter(unit__in=earlier)
        .select_related("window")
        .annotate(avg_percent=Avg("progress__percent_complete"))
        .order_by("-window__year", "-window__quarter")
    ):
        reports[report.unit_id].append(report)
    return [{"unit": u, "reports": reports[u.pk]} for u in earlier if reports[u.pk]]

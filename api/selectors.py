"""What an account may read through the API, as querysets: the portal's selectors and rules
(`units`, `indices`, `reports`), cut to the reader and filtered by the query's parameters.
Nothing here computes a figure: ranks, gaps, target statuses and priorities are read from the
current analytics generation (`indices.selectors_analytics`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from indices.models import (
    Component,
    Index,
    IndexEdition,
    RankResult,
    Score,
    Target,
    TargetResult,
)
from indices.selectors import indices_list
from indices.selectors_analytics import current_editions, current_results
from indices.visibility import editions_visible
from reform_portal.permissions import has_perm
from reports.models import QuarterlyReport, ReportingWindow, TaskProgress
from reports.selectors import SETTLED, completeness, current_window, report_detail
from units.models import Succession, Unit
from units.rules import reads_all
from units.selectors import DIRECTORY_LEVELS, units_directory


@dataclass(frozen=True)
class Filters:
    """The query's parameters, validated (api.filters); empty = not filtered."""

    index: str = ""
    year: int | None = None
    level: str = ""
    unit: str = ""
    region: str = ""
    basis: str = ""
    component: str = ""
    kind: str = ""
    on_date: dt.date | None = None
    quarter: int | None = None
    status: str = ""


def _reads_all(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and reads_all(user))


def _own_unit_id(user: Any) -> int | None:
    membership = getattr(user, "membership", None)
    return membership.unit_id if membership is not None else None


def units_visible(*, user: Any) -> QuerySet[Unit]:
    """The units `user` may open (`units.view_unit`, as a filter): every unit for the roles
    that read everything; provinces, the nation and the reader's own unit otherwise."""
    units = Unit.objects.all()
    if _reads_all(user):
        return units
    if not has_perm(user, "units.view_directory"):
        return units.none()
    return units.filter(
        Q(kind__in=[Unit.Kind.PROVINCE, Unit.Kind.NATION]) | Q(pk=_own_unit_id(user))
    )


def units_for_reader(*, user: Any, filters: Filters) -> QuerySet[Unit]:
    units = units_directory(kind=filters.kind or None, on_date=filters.on_date)
    units = units.filter(pk__in=units_visible(user=user).values("pk"))
    if filters.level:
        units = units.filter(kind__in=DIRECTORY_LEVELS[filters.level])
    if filters.region:
        units = units.filter(region__code=filters.region)
    return units.order_by("kind", "code", "pk")


def successions_for_reader(*, user: Any, unit: str = "") -> QuerySet[Succession]:
    visible = units_visible(user=user)
    successions = Succession.objects.select_related("predecessor", "successor").filter(
        Q(predecessor__in=visible) | Q(successor__in=visible)
    )
    if unit:
        successions = successions.filter(Q(predecessor__code=unit) | Q(successor__code=unit))
    return successions.order_by("date", "predecessor__code", "pk")


def indices_for_reader(*, user: Any) -> QuerySet[Index]:
    if not has_perm(user, "indices.view_dashboards"):
        return Index.objects.none()
    return indices_list()


def editions_for_reader(*, user: Any, filters: Filters) -> QuerySet[IndexEdition]:
    editions = editions_visible(user=user, editions=IndexEdition.objects.select_related("index"))
    if filters.index:
        editions = editions.filter(index__code=filters.index)
    if filters.year:
        editions = editions.filter(year=filters.year)
    if filters.level:
        editions = editions.filter(level=filters.level)
    return editions.order_by("index__order", "index__code", "year", "pk")


def components_for_reader(*, user: Any, filters: Filters) -> QuerySet[Component]:
    editions = editions_for_reader(user=user, filters=filters)
    components = Component.objects.filter(edition__in=editions).select_related(
        "edition__index", "parent"
    )
    if filters.component:
        components = components.filter(code=filters.component)
    return components.order_by("edition__index__order", "edition__year", "order", "code", "pk")


def _figure_filtered(
    rows: QuerySet[Any], filters: Filters, *, region: str, total: Q, component: str
) -> QuerySet[Any]:
    """Scores or results cut by unit, region, basis and component ("total": the index's total),
    each model naming its own region and component fields."""
    if filters.unit:
        rows = rows.filter(unit__code=filters.unit)
    if filters.region:
        rows = rows.filter(**{region: filters.region})
    if filters.basis:
        rows = rows.filter(basis=filters.basis)
    if filters.component == "total":
        rows = rows.filter(total)
    elif filters.component:
        rows = rows.filter(**{component: filters.component})
    return rows


def scores_for_reader(*, user: Any, filters: Filters) -> QuerySet[Score]:
    """Published (and internal, and illustrative) scores of the editions `user` may read."""
    editions = editions_for_reader(user=user, filters=filters)
    scores = Score.objects.filter(edition__in=editions).select_related(
        "unit__region", "edition__index", "component"
    )
    scores = _figure_filtered(
        scores,
        filters,
        region="unit__region__code",
        total=Q(component__isnull=True),
        component="component__code",
    )
    return scores.order_by(
        "edition__index__order",
        "edition__year",
        F("component__order").asc(nulls_first=True),
        F("component__code").asc(nulls_first=True),
        "unit__code",
        "pk",
    )


def _current_visible_editions(*, user: Any, filters: Filters) -> list[Any]:
    visible = set(editions_for_reader(user=user, filters=filters).values_list("pk", flat=True))
    codes = [filters.index] if filters.index else None
    return [e for e in current_editions(codes) if e.pk in visible]


def results_for_reader(*, user: Any, filters: Filters) -> QuerySet[RankResult]:
    """Rows of the current analytics generation (a unit's value, ranks and bases on one
    component or the total of one edition) that `user` may read. Their figures across peers
    (gaps, percentile, priorities) are set on the rows a page returns, by `with_figures`."""
    editions = _current_visible_editions(user=user, filters=filters)
    # Their peers' figures joined in the same read, as `with_figures` reads a queryset.
    results = current_results(RankResult.objects.all(), editions).select_related(
        "unit", "region", "edition__index", "peers", "region_peers"
    )
    results = _figure_filtered(
        results,
        filters,
        region="region__code",
        total=Q(component_code=""),
        component="component_code",
    )
    return results.order_by(
        "edition__index__order",
        "edition__year",
        "component_code",
        F("display_rank").asc(nulls_last=True),
        "unit__code",
        "pk",
    )


def targets_for_reader(*, user: Any, filters: Filters) -> QuerySet[Target]:
    targets = (
        Target.objects.filter(unit__in=units_visible(user=user))
        .select_related("unit", "index")
        .prefetch_related("milestones")
    )
    if filters.index:
        targets = targets.filter(index__code=filters.index)
    if filters.unit:
        targets = targets.filter(unit__code=filters.unit)
    if filters.year:
        targets = targets.filter(period_start__lte=filters.year, period_end__gte=filters.year)
    return targets.order_by("unit__code", "index__order", "component_code", "kind", "pk")


def target_statuses_for_reader(*, user: Any, filters: Filters) -> QuerySet[TargetResult]:
    """Each target's status in each edition, from the current analytics generation."""
    editions = _current_visible_editions(user=user, filters=filters)
    statuses = current_results(TargetResult.objects.all(), editions).filter(
        target__unit__in=units_visible(user=user)
    )
    if filters.unit:
        statuses = statuses.filter(target__unit__code=filters.unit)
    if filters.basis:
        statuses = statuses.filter(basis=filters.basis)
    return statuses.select_related("target__unit", "target__index", "edition__index").order_by(
        "edition__index__order",
        "edition__year",
        "target__unit__code",
        "target__component_code",
        "target__kind",
        "pk",
    )


def progress_for_reader(*, user: Any, filters: Filters) -> QuerySet[QuarterlyReport]:
    """Quarterly reports `user` may read (`reports.view_report` as a filter: every report for
    the roles that read everything, a department head's own unit's otherwise), each with its
    mean completion and its tasks counted by status."""
    reports = QuarterlyReport.objects.all()
    if not _reads_all(user):
        if not has_perm(user, "reports.view_progress_area"):
            return reports.none()
        own = _own_unit_id(user)
        if own is None:
            return reports.none()
        reports = reports.filter(unit_id=own)
    if filters.unit:
        reports = reports.filter(unit__code=filters.unit)
    if filters.year:
        reports = reports.filter(window__year=filters.year)
    if filters.quarter:
        reports = reports.filter(window__quarter=filters.quarter)
    if filters.status:
        reports = reports.filter(status=filters.status)
    statuses = {
        f"tasks_{status}": Count("progress", filter=Q(progress__status=status))
        for status in TaskProgress.Status.values
    }
    return (
        reports.select_related("unit", "window")
        .annotate(
            avg_percent=Avg("progress__percent_complete"), task_count=Count("progress"), **statuses
        )
        .order_by("-window__year", "-window__quarter", "unit__code", "pk")
    )


def targets_with_precision(targets: list[Target]) -> list[Target]:
    """The targets with the precision their index publishes (its latest published edition's),
    set as `api_decimals`, and their milestones as `milestone_list`."""
    decimals: dict[int, int] = {}
    for index_id, places in (
        IndexEdition.objects.filter(
            index_id__in={t.index_id for t in targets}, status=IndexEdition.Status.PUBLISHED
        )
        .order_by("year")
        .values_list("index_id", "decimals")
    ):
        decimals[index_id] = places  # later editions overwrite earlier ones
    for target in targets:
        target.api_decimals = decimals.get(target.index_id, 2)  # type: ignore[attr-defined]
        target.milestone_list = list(target.milestones.all())  # type: ignore[attr-defined]
        for milestone in target.milestone_list:  # type: ignore[attr-defined]
            milestone.target = target
    return targets


def progress_with_state(reports: list[QuarterlyReport]) -> list[QuarterlyReport]:
    """Each report with whether it is late (past its deadline and neither submitted nor
    approved) and its mean completion rounded, as the progress pages show them."""
    today = timezone.localdate()
    for report in reports:
        report.late = (  # type: ignore[attr-defined]
            report.window.deadline < today and report.status not in SETTLED
        )
        report.mean_percent = round(getattr(report, "avg_percent", None) or 0)  # type: ignore[attr-defined]
    return reports


def progress_detail(*, report: QuarterlyReport) -> QuarterlyReport:
    """A report with its tasks' progress (what each task aims at) and its indicators' values
    against their targets for the quarter, from `reports.selectors.report_detail`."""
    detail = report_detail(report=report)
    aims: dict[int, list[str]] = detail["aims"]
    values: dict[int, Any] = detail["values"]
    tasks = []
    indicators = []
    for progress in detail["progress"]:
        tasks.append(
            {
                "task": progress.task,
                "status": progress.status,
                "percent_complete": progress.percent_complete,
                "aims": aims.get(progress.task_id, []),
            }
        )
        for indicator in progress.task.indicators.all():
            targets = {t.quarter: t.value for t in indicator.targets.all()}
            indicators.append(
                {
                    "indicator_id": indicator.pk,
                    "name": indicator.name,
                    "unit_of_measure": indicator.unit_of_measure,
                    "value": values.get(indicator.pk),
                    "target": targets.get(report.window.quarter, targets.get(None)),
                }
            )
    report.tasks = tasks  # type: ignore[attr-defined]
    report.indicators = indicators  # type: ignore[attr-defined]
    progress_with_state([report])
    return report


@dataclass
class Completeness:
    window: ReportingWindow
    units: list[dict[str, Any]]


def completeness_for_reader(*, user: Any, filters: Filters) -> Completeness | None:
    """Every unit that leads a task with its report's state for one quarter (the one asked
    for, else the current one) and whether it is late: `reports.selectors.completeness`, for
    the roles that read every unit's progress (`reports.view_overview`). None: no such quarter."""
    if not has_perm(user, "reports.view_overview"):
        raise PermissionError
    if filters.year and filters.quarter:
        window = ReportingWindow.objects.filter(year=filters.year, quarter=filters.quarter).first()
    else:
        window = current_window()
    if window is None:
        return None
    return Completeness(window=window, units=completeness(window=window))

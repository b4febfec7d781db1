"""Reads for planning periods: a unit's current and previous period, how each target of a period
ended (from the analysis readers see), the unit that takes over another on a date, and how many
units a rank is out of in a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from indices.models import Period, Target, TargetResult
from indices.selectors_analytics import EditionInfo, current_editions, current_results
from units.models import Succession, Unit


def current_period(unit: Unit, *, year: int | None = None) -> Period | None:
    """The unit's period containing this year (or `year`), else its latest."""
    year = year or timezone.localdate().year
    # One read: a unit has a handful of periods.
    periods = list(
        Period.objects.filter(unit=unit)
        .select_related("unit", "previous__unit")
        .order_by("-start_year")
    )
    return next((p for p in periods if p.start_year <= year <= p.end_year), None) or (
        periods[0] if periods else None
    )


def previous_period(period: Period) -> Period | None:
    """The period this one was started from (`previous`, which may belong to a predecessor
    unit), else the same unit's latest period before it."""
    if period.previous_id:
        return Period.objects.select_related("unit").get(pk=period.previous_id)
    return (
        Period.objects.filter(unit_id=period.unit_id, start_year__lt=period.start_year)
        .select_related("unit")
        .order_by("-start_year")
        .first()
    )


def period_label(period: Period) -> str:
    return f"{period.start_year}–{period.end_year}"


def unit_on(unit: Unit, day: dt.date, *, within: Unit | None = None) -> Unit | None:
    """The unit doing `unit`'s work on `day`: itself while valid, else its successor through
    the successions dated up to that day (a split is followed to the successor that belongs to
    `within`, or to its only successor); None when the line ends (an abolished level)."""
    seen: set[int] = set()
    while not unit.is_valid_on(day):
        if unit.pk in seen:  # pragma: no cover - a cycle in the successions
            return None
        seen.add(unit.pk)
        successors = [
            s.successor
            for s in Succession.objects.filter(
                predecessor=unit, date__lte=day, successor__isnull=False
            )
            .select_related("successor")
            .order_by("date", "pk")
        ]
        candidates = [u for u in successors if u is not None]
        if within is not None and len(candidates) > 1:
            candidates = [u for u in candidates if u.parent_id == within.pk] or candidates
        if not candidates:
            return None
        if len({u.pk for u in candidates}) > 1:
            return None
        unit = candidates[0]
    return unit


def field_size(*, kind: str, year: int) -> int:
    """How many units of this kind a rank set for a period starting in `year` is out of (63
    provinces for 2021, 34 from 1/7/2025)."""
    return Unit.objects.filter(kind=kind).valid_on(dt.date(year, 1, 1)).count()


@dataclass(frozen=True)
class TargetEnding:
    """Where a target stood at the end of its period: its last status and figures, from the
    latest edition of its index within the period."""

    target: Target
    status: str  # "achieved", "missed" or "not_assessed"
    result_status: str
    current: float | None
    gap: float | None
    year: int | None
    out_of: int | None
    edition: EditionInfo | None


ACHIEVED = "achieved"
MISSED = "missed"
NOT_ASSESSED = "not_assessed"


def targets_ending(
    *, targets: list[Target], until_year: int | None = None
) -> dict[int, TargetEnding]:
    """Per target: its status in the latest edition (up to its period's end, or `until_year`)
    with a result in the generation readers see: achieved, missed (a figure short of the
    goal), or not assessed (no result, or no figure)."""
    editions = current_editions()
    by_pk = {e.pk: e for e in editions}
    rows = current_results(
        TargetResult.objects.filter(target__in=[t.pk for t in targets]), editions
    ).only("target_id", "edition_id", "run_id", "status", "current", "gap")
    latest: dict[int, tuple[EditionInfo, TargetResult]] = {}
    ends = {t.pk: until_year or t.period_end for t in targets}
    for row in rows:
        info = by_pk.get(row.edition_id)
        if info is None or info.run_id != row.run_id or info.year > ends[row.target_id]:
            continue
        # The latest year with a figure: a unit that ended before its period did (Quảng Nam
        # on 1/7/2025) has no row in the last editions, and that is not how its period ended.
        held = latest.get(row.target_id)
        if held is None or (row.current is not None, info.year) > (
            held[1].current is not None,
            held[0].year,
        ):
            latest[row.target_id] = (info, row)
    result = {}
    for target in targets:
        found = latest.get(target.pk)
        if found is None:
            result[target.pk] = TargetEnding(target, NOT_ASSESSED, "", None, None, None, None, None)
            continue
        info, row = found
        # At a period's end only the goal counts: a figure short of it is missed, even where
        # the status along the way could not be judged (no baseline, a re-baselined year).
        if row.status == TargetResult.Status.ACHIEVED:
            status = ACHIEVED
        elif row.current is None:
            status = NOT_ASSESSED
        else:
            status = MISSED
        result[target.pk] = TargetEnding(
            target=target,
            status=status,
            result_status=row.status,
            current=row.current,
            gap=row.gap,
            year=info.year,
            out_of=info.coverage.expected,
            edition=info,
        )
    return result

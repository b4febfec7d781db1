"""The demo's 2026–2030 targets of the new Thành phố Đà Nẵng: a few illustrative goals of its
own beside those carried over from Quảng Nam's 2021–2025 period (`reports.demo_periods`)."""

from __future__ import annotations

from decimal import Decimal

from indices.models import Index, Period, Target
from indices.services.catalogue import target_save

SOURCE = "Mục tiêu minh họa"
# index, kind, goal: PAR INDEX ≥ 90%, PCI in the top 10 of 34 provinces, PAPI ≥ 46.
OWN_TARGETS: list[tuple[str, str, dict[str, object]]] = [
    ("PAR", Target.Kind.SCORE, {"target_value": Decimal("90")}),
    ("PCI", Target.Kind.RANK, {"target_rank": 10}),
    ("PAPI", Target.Kind.SCORE, {"target_value": Decimal("46")}),
]


def own_target_keys() -> set[tuple[str, str, str]]:
    """(index, component, kind) of the targets the period sets itself: a predecessor's target
    on the same is closed, not carried, when the demo period starts."""
    return {(code, "", kind) for code, kind, _goal in OWN_TARGETS}


def successor_targets_create(*, period: Period) -> int:
    """Idempotent: the period's own illustrative targets, those missing."""
    indices = {i.code: i for i in Index.objects.filter(code__in=[t[0] for t in OWN_TARGETS])}
    created = 0
    for code, kind, goal in OWN_TARGETS:
        index = indices.get(code)
        if index is None:
            continue
        taken = Target.objects.filter(
            unit=period.unit, index=index, component_code="", kind=kind, period=period
        )
        if taken.exists():
            continue
        target_save(
            unit=period.unit,
            index=index,
            kind=kind,
            baseline_year=period.start_year - 1,
            target_year=period.end_year,
            period_start=period.start_year,
            period_end=period.end_year,
            source=SOURCE,
            note="Mục tiêu minh họa của giai đoạn mới, không phải chỉ tiêu được giao.",
            is_demo=True,
            **goal,  # type: ignore[arg-type]
        )
        created += 1
    return created

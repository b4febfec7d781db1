"""The illustrative fill of each index, written around the edition's real rows, and the demo
targets."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal
from typing import Any

from indices.models import Index, IndexEdition, Score, Target
from indices.services.catalogue import target_save
from indices.services.imports.service import scores_import
from units.models import Unit
from units.services import read_data_csv

from .layout import Spread, order_plan, soft_cap
from .published import PUBLISHED_DIR, Cell, RealRow
from .writing import DEMO_SOURCE, HOME, EditionWriter, quantize, top_components, units_for

DA_NANG = "48"
# The new Thành phố Đà Nẵng, ranked among 34 provinces from the 2025 editions: illustrative
# places (no 2025 table is held yet), chosen near where its predecessors' mean would stand.
SUCCESSOR = "48-2025"
SUCCESSOR_PLACES = {"PAR": 9, "PCI": 6, "PAPI": 12, "ICT": 1}
# Where Quảng Nam stands among the illustrative provinces in the years no rank was found: chosen
# to tell a plausible story, and never a place a real row holds. PAPI publishes no ranks at all;
# 2017's 27 is the provincial press's count.
QUANG_NAM_PAR_RANKS = {
    2016: 20,
    2017: 25,
    2018: 30,
    2019: 37,
    2020: 41,
    2021: 47,
    2022: 52,
    2024: 50,
}
QUANG_NAM_PCI_RANKS = {2022: 36, 2023: 41, 2024: 27}
QUANG_NAM_PAPI_PLACES = {2016: 30, 2017: 27, 2023: 45}
QUANG_NAM_ICT_RANKS = {
    2016: 20,
    2017: 19,
    2018: 17,
    2019: 18,
    2020: 28,
    2022: 30,
    2023: 29,
    2024: 26,
}
PAR_MEANS = {
    2016: 76,
    2017: 78,
    2018: 80,
    2019: 81.15,
    2020: 82,
    2021: 84,
    2022: 85,
    2023: 88,
    2024: 88.5,
    2025: 89.0,
}
PCI_TIERS = ["Rất tốt", "Tốt", "Khá", "Trung bình", "Tương đối thấp", "Thấp"]
PAPI_MEANS_6 = [5.2, 5.6, 5.3, 6.2, 7.0, 7.0]
PAPI_MEANS_8 = [5.0, 5.2, 4.5, 6.6, 7.2, 7.6, 3.5, 3.2]


def _pin(units: list[Unit], places: dict[int, int], edition: IndexEdition) -> dict[int, int]:
    """Quảng Nam's chosen place in the years it was ranked, the successor's after the merger."""
    by_code = {u.code: u for u in units}
    if HOME in by_code and edition.year in places:
        return {by_code[HOME].pk: places[edition.year]}
    if SUCCESSOR in by_code:
        return {by_code[SUCCESSOR].pk: SUCCESSOR_PLACES[edition.index.code]}
    return {}


def _absent_everywhere(real: dict[int, RealRow]) -> set[str]:
    """Components every real row marks as not available (PCI 2015's page has no "Cạnh tranh
    bình đẳng"): the fill leaves them out too, so the edition reads as one table."""
    given = [row.components for row in real.values() if row.components]
    if not given:
        return set()
    missing = Score.State.NOT_AVAILABLE
    return {
        code for code in given[0] if all(c.get(code, Cell(None)).state == missing for c in given)
    }


def _pci_tier(rank: int, real_tiers: dict[int, str]) -> str:
    """A tier for an illustrative rank, never better than a real tier ranked above it nor worse
    than one ranked below (VCCI sets the cut-offs per year)."""
    level = 0 if rank <= 5 else 1 if rank <= 15 else 2 if rank <= 35 else 3 if rank <= 50 else 4
    above = [PCI_TIERS.index(t) for r, t in real_tiers.items() if r < rank and t in PCI_TIERS]
    below = [PCI_TIERS.index(t) for r, t in real_tiers.items() if r > rank and t in PCI_TIERS]
    level = max([level, *above])
    return PCI_TIERS[min([level, *below])]


def _pci_subs(rng: random.Random, target: float, weights: list[float]) -> list[Decimal]:
    """Sub-indices whose weighted sum is the total within 0.01, as rounded publications are."""
    subs_f = [rng.uniform(4.5, 8.5) for _ in weights]
    current = sum(w * s for w, s in zip(weights, subs_f, strict=True)) / 10
    shift = (target - current) / 10
    subs = [quantize(min(10, max(1, s + shift)), 2) for s in subs_f]
    if any(weights):
        weighted = (
            Decimal(sum(Decimal(str(w)) * s for w, s in zip(weights, subs, strict=True))) / 10
        )
        heaviest = weights.index(max(weights))
        fix = (quantize(target, 2) - weighted) * 10 / Decimal(str(weights[heaviest]))
        subs[heaviest] = quantize(min(10, max(1, float(subs[heaviest] + fix))), 2)
    return subs


def pci_fill(edition: IndexEdition, rng: random.Random, real: dict[int, RealRow]) -> int:
    units = units_for(edition)
    components = top_components(edition)
    weights = [float(c.weight or 0) for c in components]
    pins = _pin(units, QUANG_NAM_PCI_RANKS, edition)
    order = order_plan(units, real, pins=pins, spread=Spread(63.5, 2.6, 52, 75), rng=rng)
    tiers = {row.rank: row.group for row in real.values() if row.rank and row.group}
    absent = _absent_everywhere(real)
    top_n = edition.published_top_n
    writer = EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        row = real.get(unit.pk)
        if (row and row.components) or unit.pk not in order.place:
            continue
        rank = order.place[unit.pk]
        shown = not top_n or rank <= top_n or row is not None
        if row is None and shown:
            total = quantize(order.total(unit), 2)
            writer.add(unit, None, total, decimals=2, rank=rank, group=_pci_tier(rank, tiers))
        elif row is None:
            writer.add(unit, None, None, decimals=2, state=Score.State.NOT_PUBLISHED)
        subs = _pci_subs(rng, order.total(unit), weights)
        for component, sub in zip(components, subs, strict=True):
            if component.code in absent:
                continue
            if shown:
                writer.add(unit, component, sub, decimals=2)
            else:
                writer.add(unit, component, None, decimals=2, state=Score.State.NOT_PUBLISHED)
    return writer.save()


def papi_fill(edition: IndexEdition, rng: random.Random, real: dict[int, RealRow]) -> int:
    units = units_for(edition)
    components = top_components(edition)
    means = PAPI_MEANS_6 if len(components) == 6 else PAPI_MEANS_8
    pins = _pin(units, QUANG_NAM_PAPI_PLACES, edition)
    spread = Spread(sum(means), 1.6, sum(means) - 6, sum(means) + 6)
    order = order_plan(units, real, pins=pins, spread=spread, rng=rng)
    writer = EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        row = real.get(unit.pk)
        if (row and row.components) or unit.pk not in order.place:
            continue
        total = quantize(order.total(unit), 2)
        dims_f = [m + rng.gauss(0, 0.45) for m in means]
        shift = (float(total) - sum(dims_f)) / len(dims_f)
        dims = [quantize(min(10, max(1, d + shift)), 2) for d in dims_f]
        # The total is the sum of the dimensions: the rounding residue goes on the largest.
        largest = dims.index(max(dims))
        dims[largest] += total - sum(dims)
        if row is None:
            writer.add(unit, None, total, decimals=2)  # PAPI publishes no ranks
        for component, dim in zip(components, dims, strict=True):
            writer.add(unit, component, dim, decimals=2)
    return writer.save()


def par_fill(edition: IndexEdition, rng: random.Random, real: dict[int, RealRow]) -> int:
    units = units_for(edition)
    components = top_components(edition)
    pins = _pin(units, QUANG_NAM_PAR_RANKS, edition)
    # 2023: all 63 provinces above 80% for the first time.
    lo = 80.2 if edition.year == 2023 else 62.0
    spread = Spread(PAR_MEANS[edition.year], 3.2, lo, 95.5)
    order = order_plan(units, real, pins=pins, spread=spread, rng=rng)
    writer = EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        row = real.get(unit.pk)
        if (row and row.components) or unit.pk not in order.place:
            continue
        total = order.total(unit)
        if row is None:
            writer.add(unit, None, quantize(total, 2), decimals=2, rank=order.place[unit.pk])
        # Areas spread around the total; near the top they bunch below 98%, so even the leader
        # has areas to improve (a real leader is not at 100% everywhere).
        for component in components:
            area = soft_cap(total + rng.gauss(0, 4.5), knee=94, ceiling=98)
            writer.add(unit, component, quantize(max(40.0, area), 2), decimals=2)
    return writer.save()


def ict_fill(edition: IndexEdition, rng: random.Random, real: dict[int, RealRow]) -> int:
    units = units_for(edition)
    components = top_components(edition)
    by_code = {u.code: u for u in units}
    # Đà Nẵng led the ICT Index every year.
    if DA_NANG in by_code:
        pins = {by_code[DA_NANG].pk: 1, by_code[HOME].pk: QUANG_NAM_ICT_RANKS[edition.year]}
    else:
        pins = _pin(units, {}, edition)
    order = order_plan(units, real, pins=pins, spread=Spread(0.45, 0.1, 0.15, 0.8, 4), rng=rng)
    writer = EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        total = order.total(unit)
        writer.add(unit, None, quantize(total, 4), decimals=4, rank=order.place[unit.pk])
        for component in components:
            value = soft_cap(total + rng.gauss(0, 0.08), knee=0.9, ceiling=0.98)
            writer.add(unit, component, quantize(max(0.01, value), 4), decimals=4)
    return writer.save()


def papi_published_load(edition: IndexEdition) -> int:
    """The real PAPI results (papi.org.vn), loaded through the import pipeline as an admin would
    load the official file. The compiled dataset leaves missing data blank; written "N/A" here,
    the gaps are stored as not available, never as zero."""
    columns = [
        "d1_participation",
        "d2_transparency",
        "d3_vertical_accountability",
        "d4_control_of_corruption",
        "d5_public_administrative_procedures",
        "d6_public_service_delivery",
        "d7_environmental_governance",
        "d8_e_governance",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Tỉnh, thành phố", *[f"Chỉ số nội dung {n}" for n in range(1, 9)], "Tổng điểm"]
    )
    for row in read_data_csv(PUBLISHED_DIR / "papi_provinces.csv"):
        if int(row["year"]) == edition.year:
            writer.writerow(
                [row["province"], *[row[c] or "N/A" for c in columns], row["total"] or "N/A"]
            )
    scores_import(
        edition=edition,
        data=buffer.getvalue().encode("utf-8"),
        filename=f"papi_{edition.year}_provinces.csv",
        source_note="papi.org.vn (CECODES, VFF-CRT, RTA, UNDP), tệp dữ liệu cấp tỉnh",
    )
    return Score.objects.filter(edition=edition).count()


def internal_fill(edition: IndexEdition, rng: random.Random, real: dict[int, RealRow]) -> int:
    """A province's own index: nothing published, all illustrative."""
    units = units_for(edition)
    components = top_components(edition)
    maxima = [c.max_points or Decimal(0) for c in components]
    total_max = Decimal(sum(maxima))
    writer = EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    leader = "515" if edition.index.code == "PAR_DISTRICT" and edition.year == 2022 else None
    for unit in units:
        level = min(0.97, max(0.6, rng.gauss(0.83 + 0.01 * (edition.year - 2021), 0.05)))
        if leader and unit.code == leader:
            points = [quantize(float(m) * 0.9144, 2) for m in maxima]
            points[-1] += Decimal("91.44") * total_max / 100 - sum(points)
        else:
            points = [
                quantize(float(m) * min(1.0, max(0.4, level + rng.gauss(0, 0.06))), 2)
                for m in maxima
            ]
            achieved = sum(points) / total_max * 100
            if leader and achieved > Decimal("91"):
                # Bắc Trà My led the districts in 2022 with 91.44%: keep the others below it.
                points = [quantize(float(p * Decimal("90.5") / achieved), 2) for p in points]
        total = quantize(float(sum(points) / total_max * 100), 2)
        writer.add(unit, None, total, decimals=2)
        for component, value in zip(components, points, strict=True):
            writer.add(unit, component, value, decimals=2)
    return writer.save()


def targets_create() -> None:
    unit = Unit.objects.get(code=HOME)
    indices = {index.code: index for index in Index.objects.all()}
    source = "Mục tiêu minh họa (chưa tìm thấy văn bản giao chỉ tiêu 2021–2025 của tỉnh)"
    specs: list[tuple[str, str, dict[str, Any], int, dict[int, float] | None]] = [
        (
            "PAR",
            Target.Kind.SCORE,
            {"target_value": Decimal("85")},
            2020,
            {2021: 83, 2022: 84, 2023: 84.5, 2024: 85, 2025: 85},
        ),
        ("PAR", Target.Kind.GROUP, {"target_group": "B"}, 2020, None),
        (
            "PCI",
            Target.Kind.RANK,
            {"target_rank": 10},
            2020,
            {2021: 12, 2022: 11, 2023: 10, 2024: 10, 2025: 10},
        ),
        (
            "PAPI",
            Target.Kind.SCORE,
            {"target_value": Decimal("45")},
            2020,
            {2021: 43.5, 2022: 44, 2023: 44.5, 2024: 45, 2025: 45},
        ),
        ("ICT", Target.Kind.RANK, {"target_rank": 15}, 2020, None),
    ]
    for code, kind, value, baseline_year, milestones in specs:
        if Target.objects.filter(
            unit=unit, index=indices[code], kind=kind, component_code=""
        ).exists():
            continue
        target_save(
            unit=unit,
            index=indices[code],
            kind=kind,
            baseline_year=baseline_year,
            milestones={y: Decimal(str(v)) for y, v in milestones.items()} if milestones else None,
            source=source,
            is_demo=True,
            **value,
        )
    if not Target.objects.filter(unit=unit, index=indices["PCI"], component_code="3").exists():
        target_save(
            unit=unit,
            index=indices["PCI"],
            kind=Target.Kind.SCORE,
            component_code="3",
            target_value=Decimal("7.0"),
            baseline_year=2020,
            source=source,
            is_demo=True,
        )


def baselines_fill() -> None:
    """Baseline values and ranks come from the scores of the baseline year."""
    for target in Target.objects.filter(is_demo=True).select_related("index"):
        score = (
            Score.objects.filter(
                unit=target.unit,
                edition__index=target.index,
                edition__year=target.baseline_year,
                component__code=target.component_code or None,
                component__isnull=not target.component_code,
            )
            .only("value", "published_rank")
            .first()
        )
        if score and score.value is not None:
            target.baseline_value = score.value
            target.baseline_rank = score.published_rank
            target.save(update_fields=["baseline_value", "baseline_rank"])

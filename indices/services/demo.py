"""The demo dataset: real published figures where they are known, deterministic illustrative
data ("Dữ liệu minh họa") everywhere else, so that every page and analysis behaves as it would
with the real thing. `demo_data_remove` takes the illustrative part out again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from indices.models import (
    LEVEL_UNIT_KINDS,
    Basis,
    Component,
    ImportBatch,
    Index,
    IndexEdition,
    Score,
    Target,
)
from indices.services.catalogue import target_save
from units.models import Unit
from units.selectors import unit_matcher_build
from units.services import read_data_csv

PUBLISHED_DIR = Path(__file__).resolve().parent.parent / "data" / "published"
DEMO_SOURCE = "Dữ liệu minh họa do Reform Portal sinh (seed cố định), không phải số liệu công bố"
HOME = "49"
SEED = 20250701

# Quảng Nam's published figures (../shared/domain/indices.md, provincial press, VCCI).
QUANG_NAM_PCI = {
    2016: (Decimal("61.27"), 10),
    2017: (Decimal("65.41"), 7),
    2018: (Decimal("65.85"), 7),
    2019: (Decimal("69.42"), 6),
    2020: (Decimal("65.72"), 13),
    2021: (Decimal("66.24"), 19),
}
QUANG_NAM_PAPI_2017 = (Decimal("37.08"), 27)
QUANG_NAM_PAPI_2023 = Decimal("40.60")
QUANG_NAM_PAR_2023 = (Decimal("84.60"), 56)
# Illustrative ranks for the years no figure was found, chosen to tell a plausible story.
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
QUANG_NAM_PCI_RANKS = {2022: 35, 2023: 41, 2024: 27}
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
}


@dataclass
class DemoSummary:
    editions: int = 0
    scores: int = 0
    real_scores: int = 0
    skipped: list[str] = field(default_factory=list)


def _q(value: float, decimals: int) -> Decimal:
    return Decimal(str(round(value, decimals))).quantize(Decimal(1).scaleb(-decimals))


def _values_with_anchor(
    rng: random.Random,
    n: int,
    *,
    mean: float,
    sd: float,
    lo: float,
    hi: float,
    anchor_rank: int,
    anchor_value: float | None,
    gap: float,
) -> tuple[float, list[float]]:
    """n-1 values for the other units such that exactly anchor_rank-1 lie above the anchor."""
    if anchor_value is None:
        draws = sorted((min(hi, max(lo, rng.gauss(mean, sd))) for _ in range(n)), reverse=True)
        anchor_value = draws[anchor_rank - 1]
    above = [min(hi, anchor_value + gap + abs(rng.gauss(0, sd))) for _ in range(anchor_rank - 1)]
    below = [max(lo, anchor_value - gap - abs(rng.gauss(0, sd))) for _ in range(n - anchor_rank)]
    return anchor_value, above + below


def _published_ranks(values: Sequence[Decimal], rng: random.Random) -> list[int]:
    """Publishers rank on unrounded scores, so two units showing the same rounded score still get
    different ranks (PCI 2020: Đồng Nai and Hà Tĩnh both 64.56, ranked 20 and 21). The demo
    breaks such ties at random, as the hidden decimals would."""
    order = sorted(range(len(values)), key=lambda i: (-values[i], rng.random()))
    ranks = [0] * len(values)
    for position, i in enumerate(order, start=1):
        ranks[i] = position
    return ranks


class _EditionWriter:
    def __init__(self, edition: IndexEdition, *, is_demo: bool, source: str, name: str) -> None:
        self.edition = edition
        self.is_demo = is_demo
        self.batch = ImportBatch.objects.create(
            edition=edition,
            level=edition.level,
            original_name=name,
            sha256="",
            status=ImportBatch.Status.COMMITTED,
            source_note=source,
            is_demo=is_demo,
        )
        self.scores: list[Score] = []
        self.units: set[int] = set()

    def basis(self, published: bool) -> str:
        if self.is_demo and not published:
            return Basis.ILLUSTRATIVE
        if self.edition.index.kind == Index.Kind.INTERNAL:
            return Basis.INTERNAL
        return Basis.PUBLISHED

    def add(
        self,
        unit: Unit,
        component: Component | None,
        value: Decimal | None,
        *,
        decimals: int,
        state: str | None = None,
        rank: int | None = None,
        group: str = "",
        published: bool = False,
    ) -> None:
        """`published` marks a figure that is real even inside an illustrative edition."""
        self.units.add(unit.pk)
        self.scores.append(
            Score(
                unit=unit,
                edition=self.edition,
                component=component,
                state=state
                or (Score.State.VALUE if value is not None else Score.State.NOT_AVAILABLE),
                value=value,
                decimals=decimals,
                published_rank=rank,
                published_group=group,
                batch=self.batch,
                basis=self.basis(published),
            )
        )

    def save(self) -> int:
        Score.objects.bulk_create(self.scores, batch_size=2000)
        self.batch.rows = len(self.units)
        self.batch.units_matched = len(self.units)
        self.batch.values = sum(1 for s in self.scores if s.value is not None)
        self.batch.committed_at = dt.datetime.now(tz=dt.UTC)
        self.batch.save()
        return len(self.scores)


def _units_for(edition: IndexEdition) -> list[Unit]:
    kinds = LEVEL_UNIT_KINDS[edition.level]
    units = Unit.objects.valid_on(edition.reference_date).filter(kind__in=kinds)
    if edition.level != "province":
        units = units.filter(parent__code=HOME)
    return list(units.order_by("code"))


def _components(edition: IndexEdition) -> list[Component]:
    return list(edition.components.filter(parent__isnull=True).order_by("order"))


def _pci_tier(rank: int) -> str:
    if rank <= 5:
        return "Rất tốt"
    if rank <= 15:
        return "Tốt"
    if rank <= 35:
        return "Khá"
    if rank <= 50:
        return "Trung bình"
    return "Tương đối thấp"


def _pci(edition: IndexEdition, rng: random.Random) -> int:
    units = _units_for(edition)
    components = _components(edition)
    weights = [float(c.weight or 0) for c in components]
    writer = _EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    real: dict[int, tuple[list[Decimal], Decimal, int, str]] = {}
    real_writer = None
    if edition.year == 2021:
        # The real PCI 2021 top 21 (VCCI), the rest illustrative below the 21st.
        matcher = unit_matcher_build(on_date=edition.reference_date, kinds=["province"])
        for row in read_data_csv(PUBLISHED_DIR / "pci_2021_top21.csv"):
            unit = matcher.resolve(row["province_name_as_published"])
            subs = [
                Decimal(v)
                for k, v in row.items()
                if k not in {"province_name_as_published", "pci_score", "pci_rank", "pci_tier"}
            ]
            real[unit.pk] = (subs, Decimal(row["pci_score"]), int(row["pci_rank"]), row["pci_tier"])
        real_writer = _EditionWriter(
            edition,
            is_demo=False,
            source="VCCI, pcivietnam.vn: Bảng chỉ số PCI 2021 (21 tỉnh dẫn đầu)",
            name="pci_2021_top21.csv",
        )
    home = next(u for u in units if u.code == HOME)
    others = [u for u in units if u.code != HOME and u.pk not in real]
    totals: dict[int, float] = {}
    if real:
        floor = float(min(total for _s, total, _r, _t in real.values())) - 0.15
        for unit in others:
            totals[unit.pk] = max(50.0, floor - abs(rng.gauss(0, 2.5)))
    else:
        anchor_value, anchor_rank = (
            (float(QUANG_NAM_PCI[edition.year][0]), QUANG_NAM_PCI[edition.year][1])
            if edition.year in QUANG_NAM_PCI
            else (None, QUANG_NAM_PCI_RANKS[edition.year])
        )
        value, rest = _values_with_anchor(
            rng,
            len(units),
            mean=63.5,
            sd=2.6,
            lo=52,
            hi=75,
            anchor_rank=anchor_rank,
            anchor_value=anchor_value,
            gap=0.12,
        )
        rng.shuffle(rest)
        totals[home.pk] = value
        totals.update({unit.pk: rest[i] for i, unit in enumerate(others)})

    rows: dict[int, tuple[list[Decimal], Decimal]] = {}
    for unit in units:
        if unit.pk in real:
            subs, total, _rank, _tier = real[unit.pk]
            rows[unit.pk] = (subs, total)
            continue
        target = totals[unit.pk]
        subs_f = [rng.uniform(4.5, 8.5) for _ in components]
        current = sum(w * s for w, s in zip(weights, subs_f, strict=True)) / 10
        shift = (target - current) / 10
        subs = [_q(min(10, max(1, s + shift)), 2) for s in subs_f]
        weighted = sum(Decimal(str(w)) * s for w, s in zip(weights, subs, strict=True)) / 10
        if edition.aggregation == IndexEdition.Aggregation.WEIGHTED_SUM:
            total = _q(float(weighted), 2)
            if unit.code == HOME and edition.year in QUANG_NAM_PCI:
                total = QUANG_NAM_PCI[edition.year][0]  # the published figure
        else:
            # From 2022 the published totals no longer follow the 2019–2021 weights.
            total = _q(target, 2)
        rows[unit.pk] = (subs, total)

    ranks = dict(zip(rows, _published_ranks([t for _s, t in rows.values()], rng), strict=True))
    top_n = edition.published_top_n
    count = 0
    for unit in units:
        subs, total = rows[unit.pk]
        rank = ranks[unit.pk]
        target_writer = real_writer if unit.pk in real else writer
        if top_n and rank > top_n:
            target_writer.add(unit, None, None, decimals=2, state=Score.State.NOT_PUBLISHED)
            for component in components:
                target_writer.add(
                    unit, component, None, decimals=2, state=Score.State.NOT_PUBLISHED
                )
            continue
        tier = real[unit.pk][3] if unit.pk in real else _pci_tier(rank)
        published_rank = real[unit.pk][2] if unit.pk in real else rank
        is_real = unit.code == HOME and edition.year in QUANG_NAM_PCI
        target_writer.add(
            unit, None, total, decimals=2, rank=published_rank, group=tier, published=is_real
        )
        for component, sub in zip(components, subs, strict=True):
            target_writer.add(unit, component, sub, decimals=2)
    count += writer.save()
    if real_writer:
        count += real_writer.save()
    return count


PAPI_MEANS_6 = [5.2, 5.6, 5.3, 6.2, 7.0, 7.0]
PAPI_MEANS_8 = [5.0, 5.2, 4.5, 6.6, 7.2, 7.6, 3.5, 3.2]


def _papi_generated(edition: IndexEdition, rng: random.Random) -> int:
    units = _units_for(edition)
    components = _components(edition)
    means = PAPI_MEANS_6 if len(components) == 6 else PAPI_MEANS_8
    missing = {"22", "74"} if edition.year == 2023 else set()  # Quảng Ninh, Bình Dương
    anchor_value: float | None = None
    anchor_rank = 30
    if edition.year == 2017:
        anchor_value, anchor_rank = float(QUANG_NAM_PAPI_2017[0]), QUANG_NAM_PAPI_2017[1]
    elif edition.year == 2023:
        anchor_value, anchor_rank = float(QUANG_NAM_PAPI_2023), 45
    present = [u for u in units if u.code not in missing]
    mean_total = sum(means)
    home_value, rest = _values_with_anchor(
        rng,
        len(present),
        mean=mean_total,
        sd=1.6,
        lo=mean_total - 6,
        hi=mean_total + 6,
        anchor_rank=anchor_rank,
        anchor_value=anchor_value,
        gap=0.05,
    )
    rng.shuffle(rest)
    others = iter(rest)
    writer = _EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        if unit.code in missing:
            writer.add(unit, None, None, decimals=2, state=Score.State.NOT_AVAILABLE)
            for component in components:
                writer.add(unit, component, None, decimals=2, state=Score.State.NOT_AVAILABLE)
            continue
        target = home_value if unit.code == HOME else next(others)
        dims_f = [m + rng.gauss(0, 0.45) for m in means]
        shift = (target - sum(dims_f)) / len(dims_f)
        dims = [_q(min(10, max(1, d + shift)), 2) for d in dims_f]
        if unit.code == HOME and anchor_value is not None:
            # Keep the published total: put the rounding residue on the largest dimension.
            residue = _q(anchor_value, 2) - sum(dims)
            largest = dims.index(max(dims))
            dims[largest] += residue
        writer.add(
            unit, None, sum(dims), decimals=2, published=unit.code == HOME and bool(anchor_value)
        )
        for component, dim in zip(components, dims, strict=True):
            writer.add(unit, component, dim, decimals=2)
    return writer.save()


def _papi_published(edition: IndexEdition) -> int:
    """The real PAPI results (papi.org.vn), loaded through the import pipeline as an admin would
    load the official file. The compiled dataset leaves missing data blank; written "N/A" here,
    the gaps are stored as not available, never as zero."""
    from indices.services.imports.service import scores_import

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


def _par(edition: IndexEdition, rng: random.Random) -> int:
    units = _units_for(edition)
    components = _components(edition)
    mean = PAR_MEANS[edition.year]
    if edition.year == 2023:
        anchor_value, anchor_rank = float(QUANG_NAM_PAR_2023[0]), QUANG_NAM_PAR_2023[1]
        lo = 80.2  # 2023: all 63 provinces above 80% for the first time
    else:
        anchor_value, anchor_rank, lo = None, QUANG_NAM_PAR_RANKS[edition.year], 62.0
    home_value, rest = _values_with_anchor(
        rng,
        len(units),
        mean=mean,
        sd=3.2,
        lo=lo,
        hi=95.5,
        anchor_rank=anchor_rank,
        anchor_value=anchor_value,
        gap=0.05,
    )
    rng.shuffle(rest)
    others = iter(rest)
    totals = {u.pk: _q(home_value if u.code == HOME else next(others), 2) for u in units}
    ranks = dict(zip(totals, _published_ranks(list(totals.values()), rng), strict=True))
    writer = _EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        total = totals[unit.pk]
        is_real = unit.code == HOME and edition.year == 2023
        writer.add(unit, None, total, decimals=2, rank=ranks[unit.pk], published=is_real)
        for component in components:
            area = min(100.0, max(40.0, float(total) + rng.gauss(0, 5)))
            writer.add(unit, component, _q(area, 2), decimals=2)
    return writer.save()


def _ict(edition: IndexEdition, rng: random.Random) -> int:
    units = _units_for(edition)
    components = _components(edition)
    home_value, rest = _values_with_anchor(
        rng,
        len(units),
        mean=0.45,
        sd=0.1,
        lo=0.15,
        hi=0.8,
        anchor_rank=QUANG_NAM_ICT_RANKS[edition.year],
        anchor_value=None,
        gap=0.002,
    )
    rest.sort(reverse=True)
    da_nang_value = max(rest[0], home_value) + 0.03  # Đà Nẵng led every year
    rest = rest[1:]
    rng.shuffle(rest)
    others = iter(rest)
    totals = {}
    for unit in units:
        if unit.code == "48":
            totals[unit.pk] = _q(da_nang_value, 4)
        elif unit.code == HOME:
            totals[unit.pk] = _q(home_value, 4)
        else:
            totals[unit.pk] = _q(next(others), 4)
    ranks = dict(zip(totals, _published_ranks(list(totals.values()), rng), strict=True))
    writer = _EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    for unit in units:
        writer.add(unit, None, totals[unit.pk], decimals=4, rank=ranks[unit.pk])
        for component in components:
            value = min(1.0, max(0.01, float(totals[unit.pk]) + rng.gauss(0, 0.08)))
            writer.add(unit, component, _q(value, 4), decimals=4)
    return writer.save()


def _internal(edition: IndexEdition, rng: random.Random) -> int:
    units = _units_for(edition)
    components = _components(edition)
    maxima = [c.max_points or Decimal(0) for c in components]
    total_max = sum(maxima)
    writer = _EditionWriter(edition, is_demo=True, source=DEMO_SOURCE, name="demo")
    leader = "515" if edition.index.code == "PAR_DISTRICT" and edition.year == 2022 else None
    for unit in units:
        level = min(0.97, max(0.6, rng.gauss(0.83 + 0.01 * (edition.year - 2021), 0.05)))
        if leader and unit.code == leader:
            points = [_q(float(m) * 0.9144, 2) for m in maxima]
            points[-1] += Decimal("91.44") * total_max / 100 - sum(points)
        else:
            points = [
                _q(float(m) * min(1.0, max(0.4, level + rng.gauss(0, 0.06))), 2) for m in maxima
            ]
            achieved = sum(points) / total_max * 100
            if leader and achieved > Decimal("91"):
                # Bắc Trà My led the districts in 2022 with 91.44%: keep the others below it.
                points = [_q(float(p * Decimal("90.5") / achieved), 2) for p in points]
        total = _q(float(sum(points) / total_max * 100), 2)
        writer.add(unit, None, total, decimals=2)
        for component, value in zip(components, points, strict=True):
            writer.add(unit, component, value, decimals=2)
    return writer.save()


def _targets() -> None:
    unit = Unit.objects.get(code=HOME)
    indices = {index.code: index for index in Index.objects.all()}
    source = "Mục tiêu minh họa (chưa tìm thấy văn bản giao chỉ tiêu 2021–2025 của tỉnh)"
    specs = [
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


def _fill_baselines() -> None:
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


@transaction.atomic
def demo_data_load() -> DemoSummary:
    """Load the demo dataset. Idempotent: an edition that already has scores (from an earlier
    run or a real import) is left alone."""
    summary = DemoSummary()
    builders = {
        "PCI": _pci,
        "PAR": _par,
        "ICT": _ict,
        "PAR_DEPT": _internal,
        "PAR_DISTRICT": _internal,
    }
    papi_published_years = {2018, 2019, 2020, 2021, 2022, 2024}
    editions = IndexEdition.objects.select_related("index").filter(
        status=IndexEdition.Status.PUBLISHED
    )
    has_scores = set(Score.objects.values_list("edition_id", flat=True).distinct())
    for edition in editions.order_by("index__order", "year"):
        if edition.pk in has_scores:
            summary.skipped.append(str(edition))
            continue
        rng = random.Random(SEED + edition.year * 100 + edition.index.order)  # noqa: S311
        code = edition.index.code
        if code == "PAPI":
            if edition.year in papi_published_years:
                written = _papi_published(edition)
                summary.real_scores += written
            else:
                written = _papi_generated(edition, rng)
        elif code in builders:
            written = builders[code](edition, rng)
        else:
            continue
        summary.editions += 1
        summary.scores += written
    _targets()
    _fill_baselines()
    return summary


@transaction.atomic
def demo_data_remove() -> int:
    """Remove the illustrative data (scores, their batches, targets); real figures stay."""
    deleted, _ = Score.objects.filter(basis=Basis.ILLUSTRATIVE).delete()
    ImportBatch.objects.filter(is_demo=True, scores__isnull=True).delete()
    Target.objects.filter(is_demo=True).delete()
    return deleted

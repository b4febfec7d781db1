"""The demo dataset: every real published figure the project holds, and deterministic
illustrative data ("Dữ liệu minh họa") only where nothing real is known, so that every page and
analysis behaves as it would with full tables.

Real figures are stored with basis "published" in batches that name their source; where a table
gives a document per row, its scores keep it in `Score.source`. From `indices/data/published/`
(`published.py`):
- PAPI 2018–2022 and 2024, all 63 provinces (papi.org.vn), loaded through the import pipeline;
- PCI 2015 ranks 1–25 (nine of the ten sub-indices), PCI 2021 ranks 1–21 (all ten), PCI 2022
  ranks 1–10 and scattered provinces (VCCI);
- PAR INDEX 2021–2023, scattered provinces (Bộ Nội vụ, as reported by the press);
- DTI 2022, the ranks of all 63 provinces, with scores where readable (dti.gov.vn);
- Quảng Nam's PCI 2016–2020 and PAPI 2017 and 2023 totals, and the gaps of PAPI 2023.

Illustrative figures (`fill.py`) complete an edition around its real rows (`layout.py`): they
take the places in the order that no real row holds, their totals lie strictly between their
real neighbours', their published ranks never repeat a real one, and their tiers never contradict
a real tier. They always have basis "illustrative", so nothing computed from them passes for
published, and `demo_data_remove` takes exactly them out. The DTI gets no illustrative data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from indices.models import Basis, ImportBatch, Index, IndexEdition, Score, Target

from .fill import (
    baselines_fill,
    ict_fill,
    internal_fill,
    papi_fill,
    papi_published_load,
    par_fill,
    pci_fill,
    targets_create,
)
from .published import RealRow, real_tables
from .writing import real_table_write

SEED = 20250701
PAPI_PUBLISHED_YEARS = {2018, 2019, 2020, 2021, 2022, 2024}


@dataclass
class DemoSummary:
    editions: int = 0
    scores: int = 0
    real_scores: int = 0
    skipped: list[str] = field(default_factory=list)


FILLERS: dict[str, Callable[[IndexEdition, random.Random, dict[int, RealRow]], int]] = {
    "PCI": pci_fill,
    "PAPI": papi_fill,
    "PAR": par_fill,
    "ICT": ict_fill,
    "PAR_DEPT": internal_fill,
    "PAR_DISTRICT": internal_fill,
}


def _edition_load(edition: IndexEdition, summary: DemoSummary) -> None:
    """The edition's missing real tables, then the illustrative fill around all its real rows.
    An edition that already has illustrative scores, or scores from anywhere else (an admin's
    import), is left alone."""
    code = edition.index.code
    scores = Score.objects.filter(edition=edition)
    if code == "PAPI" and edition.year in PAPI_PUBLISHED_YEARS:
        if scores.exists():
            summary.skipped.append(str(edition))
            return
        written = papi_published_load(edition)
        summary.editions += 1
        summary.scores += written
        summary.real_scores += written
        return
    tables = real_tables(edition)
    names = {table.name for table in tables}
    loaded = set(scores.filter(batch__is_demo=False).values_list("batch__original_name", flat=True))
    foreign = scores.filter(batch__isnull=True).exists() or bool(loaded - names)
    if foreign or scores.filter(basis=Basis.ILLUSTRATIVE).exists():
        summary.skipped.append(str(edition))
        return
    written = 0
    for table in tables:
        if table.name not in loaded:
            real_written = real_table_write(edition, table)
            written += real_written
            summary.real_scores += real_written
    real = {row.unit.pk: row for table in tables for row in table.rows}
    rng = random.Random(SEED + edition.year * 100 + edition.index.order)  # noqa: S311
    if code in FILLERS:
        written += FILLERS[code](edition, rng, real)
    if written:
        summary.editions += 1
        summary.scores += written


@transaction.atomic
def demo_data_load() -> DemoSummary:
    """Load the demo dataset. Idempotent: a second run adds nothing; after `demo_data_remove`
    it puts the illustrative fill back around the real figures that stayed."""
    summary = DemoSummary()
    editions = IndexEdition.objects.select_related("index").filter(
        status=IndexEdition.Status.PUBLISHED
    )
    for edition in editions.order_by("index__order", "year"):
        _edition_load(edition, summary)
    targets_create()
    baselines_fill()
    # The demo's internal scoring stands for results the province has decided to publish.
    IndexEdition.objects.filter(index__kind=Index.Kind.INTERNAL, scores__isnull=False).update(
        published_internally=True
    )
    return summary


@transaction.atomic
def demo_data_remove() -> int:
    """Remove the illustrative data (scores, their batches, targets); real figures stay."""
    deleted, _ = Score.objects.filter(basis=Basis.ILLUSTRATIVE).delete()
    ImportBatch.objects.filter(is_demo=True, scores__isnull=True).delete()
    Target.objects.filter(is_demo=True).delete()
    return deleted

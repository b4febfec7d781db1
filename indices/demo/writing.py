"""Writing an edition's scores as one batch: a published table, or the illustrative fill."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from indices.models import (
    LEVEL_UNIT_KINDS,
    Basis,
    Component,
    ImportBatch,
    Index,
    IndexEdition,
    Score,
)
from units.models import Unit

from .published import HOME, Cell, RealTable

DEMO_SOURCE = "Dữ liệu minh họa do Reform Portal sinh (seed cố định), không phải số liệu công bố"


def quantize(value: float | Decimal, decimals: int) -> Decimal:
    return Decimal(str(round(float(value), decimals))).quantize(Decimal(1).scaleb(-decimals))


class EditionWriter:
    """One batch of an edition's scores: a real table (published, or internal for a province's
    own index) or the illustrative fill."""

    def __init__(self, edition: IndexEdition, *, is_demo: bool, source: str, name: str) -> None:
        self.edition = edition
        self.batch = ImportBatch.objects.create(
            edition=edition,
            level=edition.level,
            original_name=name,
            sha256="",
            status=ImportBatch.Status.COMMITTED,
            source_note=source,
            is_demo=is_demo,
        )
        if is_demo:
            self.basis = Basis.ILLUSTRATIVE
        elif edition.index.kind == Index.Kind.INTERNAL:
            self.basis = Basis.INTERNAL
        else:
            self.basis = Basis.PUBLISHED
        self.scores: list[Score] = []
        self.units: set[int] = set()

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
        source: str = "",
    ) -> None:
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
                basis=self.basis,
                source=source,
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


def real_table_write(edition: IndexEdition, table: RealTable) -> int:
    """A published table as one batch: basis "published", the table's source on the batch and
    each row's own document on its scores. Components a row does not give are not written; a
    province the publisher has no data for gets "not available" everywhere."""
    components = {c.code: c for c in top_components(edition)}
    writer = EditionWriter(edition, is_demo=False, source=table.source, name=table.name)
    decimals = edition.decimals
    for row in table.rows:
        total = Cell(row.total, row.rank)
        writer.add(
            row.unit,
            None,
            row.total,
            decimals=decimals,
            state=total.state,
            rank=row.rank,
            group=row.group,
            source=row.source,
        )
        cells = row.components
        if total.state == Score.State.NOT_AVAILABLE and not cells:
            cells = {code: Cell(None) for code in components}
        for code, cell in cells.items():
            writer.add(
                row.unit,
                components[code],
                cell.value,
                decimals=decimals,
                state=cell.state,
                rank=cell.rank,
                source=row.source,
            )
    return writer.save()


def units_for(edition: IndexEdition) -> list[Unit]:
    kinds = LEVEL_UNIT_KINDS[edition.level]
    units = Unit.objects.valid_on(edition.reference_date).filter(kind__in=kinds)
    if edition.level != "province":
        units = units.filter(parent__code=HOME)
    return list(units.order_by("code"))


def top_components(edition: IndexEdition) -> list[Component]:
    return list(edition.components.filter(parent__isnull=True).order_by("order"))

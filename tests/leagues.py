"""League tables built with the factories for the tests that read them: an edition of the reference
catalogue (its real scale, precision, components and rating scheme) scored for the units a test
names, or for every province in order, with the bases, published ranks and groups it asks for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from indices.analytics.runs import analysis_rebuild
from indices.models import LEVEL_UNIT_KINDS, AnalysisRun, Component, IndexEdition, Level, Score
from tests.factories import ScoreFactory
from units.models import Unit

HOME = "49"  # Quảng Nam, the portal's home province in the test settings


@dataclass
class Row:
    """One unit's line in an edition: its total (None with a `state` other than "value") and
    its top-level components' values by code."""

    value: Decimal | None
    state: str = Score.State.VALUE
    basis: str = "published"
    rank: int | None = None
    group: str = ""
    parts: dict[str, Decimal | None] = field(default_factory=dict)


def edition_of(code: str, year: int) -> IndexEdition:
    """An edition of the reference catalogue (`load_reference_data`)."""
    return IndexEdition.objects.select_related("index").get(index__code=code, year=year)


def ranked_units(edition: IndexEdition) -> list[Unit]:
    """The units an edition of its level ranks on its reference date, by code: the provinces,
    or the home province's own departments, districts or communes."""
    units = Unit.objects.valid_on(edition.reference_date).filter(
        kind__in=LEVEL_UNIT_KINDS[edition.level]
    )
    if edition.level != Level.PROVINCE:
        units = units.filter(parent__code=HOME)
    return list(units.order_by("code"))


def league_create(edition: IndexEdition, rows: Mapping[str, Row]) -> dict[str, Row]:
    """The rows' scores (keyed by unit code), written in one statement. They replace whatever
    the edition held (the demo's scores, in a session that also runs demo tests), so the
    edition holds exactly the test's rows."""
    Score.objects.filter(edition=edition).delete()
    units = Unit.objects.in_bulk(list(rows), field_name="code")
    components = {c.code: c for c in Component.objects.filter(edition=edition)}
    scores = []
    for code, row in rows.items():
        scores.append(
            ScoreFactory.build(
                unit=units[code],
                edition=edition,
                state=row.state,
                value=row.value,
                basis=row.basis,
                published_rank=row.rank,
                published_group=row.group,
            )
        )
        for part, value in row.parts.items():
            hidden = row.state if row.state != Score.State.VALUE else Score.State.NOT_AVAILABLE
            scores.append(
                ScoreFactory.build(
                    unit=units[code],
                    edition=edition,
                    component=components[part],
                    state=Score.State.VALUE if value is not None else hidden,
                    value=value,
                    basis=row.basis,
                )
            )
    Score.objects.bulk_create(scores)
    return dict(rows)


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def parts_for(
    edition: IndexEdition, total: Decimal, place: int, components: list[Component]
) -> dict[str, Decimal]:
    """Component values that follow a total on the edition's scale, each a little off it (by
    place and component) so that every component has its own order."""
    scale = edition.scale
    if scale == IndexEdition.Scale.UNIT_INTERVAL:
        centre, spread, low, high = total, Decimal("0.01"), Decimal(0), Decimal(1)
    elif scale == IndexEdition.Scale.PERCENT:
        centre, spread, low, high = total, Decimal("0.5"), Decimal(0), Decimal(100)
    else:  # 1–10 per component: PCI's weighted sub-indices, PAPI's dimensions
        count = len(components) if scale == IndexEdition.Scale.DIMENSION_SUM else 10
        centre, spread, low, high = total / count, Decimal("0.05"), Decimal(1), Decimal(10)
    decimals = max(edition.decimals, 2)
    parts = {}
    for j, component in enumerate(components):
        value = min(high, max(low, centre + ((place * 5 + j * 3) % 7 - 3) * spread))
        if component.max_points is not None:  # an internal area's points, not a percentage
            value = component.max_points * value / 100
        parts[component.code] = _quantize(value, decimals)
    return parts


def ladder(
    edition: IndexEdition,
    *,
    home_place: int,
    home_value: Decimal,
    step: Decimal,
    home: str = HOME,
    units: Iterable[Unit] | None = None,
    basis: str = "published",
    illustrative_from: int | None = None,
    real: Iterable[str] = (),
    ranks: bool = True,
    groups: Mapping[int, str] | None = None,
    parts: bool = True,
) -> dict[str, Row]:
    """Rows for every unit given (every unit the edition ranks by default) in a strict order:
    `home` at `home_place` with `home_value`, the others in code order around it, `step` apart.
    From place `illustrative_from` on, rows are illustrative except the `real` units'; beyond an
    edition's published top N, totals and components are not published. `groups` maps the last
    place of each group to its published name."""
    units = list(units if units is not None else ranked_units(edition))
    others = [u for u in units if u.code != home]
    order = others[: home_place - 1] + [u for u in units if u.code == home]
    order += others[home_place - 1 :]
    components = list(edition.components.filter(parent__isnull=True).order_by("order", "code"))
    decimals = max(edition.decimals, 2)
    top_n = edition.published_top_n
    real = set(real)
    rows = {}
    for place, unit in enumerate(order, start=1):
        if top_n and place > top_n:
            hidden = {c.code: None for c in components} if parts else {}
            rows[unit.code] = Row(None, state=Score.State.NOT_PUBLISHED, basis=basis, parts=hidden)
            continue
        value = _quantize(home_value + step * (home_place - place), decimals)
        group = next((name for last, name in sorted((groups or {}).items()) if place <= last), "")
        illustrative = illustrative_from and place >= illustrative_from and unit.code not in real
        rows[unit.code] = Row(
            value,
            basis="illustrative" if illustrative else basis,
            rank=place if ranks else None,
            group=group,
            parts=parts_for(edition, value, place, components) if parts else {},
        )
    return rows


def analyse(*editions: IndexEdition) -> AnalysisRun:
    """Rank the editions as an import's rebuild does."""
    run = analysis_rebuild(edition_ids=[e.pk for e in editions], trigger="admin")
    assert run is not None
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.error
    return run

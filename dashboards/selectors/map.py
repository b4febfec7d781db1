"""The tile map: each province a tile in its region, shaded by score or by rank."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dashboards.selectors.common import basis_counts, cached, result_row, years_with_data
from indices.figures import figure
from indices.models import Index, IndexEdition, RankResult
from indices.selectors_analytics import current_editions, current_results, with_figures
from units.models import Region, Unit
from units.selectors import home_unit

MAP_LEVELS = 5


def map_page(*, index: Index, edition: IndexEdition, by: str) -> dict[str, Any]:
    """The shaded tiles (`by` "rank" or "score"), the legend of levels, and the pickers'
    choices."""
    data = map_tiles(edition=edition)
    info = data["edition_info"]
    regions, legend = map_levels(data["regions"], by=by, decimals=info.decimals)
    rows = [t["row"] for r in data["regions"] for t in r["tiles"]]
    return {
        "index": index,
        "edition": edition,
        "coverage": info.coverage,
        "regions": regions,
        "legend": legend,
        "by": by,
        "bases": basis_counts(rows, "rank_basis" if by == "rank" else "basis"),
        "indices": Index.objects.filter(kind=Index.Kind.NATIONAL),
        "years": years_with_data(index),
        "home_code": (home_unit() or Unit()).code,
    }


def map_tiles(*, edition: IndexEdition) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = current_editions([edition.index.code])
        rows = {
            r.unit_id: result_row(r)
            for r in with_figures(
                current_results(
                    RankResult.objects.filter(edition=edition, component_code=""), editions
                )
            )
        }
        regions = []
        provinces = (
            Unit.objects.valid_on(edition.reference_date).filter(kind="province").order_by("name")
        )
        by_region: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
        for unit in provinces:
            by_region[unit.region_id].append({"unit": unit, "row": rows.get(unit.pk)})
        for region in Region.objects.order_by("order"):
            regions.append({"region": region, "tiles": by_region.get(region.pk, [])})
        info = next(e for e in editions if e.pk == edition.pk)
        return {"regions": regions, "edition_info": info}

    return cached(f"map:{edition.pk}", build)


def map_levels(
    regions: list[dict[str, Any]], *, by: str, decimals: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each tile's colour level (0 = lowest of five) and ink (white on the two darkest levels),
    and the legend: what values (or places) each level covers. By score, the levels split the
    range from the lowest to the highest score evenly; by rank, they split the places from the
    first to the last one shown, and the legend gives the places each level holds."""
    rows = [t["row"] for r in regions for t in r["tiles"] if t["row"]]
    values = [row["value"] for row in rows if row["value"] is not None]
    low, high = (min(values), max(values)) if values else (0, 1)
    last = max((row["display_rank"] for row in rows if row["display_rank"]), default=1)

    def level(row: dict[str, Any] | None) -> int | None:
        if row is None:
            return None
        if by == "rank":
            if not row["display_rank"]:
                return None
            share = 1 - (row["display_rank"] - 1) / max(1, last - 1)
        else:
            if row["value"] is None:
                return None
            share = (row["value"] - low) / (high - low) if high > low else 1
        return max(0, min(MAP_LEVELS - 1, int(share * MAP_LEVELS)))

    placed: dict[int, list[int]] = {k: [] for k in range(MAP_LEVELS)}
    shaded = []
    for region in regions:
        tiles = []
        for tile in region["tiles"]:
            k = level(tile["row"])
            if k is not None and by == "rank":
                placed[k].append(int(tile["row"]["display_rank"]))
            ink = "light" if k is not None and k >= MAP_LEVELS - 2 else "dark"
            tiles.append({**tile, "level": k, "ink": ink})
        shaded.append({**region, "tiles": tiles})
    if by == "rank":
        texts = [_places_text(placed[k]) for k in range(MAP_LEVELS)]
    elif values:
        texts = [_score_range_text(k, low, high, decimals) for k in range(MAP_LEVELS)]
    else:
        texts = ["—"] * MAP_LEVELS
    return shaded, [{"level": k, "text": text} for k, text in enumerate(texts)]


def _places_text(ranks: list[int]) -> str:
    """The places a level holds: "—", "7" or "7–19"."""
    if not ranks:
        return "—"
    if min(ranks) == max(ranks):
        return str(min(ranks))
    return f"{min(ranks)}–{max(ranks)}"


def _score_range_text(k: int, low: float, high: float, decimals: int) -> str:
    """The scores level `k` covers, the last level ending at the highest score."""
    step = (high - low) / MAP_LEVELS
    start, end = low + step * k, low + step * (k + 1) if k < MAP_LEVELS - 1 else high
    return f"{figure(start, decimals)}–{figure(end, decimals)}"

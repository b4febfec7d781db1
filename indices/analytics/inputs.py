"""What one edition's computation reads: its context (scheme, previous edition, targets,
methodology breaks) and its scores, in one query each."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indices.models import (
    Basis,
    Component,
    IndexEdition,
    Level,
    RatingBand,
    RatingScheme,
    Target,
)
from tabular.bulk import read_frame
from units.models import Unit


@dataclass
class EditionContext:
    edition: IndexEdition
    components: list[Component]
    scheme: RatingScheme | None
    bands: list[RatingBand]
    previous: IndexEdition | None
    targets: list[Target]
    # Years of this index's editions that start a new methodology (re-baselining of targets).
    break_years: list[int]


def edition_context(edition: IndexEdition) -> EditionContext:
    index = edition.index
    scheme = RatingScheme.objects.filter(index=index).first()
    previous = (
        IndexEdition.objects.filter(index=index, year__lt=edition.year, status="published")
        .order_by("-year")
        .first()
    )
    return EditionContext(
        edition=edition,
        components=list(edition.components.all()),
        scheme=scheme,
        bands=list(scheme.bands.order_by("order")) if scheme else [],
        previous=previous,
        targets=list(Target.objects.filter(index=index).prefetch_related("milestones")),
        break_years=list(
            IndexEdition.objects.filter(index=index, breaks_comparability=True).values_list(
                "year", flat=True
            )
        ),
    )


def ranks_comparable(edition: IndexEdition, previous: IndexEdition | None) -> bool:
    """Whether a rank in `edition` may be compared with one in `previous`: not when the two rank
    different numbers of provinces (63 before the 1/7/2025 merger, 34 after). A rank out of 34
    set against a rank out of 63 says nothing; their scores may still be compared."""
    if previous is None or edition.level != Level.PROVINCE:
        return True
    provinces = Unit.objects.filter(kind=Unit.Kind.PROVINCE)
    return (
        provinces.valid_on(edition.reference_date).count()
        == provinces.valid_on(previous.reference_date).count()
    )


SCORE_COLUMNS = [
    "unit_id",
    "component_id",
    "component_code",
    "parent_id",
    "state",
    "value",
    "decimals",
    "published_rank",
    "published_group",
    "region_id",
    "basis",
]


FrameCache = dict[int, pd.DataFrame]


def scores_frame(edition_id: int, cache: FrameCache | None = None) -> pd.DataFrame:
    """An edition's scores with what ranking needs, read in one query (COPY on PostgreSQL).
    Within one run, the edition built just before (usually the previous year) is kept so the
    change since the previous edition does not read it again."""
    if cache is not None and edition_id in cache:
        return cache[edition_id].copy()
    frame = read_scores(edition_id)
    if cache is not None:
        cache.clear()  # one edition is enough: editions are built in (index, year) order
        cache[edition_id] = frame.copy()
    return frame


def read_scores(edition_id: int) -> pd.DataFrame:
    sql = (
        "SELECT s.unit_id, s.component_id, c.code, c.parent_id, s.state, s.value, s.decimals, "
        "s.published_rank, s.published_group, u.region_id, s.basis "
        "FROM indices_score s "
        "JOIN units_unit u ON u.id = s.unit_id "
        "LEFT JOIN indices_component c ON c.id = s.component_id "
        "WHERE s.edition_id = %s "
        # Component order breaks ties between equal priorities (as the readers do).
        "ORDER BY COALESCE(s.component_id, 0), s.unit_id"
    )
    frame = read_frame(sql, [edition_id], SCORE_COLUMNS)
    frame["component_code"] = frame["component_code"].fillna("").astype(str)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    for column in (
        "unit_id",
        "published_rank",
        "region_id",
        "component_id",
        "parent_id",
        "decimals",
    ):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["unit_id"] = frame["unit_id"].astype("int64") if not frame.empty else frame["unit_id"]
    frame["published_group"] = frame["published_group"].fillna("").astype(object)
    frame["state"] = frame["state"].astype(object)
    frame["basis"] = frame["basis"].fillna(Basis.PUBLISHED).astype(object)
    return frame

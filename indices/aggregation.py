"""How an edition's total follows from its components, where that rule is known."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from indices.models import Component, IndexEdition

Aggregation = IndexEdition.Aggregation


def total_from_components(
    *, edition: IndexEdition, components: list[Component], values: Mapping[str, Decimal | None]
) -> Decimal | None:
    """The total the edition's rule gives for top-level component values keyed by code, or None
    when the rule is "published only" or a value is missing."""
    top = [c for c in components if c.parent_id is None]
    if edition.aggregation == Aggregation.PUBLISHED_ONLY or not top:
        return None
    parts = [values.get(c.code) for c in top]
    if any(v is None for v in parts):
        return None
    numbers = [v for v in parts if v is not None]
    if edition.aggregation == Aggregation.SUM:
        return sum(numbers, Decimal(0))
    if edition.aggregation == Aggregation.WEIGHTED_SUM:
        weights = [c.weight or Decimal(0) for c in top]
        total_weight = sum(weights, Decimal(0))
        if not total_weight:
            return None
        # Sub-indices on 10 points, weights in %: total on 100.
        scale = edition.total_max / (edition.component_max or Decimal(10))
        return sum((w * v for w, v in zip(weights, numbers, strict=True)), Decimal(0)) * (
            scale / total_weight
        )
    if edition.aggregation == Aggregation.PERCENT_OF_MAX:
        maxima = [c.max_points for c in top]
        if any(m is None for m in maxima):
            return None
        total_max = sum((m for m in maxima if m is not None), Decimal(0))
        return sum(numbers, Decimal(0)) / total_max * 100 if total_max else None
    return None


def total_is_checked(edition: IndexEdition) -> bool:
    """Only a confirmed rule may flag a published total as wrong."""
    return edition.aggregation != Aggregation.PUBLISHED_ONLY and edition.aggregation_confirmed


def effective_weights(edition: IndexEdition, components: list[Component]) -> dict[str, float]:
    """How many total points one point of each top-level component is worth."""
    top = [c for c in components if c.parent_id is None]
    if not top:
        return {}
    aggregation = edition.aggregation
    weights = [float(c.weight) for c in top if c.weight is not None]
    if aggregation == "sum":
        return {c.code: 1.0 for c in top}
    if weights and len(weights) == len(top) and sum(weights) > 0:
        # Weighted sum (PCI), or published-only editions that still carry weights (approximate).
        scale = float(edition.total_max) / float(edition.component_max or 10)
        # Every component has a weight here, so the two lists pair up in order.
        return {c.code: w / sum(weights) * scale for c, w in zip(top, weights, strict=True)}
    maxima = [c.max_points for c in top]
    if all(m is not None for m in maxima):
        total_max = float(sum(m for m in maxima if m is not None))
        return {c.code: float(edition.total_max) / total_max for c in top}
    # Areas scored on the total's own scale (PAR INDEX %): equal shares.
    return {c.code: 1.0 / len(top) for c in top}

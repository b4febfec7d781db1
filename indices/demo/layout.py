"""Placing an edition's illustrative totals around its real ones: which place in the order each
unit takes and what total each place gets."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

from units.models import Unit

from .published import RealRow


@dataclass(frozen=True)
class Spread:
    """How an edition's totals are spread: the illustrative draws come from it."""

    mean: float
    sd: float
    lo: float
    hi: float
    decimals: int = 2


@dataclass
class Order:
    """Every ranked unit's place (1 = best) and the total at each place: the real total where one
    is published, otherwise an illustrative one strictly between its real neighbours'."""

    place: dict[int, int]
    totals: list[float]

    def total(self, unit: Unit) -> float:
        return self.totals[self.place[unit.pk] - 1]


def _draws(rng: random.Random, n: int, spread: Spread) -> list[float]:
    """n totals from the spread, best first, no two within one published step."""
    values = sorted(
        (min(spread.hi, max(spread.lo, rng.gauss(spread.mean, spread.sd))) for _ in range(n)),
        reverse=True,
    )
    gap = 1.5 * 10**-spread.decimals
    for i in range(1, n):
        values[i] = min(values[i], values[i - 1] - gap)
    return values


def _bend(draws: list[float], anchors: dict[int, float], spread: Spread) -> list[float]:
    """The draws bent through the real (place, total) anchors: between two anchors they are
    rescaled to span exactly the published gap; beyond the outer ones they keep their spacing,
    compressed if they would leave the spread's bounds."""
    if not anchors:
        return list(draws)
    out = list(draws)
    points = sorted(anchors.items())
    for (pa, va), (pb, vb) in itertools.pairwise(points):
        da, db = draws[pa - 1], draws[pb - 1]
        for p in range(pa, pb + 1):
            out[p - 1] = vb + (draws[p - 1] - db) * (va - vb) / (da - db)
    first, top = points[0]
    span = draws[0] - draws[first - 1]
    scale = max(0.0, min(1.0, (spread.hi - top) / span)) if span > 0 else 1.0
    for p in range(1, first + 1):
        out[p - 1] = top + (draws[p - 1] - draws[first - 1]) * scale
    last, bottom = points[-1]
    span = draws[last - 1] - draws[-1]
    scale = max(0.0, min(1.0, (bottom - spread.lo) / span)) if span > 0 else 1.0
    for p in range(last, len(draws) + 1):
        out[p - 1] = bottom - (draws[last - 1] - draws[p - 1]) * scale
    return out


def _spaced(totals: list[float], anchors: dict[int, float], spread: Spread) -> list[float]:
    """Rounded to the published precision, strictly decreasing between the anchors (a place
    whose real total is unknown keeps a slot too), wherever the gap leaves room."""
    step = 10**-spread.decimals
    out = [round(v, spread.decimals) for v in totals]
    for place, value in anchors.items():
        out[place - 1] = value
    edges = [0, *sorted(anchors), len(out) + 1]
    for a, b in itertools.pairwise(edges):
        inner = range(a + 1, b)
        if not inner:
            continue
        room = (len(inner) + 1) * step
        below_real = b <= len(out)
        if a:
            top = out[a - 1]
        else:  # above the best real total, up to the spread's ceiling
            top = max(spread.hi + step, out[b - 1] + room) if below_real else spread.hi + step
        bottom = out[b - 1] if below_real else min(spread.lo - step, top - room)
        if top - bottom < room - step / 2:
            continue  # no room: leave the ties, as rounded publications do
        previous = top
        for p in inner:
            out[p - 1] = min(out[p - 1], round(previous - step, spread.decimals))
            previous = out[p - 1]
        following = bottom
        for p in reversed(inner):
            out[p - 1] = max(out[p - 1], round(following + step, spread.decimals))
            following = out[p - 1]
    return out


def order_plan(
    units: list[Unit],
    real: dict[int, RealRow],
    *,
    pins: dict[int, int],
    spread: Spread,
    rng: random.Random,
) -> Order:
    """Places and totals for an edition. Real rows keep their published rank (or stated place);
    a real total without one takes the free place where the illustrative curve comes closest to
    it, keeping the order of the values; pinned units (Quảng Nam's story) take their place if no
    real row holds it; the other illustrative units share the remaining places at random. Units
    the publisher has no data for are left out."""
    ranked = [u for u in units if u.pk not in real or real[u.pk].in_order]
    n = len(ranked)
    draws = _draws(rng, n, spread)
    taken: dict[int, int] = {}  # place -> unit pk
    anchors: dict[int, float] = {}  # place -> real total
    fixed = [row for row in real.values() if row.rank or row.place]
    for row in sorted(fixed, key=lambda row: (row.rank or row.place, -(row.total or 0))):
        place = row.rank or row.place or 0
        while place in taken:  # a published tie: the next place is the one nobody holds
            place += 1
        taken[place] = row.unit.pk
        if row.total is not None:
            anchors[place] = float(row.total)
    rough = _bend(draws, anchors, spread)
    free = [p for p in range(1, n + 1) if p not in taken]
    loose = [
        row for row in real.values() if row.total is not None and row.unit.pk not in taken.values()
    ]
    for row in sorted(loose, key=lambda r: -float(r.total or 0)):
        value = float(row.total or 0)
        above = max((p for p, v in anchors.items() if v > value), default=0)
        below = min((p for p, v in anchors.items() if v < value), default=n + 1)
        pinned = pins.get(row.unit.pk)
        options = [p for p in free if above < p < below]
        if not options:
            raise ValueError(f"{row.unit}: no place between the published ranks fits {value}.")
        place = (
            pinned if pinned in options else min(options, key=lambda p: abs(rough[p - 1] - value))
        )
        taken[place], anchors[place] = row.unit.pk, value
        free.remove(place)
    for pk, place in pins.items():
        if pk not in real and place in free:
            taken[place] = pk
            free.remove(place)
    placed = set(taken.values())
    rest = [u.pk for u in ranked if u.pk not in placed]
    rng.shuffle(free)
    taken.update(zip(free, rest, strict=True))
    totals = _spaced(_bend(draws, anchors, spread), anchors, spread)
    return Order(place={pk: place for place, pk in taken.items()}, totals=totals)


def soft_cap(value: float, *, knee: float, ceiling: float) -> float:
    """Values above the knee approach the ceiling without reaching it: a leader is not perfect
    in every area."""
    if value <= knee:
        return value
    room = ceiling - knee
    return knee + room * (1 - math.exp(-(value - knee) / room))

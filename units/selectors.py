"""Reads for administrative units: directory, history, and the name matcher used by imports."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from tabular.problems import message_part, message_text

from .models import Succession, Unit, UnitAlias
from .naming import normalize_name

_HINT = gettext_noop("%(reason)s Gợi ý: %(candidates)s.")


class UnitNameError(ValueError):
    """A name that matches no unit, or more than one; never guessed.

    str() is the message in the active language; `template` and `params` are the message as
    written (a msgid) and its parameters, for a caller that keeps it to translate when shown
    (an import's problems). The name and the candidates are values: never translated."""

    def __init__(
        self,
        name: str,
        reason: str,
        candidates: list[str],
        *,
        template: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.candidates = candidates
        reason_params = params or {}
        if candidates:
            self.template = _HINT
            self.params: dict[str, Any] = {
                "reason": message_part(template or reason, **reason_params),
                "candidates": ", ".join(candidates),
            }
        else:
            self.template = template or reason
            self.params = reason_params
        self.reason = message_text(template or reason, reason_params)
        super().__init__(message_text(self.template, self.params))


@dataclass
class UnitMatcher:
    """Resolves published names to units valid on one date, in memory (built once per import)."""

    on_date: dt.date | None
    units: dict[int, Unit]
    keys: dict[str, set[int]] = field(default_factory=dict)

    def resolve(self, name: str) -> Unit:
        key = normalize_name(name)
        if not key:
            raise UnitNameError(name, gettext_noop("Tên đơn vị trống."), [])
        matches = self.keys.get(key, set())
        if len(matches) == 1:
            return self.units[next(iter(matches))]
        if len(matches) > 1:
            names = sorted(f"{self.units[i].name} ({self.units[i].code})" for i in matches)
            raise UnitNameError(
                name,
                "",
                names,
                template=gettext_noop('Tên "%(name)s" khớp với nhiều đơn vị.'),
                params={"name": name},
            )
        candidates = [f"{unit.name} ({unit.code})" for unit in self.suggestions(name)]
        if self.on_date:
            raise UnitNameError(
                name,
                "",
                candidates,
                template=gettext_noop('Không tìm thấy đơn vị "%(name)s" tồn tại ngày %(date)s.'),
                params={"name": name, "date": f"{self.on_date:%d/%m/%Y}"},
            )
        raise UnitNameError(
            name,
            "",
            candidates,
            template=gettext_noop('Không tìm thấy đơn vị "%(name)s".'),
            params={"name": name},
        )

    def suggestions(self, name: str) -> list[Unit]:
        """The units whose names come closest to a name that matches none, best first (the
        units of at most three names)."""
        close = difflib.get_close_matches(normalize_name(name), self.keys.keys(), n=3, cutoff=0.6)
        units: list[Unit] = []
        for candidate_key in close:
            for unit_id in sorted(self.keys[candidate_key]):
                if self.units[unit_id] not in units:
                    units.append(self.units[unit_id])
        return units


def unit_matcher_build(
    *, on_date: dt.date | None, kinds: Iterable[str] | None = None
) -> UnitMatcher:
    """Two queries: the units valid on the date (any date when None), of the given kinds, and
    their aliases."""
    queryset = Unit.objects.valid_on(on_date) if on_date else Unit.objects.all()
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    units = {unit.pk: unit for unit in queryset}
    keys: dict[str, set[int]] = defaultdict(set)
    for unit in units.values():
        for text in (unit.name, unit.short_name, unit.name_en, unit.code):
            if text:
                keys[normalize_name(text)].add(unit.pk)
    for unit_id, normalized in UnitAlias.objects.filter(unit_id__in=units).values_list(
        "unit_id", "normalized"
    ):
        keys[normalized].add(unit_id)
    return UnitMatcher(on_date=on_date, units=units, keys=dict(keys))


def unit_resolve(*, name: str, on_date: dt.date, kinds: Iterable[str] | None = None) -> Unit:
    return unit_matcher_build(on_date=on_date, kinds=kinds).resolve(name)


def home_unit() -> Unit | None:
    """The province the portal belongs to: `PORTAL_HOME_UNIT` names it by code ("49",
    "48-2025") or by name ("Thành phố Đà Nẵng", "Đà Nẵng"), a name meaning the province of that
    name that exists today (the new Đà Nẵng, not the one that ended on 30/6/2025)."""
    setting = str(settings.PORTAL_HOME_UNIT).strip()
    unit = Unit.objects.filter(code=setting).select_related("region").first()
    if unit is not None or not setting:
        return unit
    try:
        found = unit_resolve(name=setting, on_date=timezone.localdate(), kinds=["province"])
    except UnitNameError:
        # A province that has ended, if its name is its own ("Tỉnh Quảng Nam").
        try:
            found = unit_matcher_build(on_date=None, kinds=["province"]).resolve(setting)
        except UnitNameError:
            return None
    return Unit.objects.select_related("region").get(pk=found.pk)


def units_directory(
    *, kind: str | None = None, query: str = "", on_date: dt.date | None = None, parent: str = ""
) -> QuerySet[Unit]:
    units = Unit.objects.select_related("region", "parent")
    if parent:
        units = units.filter(parent__code=parent)
    if kind:
        units = units.filter(kind=kind)
    if on_date:
        units = units.valid_on(on_date)
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(name_en__icontains=query)
            | Q(code__iexact=query)
            | Q(aliases__name__icontains=query)
        ).distinct()
    return units.order_by("kind", "code")


CHILDREN_SHOWN = 60


@dataclass
class UnitHistory:
    unit: Unit
    predecessors: list[Succession]
    successors: list[Succession]
    renames: list[Succession]
    children: list[Unit]
    children_total: int


def unit_history(*, unit: Unit) -> UnitHistory:
    successions = list(
        Succession.objects.filter(Q(predecessor=unit) | Q(successor=unit)).select_related(
            "predecessor", "successor"
        )
    )
    renames = [s for s in successions if s.kind == Succession.Kind.RENAME]
    others = [s for s in successions if s.kind != Succession.Kind.RENAME]
    return UnitHistory(
        unit=unit,
        predecessors=[s for s in others if s.successor_id == unit.pk],
        successors=[s for s in others if s.predecessor_id == unit.pk],
        renames=renames,
        children=list(unit.children.order_by("kind", "code")[:CHILDREN_SHOWN]),
        children_total=unit.children.count(),
    )


# --- The directory on a date ------------------------------------------------------------------

# The levels a directory lists, each with the unit kinds it holds. Central agencies located in
# the province are scored with the departments (internal PAR index), so they list with them.
DIRECTORY_LEVELS: dict[str, tuple[str, ...]] = {
    "province": (Unit.Kind.PROVINCE,),
    "department": (Unit.Kind.DEPARTMENT, Unit.Kind.CENTRAL_AGENCY),
    "district": (Unit.Kind.DISTRICT,),
    "commune": (Unit.Kind.COMMUNE,),
}
_LEVEL_OF_KIND = {kind: level for level, kinds in DIRECTORY_LEVELS.items() for kind in kinds}
_KIND_ORDER = {kind: i for i, kind in enumerate(_LEVEL_OF_KIND)}


@dataclass(frozen=True)
class DirectoryLink:
    """A succession seen from one side: the unit on the other side (None for an abolition),
    and a date on which that unit is in the directory (the day before the change for a
    predecessor, the day of the change for a successor)."""

    succession: Succession
    unit: Unit | None
    shown_on: dt.date


@dataclass(frozen=True)
class DirectoryEntry:
    """A unit valid on the directory's date, the changes that formed it (dated on or before the
    date) and the changes that later ended or replaced it."""

    unit: Unit
    level: str
    predecessors: list[DirectoryLink]
    successors: list[DirectoryLink]


@dataclass(frozen=True)
class UnitsOnDate:
    on_date: dt.date
    level: str | None
    entries: list[DirectoryEntry]
    counts: dict[str, int]  # units valid on the date, by level (every level, whatever the filter)


def units_on_date(*, on_date: dt.date, level: str | None = None) -> UnitsOnDate:
    """The units valid on `on_date` (of one level, or of every level but the nation), ordered by
    level and code, with their predecessors and successors. Four queries whatever the number
    of units: the counts, the units with their parents, and one for each side of their
    successions. A rename that keeps the unit (Huế, 1/1/2025) is neither: it is the same unit."""
    if level is not None and level not in DIRECTORY_LEVELS:
        raise ValueError(f"unknown level {level!r}")
    valid = Unit.objects.valid_on(on_date).filter(kind__in=list(_LEVEL_OF_KIND))
    by_kind = dict(valid.order_by().values_list("kind").annotate(n=Count("pk")))
    counts = {
        name: sum(by_kind.get(kind, 0) for kind in kinds)
        for name, kinds in DIRECTORY_LEVELS.items()
    }
    formed = (
        Succession.objects.filter(date__lte=on_date)
        .exclude(predecessor_id=F("successor_id"))
        .select_related("predecessor")
        .order_by("date", "predecessor__code")
    )
    replaced = (
        Succession.objects.filter(date__gt=on_date)
        .exclude(successor_id=F("predecessor_id"))
        .select_related("successor")
        .order_by("date", "successor__code")
    )
    units = (
        valid.filter(kind__in=list(DIRECTORY_LEVELS[level] if level else _LEVEL_OF_KIND))
        .select_related("parent")
        .prefetch_related(
            Prefetch("predecessions", queryset=formed, to_attr="directory_predecessors"),
            Prefetch("successions", queryset=replaced, to_attr="directory_successors"),
        )
    )
    day = dt.timedelta(days=1)
    entries = [
        DirectoryEntry(
            unit=unit,
            level=_LEVEL_OF_KIND[unit.kind],
            predecessors=[
                DirectoryLink(succession=s, unit=s.predecessor, shown_on=s.date - day)
                for s in unit.directory_predecessors  # type: ignore[attr-defined]
            ],
            successors=[
                DirectoryLink(succession=s, unit=s.successor, shown_on=s.date)
                for s in unit.directory_successors  # type: ignore[attr-defined]
            ],
        )
        for unit in sorted(units, key=lambda u: (_KIND_ORDER[u.kind], u.code))
    ]
    return UnitsOnDate(on_date=on_date, level=level, entries=entries, counts=counts)


@dataclass(frozen=True)
class Milestone:
    date: dt.date
    day_before: dt.date


def directory_milestones() -> list[Milestone]:
    """The dates on which units changed, oldest first, each with the day before: the dates
    worth reading the directory on."""
    dates = Succession.objects.order_by("date").values_list("date", flat=True).distinct()
    return [Milestone(date=d, day_before=d - dt.timedelta(days=1)) for d in dates]


# --- Lineage: a unit with the units it came from and went into (successions) ----------------


def _linked(units: list[Unit], *, backward: bool, forward: bool) -> list[Unit]:
    """The units reached from `units` through successions, in the order found; the starting
    units are not included. One query: the successions are few (a province's history), walked
    in memory."""
    links = list(
        Succession.objects.filter(successor__isnull=False)
        .exclude(predecessor_id=F("successor_id"))
        .select_related("predecessor", "successor")
        .order_by("date", "predecessor__code")
    )
    seen = {unit.pk for unit in units}
    found: list[Unit] = []
    frontier = set(seen)
    while frontier:
        reached: list[Unit] = []
        for link in links:
            successor = link.successor
            if successor is None:
                continue
            if backward and successor.pk in frontier:
                reached.append(link.predecessor)
            if forward and link.predecessor_id in frontier:
                reached.append(successor)
        frontier = set()
        for unit in reached:
            if unit.pk not in seen:
                seen.add(unit.pk)
                found.append(unit)
                frontier.add(unit.pk)
    return found


def lineage(unit: Unit) -> list[Unit]:
    """The unit with every predecessor and successor, transitively (Quảng Nam → Đà Nẵng (from
    2025) → the old Đà Nẵng): the units whose records are one province's or one department's
    history."""
    return [unit, *_linked([unit], backward=True, forward=True)]


def predecessors_of(unit: Unit) -> list[Unit]:
    """Every unit that went into this one, transitively (49.SKHDT → 49.STC → 48-2025.STC: both
    are predecessors of 48-2025.STC), oldest succession first. Renames onto itself are not."""
    return _linked([unit], backward=True, forward=False)


def units_filing_for(unit: Unit, day: dt.date) -> list[Unit]:
    """The units of the unit's lineage valid on `day`, when the unit itself was not: its
    successors for a day after it ended, its predecessors for a day before it began."""
    if unit.is_valid_on(day):
        return [unit]
    later = unit.valid_to is not None and unit.valid_to < day
    linked = _linked([unit], backward=not later, forward=later)
    return [u for u in linked if u.is_valid_on(day)]


def successors_of(unit: Unit) -> list[Unit]:
    """Every unit this one went into, transitively (49 → 48-2025), oldest succession first."""
    return _linked([unit], backward=False, forward=True)

"""What every step of reading one file shares: the edition and its components, the unit
names valid on its reference date, the mapping the admin chose, and the result being built."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from indices.models import LEVEL_UNIT_KINDS, Component, IndexEdition, RatingBand
from indices.services.imports.results import ParseResult, UnmatchedName
from indices.services.imports.vocabulary import ComponentVocabulary
from tabular.problems import Problem
from tabular.reading import Sheet
from tabular.text import strip_diacritics
from units.models import Unit
from units.naming import normalize_name
from units.selectors import UnitMatcher, UnitNameError, unit_matcher_build

_NUMBER_LIKE = re.compile(r"^[\d\s.,%+-]*$")


def group_key(text: str) -> str:
    """A group's name compared as people type it: "Rất tốt", "rat tot" and "RẤT TỐT" are one."""
    return " ".join(strip_diacritics(text).lower().split())


def _rating_groups(edition: IndexEdition) -> dict[str, str]:
    groups: dict[str, str] = {}
    for band in RatingBand.objects.filter(scheme__index_id=edition.index_id).order_by("order"):
        for text in (band.name, band.name_en, band.code):
            if text:
                groups.setdefault(group_key(text), band.name)
    return groups


@dataclass
class ParseContext:
    edition: IndexEdition
    sheets: list[Sheet]
    overrides: dict[str, str]  # column (or row) key → role, as the admin mapped it
    components: list[Component]
    by_code: dict[str, Component]
    top_codes: list[str]  # the codes of the components at the top of the tree
    vocabulary: ComponentVocabulary
    kinds: list[str]
    matcher: UnitMatcher
    result: ParseResult = field(default_factory=ParseResult)
    column_names: dict[str | None, str] = field(default_factory=dict)  # code (None = total)
    other_years: Counter[str] = field(default_factory=Counter)
    bounds: dict[str | None, tuple[Decimal, Decimal]] = field(default_factory=dict)
    # The groups of the index's rating scheme (none: any group is taken as published), by
    # group_key of their name, English name and code → the name stored.
    groups: dict[str, str] = field(default_factory=dict)
    _any_date_matcher: UnitMatcher | None = None
    _unit_like: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def build(
        cls, *, edition: IndexEdition, sheets: list[Sheet], overrides: dict[str, str] | None
    ) -> ParseContext:
        components = list(edition.components.all())
        kinds = LEVEL_UNIT_KINDS[edition.level]
        return cls(
            edition=edition,
            sheets=sheets,
            overrides=overrides or {},
            components=components,
            by_code={c.code: c for c in components},
            top_codes=[c.code for c in components if c.parent_id is None],
            vocabulary=ComponentVocabulary(components),
            kinds=kinds,
            matcher=unit_matcher_build(on_date=edition.reference_date, kinds=kinds),
            groups=_rating_groups(edition),
        )

    def report(
        self,
        severity: str,
        message: str,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: str = "",
        *,
        params: dict[str, Any] | None = None,
    ) -> None:
        """Add a problem. `message` is a msgid marked with gettext_noop (translated when it is
        shown), its placeholders filled from `params`: values from the file go in `params`,
        never into the message."""
        self.result.problems.append(
            Problem(severity, message, sheet, row, column, value, params=params or {})
        )

    def looks_like_unit(self, cell: Any) -> bool:
        """A cell that names a unit of the edition's level (codes and numbers do not count: an
        STT column of 1…63 is not a column of province codes)."""
        if not isinstance(cell, str):
            return False
        text = cell.strip()
        if not text or len(text) > 80 or _NUMBER_LIKE.match(text):
            return False
        hit = self._unit_like.get(text)
        if hit is None:
            hit = self._unit_like[text] = normalize_name(text) in self.matcher.keys
        return hit

    def resolve_unit(self, name: str, *, sheet: str, row: int | None, column: str) -> Unit | None:
        """The unit a name means on the edition's reference date; None, with an error that says
        why (unknown, ambiguous, or a unit that did not exist on that date), otherwise."""
        try:
            return self.matcher.resolve(name)
        except UnitNameError as error:
            key = normalize_name(name)
            if not key or len(self.matcher.keys.get(key, ())) > 1:  # empty, or ambiguous
                self.report("error", error.template, sheet, row, column, name, params=error.params)
                return None
        if self._any_date_matcher is None:
            self._any_date_matcher = unit_matcher_build(on_date=None, kinds=self.kinds)
        other = self._any_date_matcher.keys.get(key)
        if other and len(other) == 1:
            unit = self._any_date_matcher.units[next(iter(other))]
            self.report(
                "error",
                gettext_noop(
                    "Đơn vị %(unit)s không tồn tại vào ngày %(date)s (ngày đối chiếu của kỳ "
                    "%(edition)s)"
                ),
                sheet,
                row,
                column,
                name,
                params={
                    "unit": unit.name,
                    "date": f"{self.edition.reference_date:%d/%m/%Y}",
                    "edition": str(self.edition),
                },
            )
            return None
        self._unmatched_note(name, key, sheet=sheet, row=row, column=column)
        return None

    def _unmatched_note(
        self, name: str, key: str, *, sheet: str, row: int | None, column: str
    ) -> None:
        """A name that matches no unit: an error naming the closest units (by name: their
        codes mean nothing to the admin), and the name kept once, with its rows, for the admin
        to choose one of them."""
        suggestions = self.matcher.suggestions(name)
        params = {"name": name, "date": f"{self.edition.reference_date:%d/%m/%Y}"}
        if suggestions:
            message = gettext_noop(
                'Không tìm thấy đơn vị "%(name)s" tồn tại ngày %(date)s. Gợi ý: %(suggestions)s.'
            )
            params["suggestions"] = ", ".join(u.name for u in suggestions)
        else:
            message = gettext_noop('Không tìm thấy đơn vị "%(name)s" tồn tại ngày %(date)s.')
        self.report("error", message, sheet, row, column, name, params=params)
        for unmatched in self.result.unmatched:
            if normalize_name(unmatched.name) == key:
                unmatched.rows.append(row)
                return
        self.result.unmatched.append(
            UnmatchedName(
                name=name, sheet=sheet, column=column, rows=[row], suggestions=suggestions
            )
        )

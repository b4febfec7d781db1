"""The words of an index's tables: what a header or an indicator label says a column (or, in a
transposed table, a row) holds: a unit's name, a component of the edition, the total, the
published rank or group, the year, or nothing to import."""

from __future__ import annotations

import re
from typing import Any

from indices.models import Component
from tabular.headers import header_code, loose_header, normalize_header

ROLE_UNIT, ROLE_TOTAL, ROLE_RANK, ROLE_GROUP, ROLE_IGNORE = (
    "unit",
    "total",
    "rank",
    "group",
    "ignore",
)
ROLE_LABEL, ROLE_VALUE, ROLE_YEAR = "component_label", "value", "year"
COMPONENT_PREFIX = "component:"

UNIT_WORDS = {
    "tinh",
    "tinh thanh pho",
    "tinh thanh",
    "ten tinh",
    "ten tinh thanh pho",
    "tinh tp",
    "dia phuong",
    "don vi",
    "ten don vi",
    "co quan",
    "co quan don vi",
    "ten co quan",
    "so ban nganh",
    "huyen thi xa thanh pho",
    "province",
    "provinces",
    "province name",
    "province name as published",
    "unit",
    "unit name",
    "district",
    "department",
    "locality",
}
_TOTAL_WORDS = {
    "",
    "tong",
    "tong diem",
    "diem tong",
    "diem",
    "diem so",
    "score",
    "total",
    "total score",
    "chi so",
    "chi so tong hop",
    "diem tong hop",
    "tong hop",
    "ket qua",
    "index",
    "overall",
    "pct",
    "percent",
    "phan tram",
    "total unweighted",
    "tong hop khong trong so",
}
_RANK_WORDS = {"xep hang", "thu hang", "rank", "hang", "ranking", "vi tri", "thu tu xep hang"}
_GROUP_WORDS = {
    "xep loai",
    "nhom",
    "tier",
    "group",
    "nhom xep hang",
    "ranking group",
    "phan loai",
    "xep nhom",
    "muc xep hang",
    "rating",
    "band",
    "quartile",
    "nhom tu phan vi",
}
STT_WORDS = {"stt", "tt", "no", "so thu tu", "ma"}
# Columns that describe a row rather than score it: kept out of the scores, never an error.
_IGNORE_WORDS = {
    "source",
    "sources",
    "source url",
    "url",
    "link",
    "value source",
    "nguon",
    "nguon so lieu",
    "ghi chu",
    "note",
    "notes",
    "rank basis",
    "co so xep hang",
}
_YEAR_WORDS = {"year", "nam", "nam danh gia", "ky danh gia", "edition"}
LABEL_WORDS = {
    "chi so thanh phan",
    "thanh phan",
    "component",
    "noi dung",
    "linh vuc",
    "chi tieu",
    "indicator",
    "dimension",
    "tieu chi",
    "sub index",
    "chi so",
    "chi so noi dung",
}
VALUE_WORDS = {"gia tri", "value", "diem", "score", "diem so", "ket qua"}
_INDEX_TOKENS = {"pci", "papi", "par", "index", "ict", "cchc", "sipas", "ddci", "vietnam"}


def _without_index_tokens(key: str) -> str:
    words = [w for w in key.split() if w not in _INDEX_TOKENS and not re.fullmatch(r"\d{4}", w)]
    return " ".join(words)


def _without_rank_base(key: str) -> str:
    """ "rank of 63", "xếp hạng/63", "thứ hạng trên 63" → the rank words alone."""
    return re.sub(r"(?:\s(?:of|tren|trong))?\s\d{1,3}$", "", key)


# How surely a header names a component: its name or alias as written, the same once numbering,
# "and" and plurals are set aside, its number after "Dimension N", or only the start of it.
EXACT, LOOSE, CODED, PREFIX = 4, 3, 2, 1


class ComponentVocabulary:
    """Maps header text to a role: a component code, the total, the rank, the group, the unit."""

    def __init__(self, components: list[Component]) -> None:
        self.codes = {c.code for c in components}
        self.keys: dict[str, str] = {}
        loose: dict[str, set[str]] = {}
        for component in components:
            texts = [component.name, component.name_en, *component.aliases.split("|")]
            for text in texts:
                if text and (key := normalize_header(text)):
                    self.keys.setdefault(key, component.code)
                    if loose_key := loose_header(key):
                        loose.setdefault(loose_key, set()).add(component.code)
        # A loose form shared by two components ("Chỉ số nội dung 1" and "… 2") names neither.
        self.loose = {key: next(iter(codes)) for key, codes in loose.items() if len(codes) == 1}
        self._prefixes = sorted(
            ((key, code) for key, code in self.loose.items() if len(key) > 8),
            key=lambda item: -len(item[0]),
        )

    def match(self, key: str) -> tuple[str, int] | None:
        """(component code, how surely) for a normalised header, or None."""
        if key in self.keys:
            return self.keys[key], EXACT
        loose = loose_header(key)
        if loose in self.loose:
            return self.loose[loose], LOOSE
        number = header_code(key)
        if number is not None and number in self.codes:
            return number, CODED
        if key in self.codes:
            return key, CODED
        for known, code in self._prefixes:
            # A name with a suffix: "Tính năng động của chính quyền tỉnh Quảng Nam".
            if loose.startswith(known + " "):
                return code, PREFIX
        return None

    def component_of(self, key: str) -> str | None:
        found = self.match(key)
        return found[0] if found else None

    def strength_of(self, header: Any) -> int:
        """How surely the header was recognised (components; other roles count as exact)."""
        found = self.match(normalize_header(header))
        return found[1] if found else EXACT

    def role_of(self, header: Any) -> str:
        key = normalize_header(header)
        if not key:
            return ROLE_IGNORE
        stripped = _without_index_tokens(key)
        if key in STT_WORDS:
            return ROLE_IGNORE
        if (
            stripped in _RANK_WORDS
            or key in _RANK_WORDS
            or key.endswith(" rank")
            or _without_rank_base(stripped) in _RANK_WORDS
        ):
            return ROLE_RANK
        if stripped in _GROUP_WORDS or key in _GROUP_WORDS or key.endswith(" tier"):
            return ROLE_GROUP
        component = self.component_of(key)
        if component:
            return COMPONENT_PREFIX + component
        if key in UNIT_WORDS or stripped in UNIT_WORDS:
            return ROLE_UNIT
        if key in _YEAR_WORDS:
            return ROLE_YEAR
        if key in _IGNORE_WORDS or stripped in _IGNORE_WORDS:
            return ROLE_IGNORE
        if stripped in _TOTAL_WORDS or (key.endswith(" score") and stripped in {"", "score"}):
            return ROLE_TOTAL
        return ""  # unknown


# The roles that hold one score or fact per unit: two columns with the same one are refused.
VALUE_ROLES = (ROLE_TOTAL, ROLE_RANK, ROLE_GROUP, ROLE_YEAR)


def is_score_role(role: str) -> bool:
    """The total or a component: a column (or row) of score values."""
    return role == ROLE_TOTAL or role.startswith(COMPONENT_PREFIX)


def score_code(role: str) -> str | None:
    """The component code of a score role; None for the total."""
    return None if role == ROLE_TOTAL else role[len(COMPONENT_PREFIX) :]

"""Names in the page's language: Vietnamese first, the English name where one is recorded."""

import time
from typing import Any

from django.utils.translation import get_language

from indices.models import Component, RatingBand


def localized_name(obj: Any) -> str:
    if obj is None:
        return ""
    name_en = getattr(obj, "name_en", None)
    if get_language() == "en" and name_en:
        return str(name_en)
    return str(getattr(obj, "name", obj))


def localized_short_name(index: Any) -> str:
    """An index's short name in the page's language. The national indices' acronyms (PAPI, PCI)
    read the same in both; a Vietnamese short name ("CCHC cấp huyện") gives way to the English
    name on English pages."""
    return short_name_in_language(
        str(getattr(index, "short_name", "") or index), str(getattr(index, "name_en", ""))
    )


def short_name_in_language(short_name: str, name_en: str) -> str:
    if get_language() == "en" and not short_name.isascii() and name_en:
        return name_en
    return short_name


_GROUP_NAMES: dict[str, str] = {}
_GROUP_NAMES_READ_AT = 0.0


def localized_group(name: str | None) -> str:
    """A rating group's name (as stored on a result or a score) in the page's language: the
    English name its rating band records, when the page is in English."""
    global _GROUP_NAMES_READ_AT
    if not name or get_language() != "en":
        return name or ""
    if time.monotonic() - _GROUP_NAMES_READ_AT > 60 or name not in _GROUP_NAMES:
        # The first band of a name in catalogue order gives its English ("Khá" is "Fairly
        # good" in PCI's scheme and "Fair" in another: both read right).
        names: dict[str, str] = {}
        for vi, en in RatingBand.objects.exclude(name_en="").values_list("name", "name_en"):
            names.setdefault(vi, en)
        _GROUP_NAMES.clear()
        _GROUP_NAMES.update(names)
        _GROUP_NAMES_READ_AT = time.monotonic()
    return _GROUP_NAMES.get(name, name)


_COMPONENT_NAMES: dict[tuple[int, str], tuple[str, str]] = {}
_COMPONENT_NAMES_READ_AT = 0.0


def component_name(index_id: int, code: str) -> str:
    """The name of an index's component, by its code, in the page's language, as its latest
    edition names it (targets and tasks name a component by code across editions)."""
    global _COMPONENT_NAMES_READ_AT
    key = (index_id, code)
    if time.monotonic() - _COMPONENT_NAMES_READ_AT > 60 or key not in _COMPONENT_NAMES:
        names: dict[tuple[int, str], tuple[str, str]] = {}
        rows = Component.objects.order_by("-edition__year").values_list(
            "edition__index_id", "code", "name", "name_en"
        )
        for index, component, name, name_en in rows:
            names.setdefault((index, component), (name, name_en))
        _COMPONENT_NAMES.clear()
        _COMPONENT_NAMES.update(names)
        _COMPONENT_NAMES_READ_AT = time.monotonic()
    name, name_en = _COMPONENT_NAMES.get(key, (code, ""))
    return name_en if get_language() == "en" and name_en else name

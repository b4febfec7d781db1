"""Names in the page's language: Vietnamese first, the English name where one is recorded."""

from typing import Any

from django.utils.translation import get_language


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
    short = str(getattr(index, "short_name", "") or index)
    if get_language() == "en" and not short.isascii() and getattr(index, "name_en", ""):
        return str(index.name_en)
    return short

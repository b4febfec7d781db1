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

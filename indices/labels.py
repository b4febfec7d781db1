"""Names in the page's language: Vietnamese first, the English name where one is recorded."""

from typing import Any

from django.utils.translation import get_language


def localized_name(obj: Any) -> str:
    if obj is None:
        return ""
    if get_language() == "en" and getattr(obj, "name_en", ""):
        return str(obj.name_en)
    return str(getattr(obj, "name", obj))

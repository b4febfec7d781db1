"""Text compared the way Vietnamese tables are typed: with or without diacritics."""

from __future__ import annotations

import unicodedata


def strip_diacritics(text: str) -> str:
    """ "Đắk Lắk" → "Dak Lak": đ is a letter of its own, not d with a mark, so it is mapped."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

"""Normalisation of unit names as publications write them.

"TT-Huế", "Thừa Thiên - Huế" and "thua thien hue" must compare equal; so must "Đăk Lăk" and
"Đắk Lắk", "Hoà Bình" and "Hòa Bình", "Tỉnh Quảng Nam" and "Quang Nam".
"""

import re
import unicodedata

from tabular.text import strip_diacritics

# Administrative prefixes and suffixes that carry no identity ("Tỉnh Quảng Nam" = "Quảng Nam").
_PREFIXES = (
    "thanh pho truc thuoc trung uong ",
    "thanh pho ",
    "tinh ",
    "tp ",
    "t p ",
    "huyen ",
    "thi xa ",
    "quan ",
    "xa ",
    "phuong ",
    "thi tran ",
    "dac khu ",
)
_SUFFIXES = (" province", " city", " district", " town")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.,;:/\\()\[\]'\"`’]+")


def normalize_name(text: str) -> str:
    """Case-, diacritic-, dash-, whitespace- and prefix-insensitive key for a unit name."""
    key = strip_diacritics(unicodedata.normalize("NFC", str(text))).lower()
    key = _SEPARATORS.sub(" ", key).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :].strip()
                changed = True
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)].strip()
                changed = True
    return key

"""Column headers compared as people type them: without diacritics, case, punctuation, the
numbering around a name, "and"/"&", plurals or the abbreviations Vietnamese tables use. Also the
edges of a table that are not data: notes under it, and column letters for messages."""

from __future__ import annotations

import re
from typing import Any

from tabular.cells import raw_text
from tabular.text import strip_diacritics

# "Chỉ số nội dung 5", "Dimension 8", "Lĩnh vực 3", "d1 …": the number is the column's code.
# A second number ("Dimension 1.1", a sub-dimension) is a lower level, not the column's own.
_CODE_PREFIX = (
    r"(?:chi so noi dung|noi dung|dimension|linh vuc|chi so thanh phan|thanh phan|sub index|"
    r"subindex|component|tieu chi|cstp|d)"
)
_CODED = re.compile(rf"^{_CODE_PREFIX}\s*(\d+)(?:\s+(?!\d)|$)")
# Numbering around a name: "1.", "(2)", "III", "Chỉ số nội dung 5:", "Dimension 8:", "… (CS3)".
_LEADING_NUMBER = re.compile(
    rf"^(?:{_CODE_PREFIX}\s*\d+(?:\s\d+)*|\d+(?:\s\d+)*|(?:i|ii|iii|iv|v|vi|vii|viii|ix|x))\s+"
)
_TRAILING_NUMBER = re.compile(r"\s+(?:cs|d|tp)?\d+$")
# Words dropped or spelled one way before comparing names: "&" and "and", British and American
# spelling, English plurals, and the abbreviations Vietnamese tables use.
_FILLER_WORDS = {"and", "va"}
_SPELLINGS = {
    "labour": "labor",
    "cchc": "cai cach hanh chinh",
    "tthc": "thu tuc hanh chinh",
    "vbqppl": "van ban quy pham phap luat",
    "qppl": "quy pham phap luat",
    "cbccvc": "can bo cong chuc vien chuc",
    "antt": "an ninh trat tu",
    "dnnn": "doanh nghiep nha nuoc",
    "dn": "doanh nghiep",
    "cntt": "cong nghe thong tin",
}
_NOTE_PREFIXES = ("nguon", "ghi chu", "note", "source", "chu thich", "*")


def normalize_header(text: Any) -> str:
    """Lower case ASCII words separated by one space: "Tổng điểm (%)" → "tong diem"."""
    key = strip_diacritics(raw_text(text)).lower()
    key = re.sub(r"[^0-9a-z]+", " ", key)
    return " ".join(key.split())


def loose_header(key: str) -> str:
    """A normalised header without the numbering around it, "and"/"&", plurals and
    abbreviations: "1. Law & Order", "Law and order" and "LAW AND ORDER (10)" compare equal."""
    key = _TRAILING_NUMBER.sub("", _LEADING_NUMBER.sub("", key))
    words = []
    for word in key.split():
        if word in _FILLER_WORDS:
            continue
        word = _SPELLINGS.get(word, word)
        if word.endswith("isation"):
            word = word[: -len("isation")] + "ization"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # English plurals; no Vietnamese word ends in "s"
        words.append(word)
    return " ".join(words)


def header_code(key: str) -> str | None:
    """The number a normalised header gives its column: "dimension 8 …" → "8"."""
    match = _CODED.match(key)
    return match.group(1) if match else None


def is_note_row(cells: list[Any]) -> bool:
    """A notes line under a table ("Nguồn: …", "Ghi chú: …"): one filled cell of text."""
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    if len(filled) != 1 or not isinstance(filled[0], str):
        return False
    text = filled[0].strip()
    return len(text) > 60 or normalize_header(text).startswith(_NOTE_PREFIXES)


def column_letter(index: int) -> str:
    """The letter a spreadsheet shows above a column, from its index: 0 → A, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name

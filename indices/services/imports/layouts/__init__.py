"""The three shapes a published table comes in, each read by its own parser into unit records:
`wide` (a row per unit), `transposed` (a column per unit) and `long` (a row per unit and score).
`detection` finds the table and its shape."""

from __future__ import annotations

from collections.abc import Callable

from indices.services.imports.context import ParseContext
from indices.services.imports.layouts.detection import (
    LONG,
    TRANSPOSED,
    WIDE,
    Layout,
    layout_detect,
)
from indices.services.imports.layouts.long import long_parse
from indices.services.imports.layouts.transposed import transposed_parse
from indices.services.imports.layouts.wide import wide_parse

PARSERS: dict[str, Callable[[ParseContext, Layout], None]] = {
    WIDE: wide_parse,
    TRANSPOSED: transposed_parse,
    LONG: long_parse,
}

__all__ = ["PARSERS", "Layout", "layout_detect"]

"""What the export commands share: finding the edition and printing rows as CSV or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError

from indices.models import IndexEdition

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


def edition_for_command(*, index: str, year: int, level: str | None) -> IndexEdition:
    edition = IndexEdition.objects.filter(index__code=index.upper(), year=year).first()
    if edition is None or (level and level != edition.level):
        raise CommandError(f"Không có kỳ {index} {year} ở cấp này.")
    return edition


def _text(value: Any) -> Any:
    """Rounded figures are Decimals: printed as written ("66.20"), never through a float."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def write_rows(
    out: SupportsWrite[str], rows: list[dict[str, Any]], columns: Sequence[str], fmt: str
) -> None:
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1, default=_text))
        return
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else _text(v) for k, v in row.items()})

"""Fast bulk loading: COPY on PostgreSQL, bulk_create elsewhere (SQLite, the embedded default)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

NULL = "\\N"


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows (tuples in the order of `fields`, attribute names such as "unit_id") in one
    COPY on PostgreSQL. None is NULL; booleans and numbers are written as PostgreSQL reads them."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
    columns = [
        model._meta.get_field(f.removesuffix("_id") if f.endswith("_id") else f).column
        for f in fields
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for row in rows:
        writer.writerow(
            [NULL if v is None else ("t" if v is True else "f" if v is False else v) for v in row]
        )
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {model._meta.db_table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",
            buffer,
        )
    return count

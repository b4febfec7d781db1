"""Fast bulk loading: COPY on PostgreSQL, bulk_create elsewhere (SQLite, the embedded default)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from django.db import connection, models

NULL = "\\N"


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows (tuples in the order of `fields`, attribute names such as "unit_id") in one
    COPY on PostgreSQL. None is NULL; booleans and numbers are written as PostgreSQL reads them."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    columns = _columns(model, fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for row in rows:
        writer.writerow(
            [NULL if v is None else ("t" if v is True else "f" if v is False else v) for v in row]
        )
        count += 1
    if count:
        _copy_in(model, columns, buffer)
    return count


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    """The table's column names of the fields ("unit_id" is the foreign key "unit")."""
    columns = []
    for name in fields:
        field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        if not isinstance(field, models.Field) or field.column is None:
            raise TypeError(f"{name} is not a column of {model._meta.db_table}")
        columns.append(field.column)
    return columns


def _copy_in(model: type[models.Model], columns: Sequence[str], buffer: io.StringIO) -> None:
    buffer.seek(0)
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {model._meta.db_table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",
            buffer,
        )


def read_frame(sql: str, params: Sequence[Any], columns: Sequence[str]) -> Any:
    """Rows of a query as a DataFrame: COPY … TO STDOUT and pandas' C parser on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = cursor.mogrify(sql, params).decode()
            buffer = io.StringIO()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
            buffer.seek(0)
            if not buffer.getvalue():
                return pd.DataFrame(columns=list(columns))
            return pd.read_csv(
                buffer,
                header=None,
                names=list(columns),
                keep_default_na=False,
                na_values=[""],
                dtype=str,
            )
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=list(columns))

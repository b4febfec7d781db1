"""Fast bulk loading: COPY on PostgreSQL, bulk_create elsewhere (SQLite, the embedded default).

COPY reads PostgreSQL's text format: fields separated by tabs, NULL written \\N, and backslash,
tab, newline and carriage return escaped in the data, so any text arrives as it was: a group
published as "\\N" is those two characters, not NULL; a tab or a line break inside a value
does not start a field or a row."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from django.db import connection, models

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(value: Any) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL: refuse before the database does, mid-COPY.
        raise ValueError(f"a value holds a NUL character: {text[:40]!r}")
    return text.translate(_ESCAPES)


def copy_line(row: Sequence[Any]) -> str:
    """One row in COPY's text format, with its newline. Plain rows (no backslash, tab or line
    break in a value, the common case) are joined directly; the others field by field."""
    line = "\t".join(
        [NULL if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in row]
    )
    # Each NULL brings one backslash and the joins len(row) - 1 tabs: anything more is data.
    if (
        "\n" in line
        or "\r" in line
        or "\x00" in line
        or line.count("\t") != len(row) - 1
        or line.count("\\") != row.count(None)
    ):
        line = "\t".join([_escaped(v) for v in row])
    return line + "\n"


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows (tuples in the order of `fields`, attribute names such as "unit_id") in one
    COPY on PostgreSQL. None is NULL; booleans and numbers are written as PostgreSQL reads them;
    text of any content is escaped (a NUL character, which PostgreSQL cannot store, raises
    ValueError)."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    columns = _columns(model, fields)
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write(copy_line(row))
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
        cursor.copy_expert(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN", buffer)


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

"""On PostgreSQL, result rows live in one partition per (run, edition): a rebuild fills a fresh
table without indexes, and attaching it builds them in bulk; the previous generation is dropped
as a table instead of deleted row by row. Rows written by the ORM, and those of earlier
versions, go to the default partition. SQLite keeps the plain table."""

from django.db import migrations

TABLE = "indices_rankresult"
INDEXES = {
    "indices_ran_edition_6e659b_idx": "(edition_id, run_id, component_code)",
    "indices_ran_unit_id_eb8e87_idx": "(unit_id, run_id)",
}


def _index_sql(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD CONSTRAINT result_unique "
        "UNIQUE (run_id, edition_id, unit_id, component_code)",
        *(f"CREATE INDEX {name} ON {table} {columns}" for name, columns in INDEXES.items()),
    ]


def _set_aside(schema_editor) -> None:
    """Rename the current table and its constraint and index names out of the way."""
    run = schema_editor.execute
    run(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
    run(f"ALTER TABLE {TABLE}_old RENAME CONSTRAINT result_unique TO result_unique_old")
    for name in INDEXES:
        run(f"ALTER INDEX {name} RENAME TO {name}_old")


def _sequence(schema_editor) -> None:
    run = schema_editor.execute
    run(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
    run(
        f"SELECT setval('{TABLE}_id_seq', COALESCE((SELECT MAX(id) FROM {TABLE}), 0) + 1, false)"
    )
    run(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")


def partition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    _set_aside(schema_editor)
    run(
        f"CREATE TABLE {TABLE} (LIKE {TABLE}_old INCLUDING CONSTRAINTS) "
        "PARTITION BY RANGE (run_id, edition_id)"
    )
    for sql in _index_sql(TABLE):
        run(sql)
    run(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    run(f"INSERT INTO {TABLE} SELECT * FROM {TABLE}_old")
    run(f"DROP TABLE {TABLE}_old")
    _sequence(schema_editor)


def unpartition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    _set_aside(schema_editor)
    run(f"CREATE TABLE {TABLE} (LIKE {TABLE}_old INCLUDING CONSTRAINTS)")
    run(f"INSERT INTO {TABLE} SELECT * FROM {TABLE}_old")
    run(f"DROP TABLE {TABLE}_old")
    _sequence(schema_editor)
    run(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
    for sql in _index_sql(TABLE):
        run(sql)


class Migration(migrations.Migration):
    dependencies = [("indices", "0004_leader_and_group_bases")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]

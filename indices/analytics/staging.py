"""Where one edition's statements (`indices.analytics.statement`) write, by engine: SQLite into
the results table inside the switch transaction; PostgreSQL into a table of their own, staged
with its indexes before that transaction, which then only attaches it as the (run, edition)
partition. Builders of several editions thus run at once, and readers never wait on a build."""

from __future__ import annotations

from django.db import connection

from indices.analytics.statement import (
    RESULTS_TABLE,
    Plan,
    Statement,
    figures_statements,
    result_rows,
)
from indices.analytics.store import partition_name, partitioned
from indices.models import RankResult


def previous_source(plan: Plan) -> str | None:
    """The table holding the rows this run wrote for the previous edition, when they are there
    to be read back (checked just before the statements run): its own partition on PostgreSQL,
    which is locked only by reading it, not the whole results table."""
    if plan.previous_id is None or plan.previous_run_id is None:
        return None
    if partitioned():
        part = partition_name(plan.previous_run_id, plan.previous_id)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [part])
            return part if cursor.fetchone()[0] else None
    rows = RankResult.objects.filter(run_id=plan.previous_run_id, edition_id=plan.previous_id)
    return RESULTS_TABLE if rows.exists() else None


def results_statements(plan: Plan, run_id: int, previous: str | None) -> list[Statement]:
    """SQLite: the statements that write the edition's rows and figures for the run, in order:
    rank the scores and insert every result column, then aggregate the figures across peers."""
    return [
        result_rows(plan, run_id, RESULTS_TABLE, previous),
        *figures_statements(plan, run_id, RESULTS_TABLE),
    ]


def partition_statements(
    plan: Plan, run_id: int, previous: str | None
) -> tuple[list[Statement], list[Statement]]:
    """PostgreSQL: the statements that stage the edition's rows for the run in a table of their
    own, outside any transaction that readers or other builders wait on: create it, insert the
    rows, build the indexes the results table's partitions carry (in bulk, five times cheaper
    than maintaining them row by row), and store the figures. `attach_statement` then makes it
    the (run, edition) partition, which costs neither a scan (its CHECK implies the partition's
    bounds) nor an index build.

    Two lists: the table's creation, which reads the results table's definition (run it in a
    transaction of its own: it holds a lock that dropping an old partition waits for), and the
    statements that fill it, which touch no other partition than `previous`."""
    part = partition_name(run_id, plan.edition_id)
    run, edition = int(run_id), int(plan.edition_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid), c.contype FROM pg_index i "
            "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass ORDER BY i.indexrelid",
            [RESULTS_TABLE],
        )
        definitions = cursor.fetchall()
    indexes: list[Statement] = []
    # The attach adopts an index that matches the parent's, and one behind a constraint only
    # if it is behind the same kind of constraint.
    kinds = {"u": "UNIQUE", "p": "PRIMARY KEY"}
    for number, (definition, constraint) in enumerate(definitions):
        name = f"{part}_i{number}"
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        method = definition[definition.index(" USING ") :]
        indexes.append((f"CREATE {unique}INDEX {name} ON {part}{method}", []))
        if constraint in kinds:
            indexes.append(
                (
                    f"ALTER TABLE {part} ADD CONSTRAINT {name} {kinds[constraint]} "
                    f"USING INDEX {name}",
                    [],
                )
            )
    create: list[Statement] = [
        (f"DROP TABLE IF EXISTS {part}", []),
        (
            f"CREATE TABLE {part} (LIKE {RESULTS_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
            f"CHECK (run_id = {run} AND edition_id = {edition}))",
            [],
        ),
    ]
    return create, [
        result_rows(plan, run_id, part, previous),
        *indexes,
        *figures_statements(plan, run_id, part),
    ]


def attach_statement(plan: Plan, run_id: int) -> Statement:
    """PostgreSQL: the staged table becomes the (run, edition) partition of the results."""
    run, edition = int(run_id), int(plan.edition_id)
    return (
        f"ALTER TABLE {RESULTS_TABLE} ATTACH PARTITION {partition_name(run_id, edition)} "
        f"FOR VALUES FROM ({run}, {edition}) TO ({run}, {edition + 1})",
        [],
    )

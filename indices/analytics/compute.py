"""One edition's results, computed set-based in the database (see `statement`), and the status of
its targets over the rows just written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import ProgrammingError, connection, transaction

from indices.analytics.inputs import EditionContext, edition_context
from indices.analytics.staging import (
    attach_statement,
    partition_statements,
    previous_source,
    results_statements,
)
from indices.analytics.statement import RESULTS_TABLE, Plan, edition_plan
from indices.analytics.store import partition_name, partitioned
from indices.analytics.targets import Figures, target_results
from indices.models import ComponentFigures, IndexEdition, RankResult, Score, Target

# What target statuses read of a result row.
TARGET_COLUMNS = [
    "unit_id",
    "component_code",
    "state",
    "value",
    "display_rank",
    "basis",
    "rank_basis",
    "group",
    "published_group",
]


@dataclass
class EditionResults:
    """One edition's results, ready to be written for a run inside the switch transaction."""

    ctx: EditionContext
    plan: Plan
    written: int = 0
    _figures: dict[tuple[int, int, str], Figures] = field(default_factory=dict)

    def stage(self, run_id: int) -> None:
        """PostgreSQL: compute and store the edition's rows for the run in a table of their own,
        before the switch transaction (which then only attaches it), so builders of other
        editions run at the same time. SQLite writes everything in `write`."""
        if not partitioned():
            return
        previous = previous_source(self.plan)
        try:
            self._stage_from(run_id, previous)
        except ProgrammingError:
            if previous is None:
                raise
            # The previous edition's rows went between the check and the read (another run
            # replaced them): compute its figures from its scores instead.
            self._stage_from(run_id, None)

    def _stage_from(self, run_id: int, previous: str | None) -> None:
        part = partition_name(run_id, self.plan.edition_id)
        create, fill = partition_statements(self.plan, run_id, previous)
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params in create:
                cursor.execute(sql, params)
        with transaction.atomic(), connection.cursor() as cursor:
            _session_settings(cursor)
            for sql, params in fill:
                cursor.execute(sql, params)
                if sql.startswith(f"INSERT INTO {part} "):
                    self.written = cursor.rowcount
            self._store_ladder(run_id, part)

    def write(self, run_id: int) -> int:
        """Inside the switch transaction: make the rows the run's own (PostgreSQL: attach the
        staged table; SQLite: insert them); the number of rows written."""
        with connection.cursor() as cursor:
            if partitioned():
                cursor.execute(*attach_statement(self.plan, run_id))
                return self.written
            previous = previous_source(self.plan)
            for sql, params in results_statements(self.plan, run_id, previous):
                cursor.execute(sql, params)
                if sql.startswith(f"INSERT INTO {RESULTS_TABLE} "):
                    self.written = cursor.rowcount
        self._store_ladder(run_id, RESULTS_TABLE)
        return self.written

    def _store_ladder(self, run_id: int, table: str) -> None:
        """The sorted real totals, on the total's figures (the rank a value would reach)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE run_id = %s AND edition_id = %s "  # noqa: S608
                "AND component_code = '' AND state = %s ORDER BY value",
                [run_id, self.plan.edition_id, Score.State.VALUE],
            )
            ladder = [row[0] for row in cursor.fetchall()]
        ComponentFigures.objects.filter(
            run_id=run_id, edition_id=self.plan.edition_id, component_code=""
        ).update(ladder=ladder)

    def targets(self, run_id: int) -> list[dict[str, Any]]:
        """The status of every target in this edition, from the rows the run has written."""
        if not self.written or not self.ctx.targets:
            return []
        codes = {t.component_code for t in self.ctx.targets}
        rows = RankResult.objects.filter(
            run_id=run_id, edition=self.ctx.edition, component_code__in=codes
        ).values_list(*TARGET_COLUMNS)
        frame = pd.DataFrame.from_records(list(rows), columns=TARGET_COLUMNS)
        return target_results(self.ctx, frame, self._figures_in)

    def _figures_in(self, target: Target, year: int) -> Figures:
        key = (year, target.unit_id, target.component_code)
        if key not in self._figures:
            self._figures[key] = figures_in_year(target, self.ctx, year)
        return self._figures[key]


def figures_in_year(target: Target, ctx: EditionContext, year: int) -> Figures:
    """The unit's value and shown rank on the target's component in another edition: the
    published rank of a total when there is one, otherwise its competition rank."""
    scores = Score.objects.filter(edition__index=ctx.edition.index, edition__year=year)
    if target.component_code:
        scores = scores.filter(component__code=target.component_code)
    else:
        scores = scores.filter(component__isnull=True)
    score = scores.filter(unit_id=target.unit_id, state=Score.State.VALUE).first()
    if score is None or score.value is None:
        return None, None
    if not target.component_code and score.published_rank is not None:
        return float(score.value), float(score.published_rank)
    above = scores.filter(state=Score.State.VALUE, value__gt=score.value).count()
    return float(score.value), float(above + 1)


def _session_settings(cursor: Any) -> None:
    """PostgreSQL, for the staging transaction: sorts of a national edition (400,000 rows) and
    its index builds stay in memory; JIT compiling the statements costs more than it saves; rows
    just written have no statistics yet, so joins with them go by hash, never by sorting both
    sides."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL enable_mergejoin = off")


def edition_results(edition: IndexEdition, built: dict[int, int] | None = None) -> EditionResults:
    """What the edition's results depend on, read now; `built` names the editions this run has
    already written (their rows serve as the previous edition's)."""
    ctx = edition_context(edition)
    return EditionResults(ctx=ctx, plan=edition_plan(ctx, built_by_run=built))

"""Writing a run's result rows for an edition and switching readers to them in one transaction.

The columns written are RankResult's own (every concrete field but the primary key), and each
column's kind (whole number, decimal, flag or text) comes from its field class, so a field added
to the model is written without a list to keep in step."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.db import connection, models, transaction

from indices.models import (
    AnalysisRun,
    AnalyticsGeneration,
    ComponentFigures,
    EditionAnalysis,
    IndexEdition,
    RankResult,
    RegionFigures,
    TargetResult,
)

logger = logging.getLogger(__name__)

_FIELDS = [f for f in RankResult._meta.concrete_fields if not f.primary_key]
RESULT_FIELDS: list[str] = [f.attname for f in _FIELDS]
RESULT_COLUMNS: list[str] = [f.column for f in _FIELDS]
INT_FIELDS = frozenset(
    f.attname for f in _FIELDS if isinstance(f, models.IntegerField | models.ForeignKey)
)
FLOAT_FIELDS = frozenset(f.attname for f in _FIELDS if isinstance(f, models.FloatField))
BOOL_FIELDS = frozenset(f.attname for f in _FIELDS if isinstance(f, models.BooleanField))
TEXT_FIELDS = frozenset(f.attname for f in _FIELDS if isinstance(f, models.CharField))
# Stored figures keep four decimals: more than any index publishes (the rounding readers see is
# the edition's own, applied when shown).
STORED_DECIMALS = 4


class SwitchableResults(Protocol):
    """An edition's computed results, written for a run inside the switch transaction."""

    def stage(self, run_id: int) -> None: ...

    def write(self, run_id: int) -> int: ...

    def targets(self, run_id: int) -> list[dict[str, Any]]: ...


def partition_name(run_id: int, edition_id: int) -> str:
    """PostgreSQL: the table that holds one run's rows for one edition (see migration 0005)."""
    return f"{RankResult._meta.db_table}_r{int(run_id)}_e{int(edition_id)}"


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def results_drop(edition_id: int, run_id: int) -> None:
    """Remove one run's rows for an edition. On PostgreSQL its partition is dropped as a table,
    and rows written by the ORM or by earlier versions are deleted from the default partition
    by name: a DELETE through the results table would lock every partition, among them one
    that another builder is attaching while it waits to drop an old one (a deadlock)."""
    if partitioned():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {partition_name(run_id, edition_id)}")
            cursor.execute(
                f"DELETE FROM {RankResult._meta.db_table}_default "  # noqa: S608
                "WHERE edition_id = %s AND run_id = %s",
                [edition_id, run_id],
            )
    else:
        RankResult.objects.filter(edition_id=edition_id, run_id=run_id).delete()
    ComponentFigures.objects.filter(edition_id=edition_id, run_id=run_id).delete()
    RegionFigures.objects.filter(edition_id=edition_id, run_id=run_id).delete()


def _lock_results() -> None:
    """PostgreSQL: switches take the results table's lock first, so that two of them never
    hold a read lock on it while each waits to attach or drop a partition (a deadlock)."""
    if partitioned():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {RankResult._meta.db_table} IN SHARE UPDATE EXCLUSIVE MODE")


def _discard(edition_id: int, run_id: int) -> None:
    """Remove rows staged for a switch that did not happen; a failure here (the database gone)
    must not hide the one that stopped the switch. Rows left behind are never read (no pointer
    names their run) and the next attempt removes them."""
    try:
        results_drop(edition_id, run_id)
    except Exception:
        logger.exception("could not remove run %s's staged rows of edition %s", run_id, edition_id)


def generation_switch(
    edition: IndexEdition, run: AnalysisRun, version: int, results: SwitchableResults
) -> int:
    """Compute this run's rows, then point readers at them in one short transaction; the
    previous generation is removed after the switch, in the same transaction. Returns the rows
    written: none when a result built from newer data is already served.

    The rows are staged before the transaction (so builders of other editions run meanwhile),
    unless the rows served are already this run's (the edition changed while the run built it):
    those are replaced inside the transaction, so readers never see them missing."""
    served = EditionAnalysis.objects.filter(edition=edition).values_list("run_id", flat=True)
    early = served.first() != run.pk
    try:
        if early:
            results_drop(edition.pk, run.pk)  # a previous attempt's, never served
            results.stage(run.pk)
        with transaction.atomic():
            _lock_results()
            pointer = EditionAnalysis.objects.select_for_update().get(edition=edition)
            if pointer.run_id is not None and pointer.built_version > version:
                raise _NewerServed
            if not early:
                results_drop(edition.pk, run.pk)
                results.stage(run.pk)
            written = results.write(run.pk)
            old_run = pointer.run_id
            pointer.run = run
            pointer.built_version = version
            pointer.covered = RankResult.objects.filter(
                edition=edition, run=run, component_code=""
            ).count()
            pointer.save(update_fields=["run", "built_version", "covered"])
            TargetResult.objects.filter(edition=edition, run=run).delete()
            TargetResult.objects.bulk_create(
                TargetResult(run=run, edition=edition, **fields)
                for fields in results.targets(run.pk)
            )
            if old_run and old_run != run.pk:
                results_drop(edition.pk, old_run)
                TargetResult.objects.filter(edition=edition, run_id=old_run).delete()
            generation, _created = AnalyticsGeneration.objects.select_for_update().get_or_create(
                pk=1
            )
            generation.number += 1
            generation.save(update_fields=["number"])
    except _NewerServed:
        if early:
            _discard(edition.pk, run.pk)
        return 0
    except BaseException:
        if early:
            _discard(edition.pk, run.pk)
        raise
    return written


class _NewerServed(Exception):
    """A result built from newer data is already served: this one is not switched in."""

"""Writing a run's result rows for an edition and switching readers to them in one transaction.

The columns written are RankResult's own (every concrete field but the primary key), and each
column's kind (whole number, decimal, flag or text) comes from its field class, so a field added
to the model is written without a list to keep in step."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models, transaction

from indices.models import (
    AnalysisRun,
    AnalyticsGeneration,
    EditionAnalysis,
    IndexEdition,
    RankResult,
    TargetResult,
)

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


class EditionResults(Protocol):
    """An edition's computed results, written for a run inside the switch transaction."""

    def write(self, run_id: int) -> int: ...

    def targets(self, run_id: int) -> list[dict[str, Any]]: ...


def generation_switch(
    edition: IndexEdition, run: AnalysisRun, version: int, results: EditionResults
) -> int:
    """Write this run's rows and point readers at them, in one transaction; the previous
    generation is removed after the switch, in the same transaction. Returns the rows written:
    none when a result built from newer data is already served."""
    with transaction.atomic():
        pointer = EditionAnalysis.objects.select_for_update().get(edition=edition)
        if pointer.run_id is not None and pointer.built_version > version:
            return 0  # a newer result is already served
        RankResult.objects.filter(edition=edition, run=run).delete()  # a previous attempt's rows
        written = results.write(run.pk)
        old_run = pointer.run_id
        pointer.run = run
        pointer.built_version = version
        pointer.save(update_fields=["run", "built_version"])
        TargetResult.objects.filter(edition=edition, run=run).delete()
        TargetResult.objects.bulk_create(
            TargetResult(run=run, edition=edition, **fields) for fields in results.targets(run.pk)
        )
        if old_run and old_run != run.pk:
            RankResult.objects.filter(edition=edition, run_id=old_run).delete()
            TargetResult.objects.filter(edition=edition, run_id=old_run).delete()
        generation, _created = AnalyticsGeneration.objects.select_for_update().get_or_create(pk=1)
        generation.number += 1
        generation.save(update_fields=["number"])
    return written

"""The import pipeline's writes: stage an upload, commit it all-or-nothing, restore a batch."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext, ngettext

from audit.services import audit_import
from indices.analytics.queue import analysis_request, editions_touch
from indices.models import Basis, ImportBatch, Index, IndexEdition, Score
from indices.services.imports.checks import dropped_units
from indices.services.imports.parsing import parse_edition_file
from indices.services.imports.results import DroppedUnit, ParseResult
from tabular.bulk import copy_rows
from tabular.cells import Cell
from tabular.problems import Problem
from tabular.reading import UnreadableFile, read_spreadsheet

STATE_OF_CELL = {
    "value": Score.State.VALUE,
    "not_published": Score.State.NOT_PUBLISHED,
    "not_available": Score.State.NOT_AVAILABLE,
}


class ImportRejected(Exception):
    """The file has errors; nothing was written. `result` holds every problem."""

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        count = len(result.errors)
        super().__init__(ngettext("%(n)s lỗi", "%(n)s lỗi", count) % {"n": count})


class ConfirmationRequired(Exception):
    """The file leaves out units that have stored values in the edition; committing it would
    remove them. Nothing was written: the caller must confirm (allow_missing=True)."""

    def __init__(self, result: ParseResult, dropped: list[DroppedUnit]) -> None:
        self.result = result
        self.dropped = dropped
        names = ", ".join(d.unit.display_name for d in dropped[:10])
        more = "…" if len(dropped) > 10 else ""
        super().__init__(
            gettext(
                "Tệp mới không có %(n)s đơn vị đang có giá trị lưu trữ (%(names)s); cần xác "
                "nhận xóa giá trị của các đơn vị này trước khi ghi. Chưa ghi dữ liệu nào."
            )
            % {"n": len(dropped), "names": names + more}
        )


@dataclass
class ImportOutcome:
    result: ParseResult
    batch: ImportBatch | None = None
    unchanged: bool = False
    committed: bool = False

    @property
    def current_batch(self) -> ImportBatch:
        """The edition's batch after the import: the new one, or the identical earlier one that
        made it `unchanged`. Only a dry run has none."""
        if self.batch is None:
            raise ValueError("a dry run keeps no batch")
        return self.batch


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scores_preview(
    *, edition: IndexEdition, data: bytes, filename: str, overrides: dict[str, str] | None = None
) -> ParseResult:
    """Read and validate a file for an edition. Writes nothing. An unreadable file comes back as
    a result with one error rather than an exception."""
    try:
        sheets = read_spreadsheet(data=data, filename=filename)
    except UnreadableFile as error:
        result = ParseResult()
        result.problems.append(Problem("error", str(error)))
        return result
    return parse_edition_file(edition=edition, sheets=sheets, overrides=overrides)


def current_batch(*, edition: IndexEdition) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(edition=edition, status=ImportBatch.Status.COMMITTED)
        .order_by("-committed_at", "-pk")
        .first()
    )


SCORE_FIELDS = [
    "unit_id",
    "edition_id",
    "component_id",
    "state",
    "value",
    "decimals",
    "published_rank",
    "published_group",
    "batch_id",
    "basis",
    "source",
]


def score_basis(edition: IndexEdition) -> str:
    """What an imported file is: the publisher's figures, or the province's own scoring."""
    return Basis.INTERNAL if edition.index.kind == Index.Kind.INTERNAL else Basis.PUBLISHED


def _score_rows(result: ParseResult, edition: IndexEdition, batch: ImportBatch):
    """Plain tuples in SCORE_FIELDS order (no model instances: 200,000 of them are slow)."""
    basis = score_basis(edition)
    component_ids = dict(edition.components.values_list("code", "pk"))
    not_published = Cell("not_published")
    for record in result.records:
        values = record.values
        if None not in values and (record.rank is not None or record.group):
            values = {**values, None: not_published}
        for code, cell in values.items():
            is_total = code is None
            has_value = cell.state == "value"
            yield (
                record.unit.pk,
                edition.pk,
                None if code is None else component_ids[code],
                STATE_OF_CELL[cell.state],
                cell.value if has_value else None,
                cell.decimals if has_value else 0,
                record.rank if is_total else None,
                record.group if is_total else "",
                batch.pk,
                basis,
                "",
            )
    if edition.published_top_n:
        # Publishers list only their top N (PCI from 2023): the rest are "not published".
        for unit in result.missing_units:
            yield (
                unit.pk,
                edition.pk,
                None,
                Score.State.NOT_PUBLISHED,
                None,
                0,
                None,
                "",
                batch.pk,
                basis,
                "",
            )


def _write(
    *, edition: IndexEdition, batch: ImportBatch, result: ParseResult, mapping: dict[str, str]
) -> None:
    ImportBatch.objects.filter(edition=edition, status=ImportBatch.Status.COMMITTED).exclude(
        pk=batch.pk
    ).update(status=ImportBatch.Status.SUPERSEDED)
    Score.objects.filter(edition=edition).delete()
    copy_rows(Score, SCORE_FIELDS, _score_rows(result, edition, batch))
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = dt.datetime.now(tz=dt.UTC)
    batch.rows = len(result.records)
    batch.units_matched = len({r.unit.pk for r in result.records})
    batch.values = result.value_count
    batch.mapping = mapping
    batch.warnings = [p.as_dict() for p in result.problems if p.severity != "error"]
    batch.errors = []
    batch.save()
    if edition.status == IndexEdition.Status.PLANNED:
        # An edition started for this import (edition_start) waits as planned until the
        # publisher's results are written: from now on readers see it.
        edition.status = IndexEdition.Status.PUBLISHED
        edition.save(update_fields=["status"])
    editions_touch(edition_ids=[edition.pk])
    analysis_request(edition_ids=[edition.pk], trigger="import", batch_id=batch.pk)


def scores_import(
    *,
    edition: IndexEdition,
    data: bytes,
    filename: str,
    user: Any = None,
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
    staged: ImportBatch | None = None,
    source_note: str = "",
    allow_missing: bool = False,
) -> ImportOutcome:
    """Validate and commit a file to an edition in one transaction.

    All-or-nothing: any error raises ImportRejected and nothing is written. Idempotent: the
    same file with the same mapping as the edition's current batch changes nothing
    (`unchanged`). A different file replaces the edition's scores as a new batch; the previous
    batch is kept (superseded) and can be restored. The analytics rebuild is queued after commit.

    A file that leaves out units with stored values would remove those values: unless
    `allow_missing` confirms it, ConfirmationRequired is raised and nothing is written.
    """
    result = scores_preview(edition=edition, data=data, filename=filename, overrides=overrides)
    if result.errors:
        if staged:
            staged.errors = [p.as_dict() for p in result.errors]
            staged.save(update_fields=["errors"])
        raise ImportRejected(result)
    if dry_run:
        return ImportOutcome(result=result)
    digest = sha256_of(data)
    mapping = result.mapping | {"__layout__": result.layout}
    with transaction.atomic():
        # One import per edition at a time: the row lock serialises concurrent commits.
        IndexEdition.objects.select_for_update().get(pk=edition.pk)
        existing = current_batch(edition=edition)
        if existing and existing.sha256 == digest and existing.mapping == mapping:
            if staged and staged.pk != existing.pk:
                staged.delete()
            return ImportOutcome(result=result, batch=existing, unchanged=True)
        # Checked again under the lock: the preview may be older than the stored values.
        present = {record.unit.pk for record in result.records}
        dropped = dropped_units(edition=edition, present=present)
        if dropped and not allow_missing:
            raise ConfirmationRequired(result, dropped)
        batch = staged or import_stage(
            edition=edition, data=data, filename=filename, user=user, source_note=source_note
        )
        audit_import(batch=batch, user=user, restore=batch.committed_at is not None)
        _write(edition=edition, batch=batch, result=result, mapping=mapping)
    return ImportOutcome(result=result, batch=batch, committed=True)


@transaction.atomic
def import_stage(
    *, edition: IndexEdition, data: bytes, filename: str, user: Any, source_note: str = ""
) -> ImportBatch:
    """Keep an upload (stored under its hash, not its name) for preview and a later commit."""
    digest = sha256_of(data)
    batch = ImportBatch(
        edition=edition,
        level=edition.level,
        original_name=PurePath(filename).name,
        sha256=digest,
        status=ImportBatch.Status.PREVIEWED,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        source_note=source_note,
    )
    batch.file.save(
        f"{digest[:16]}{PurePath(filename).suffix.lower()}", ContentFile(data), save=False
    )
    batch.save()
    return batch


def batch_data(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as handle:
        return handle.read()


def import_restore(
    *, batch: ImportBatch, user: Any = None, allow_missing: bool = False
) -> ImportOutcome:
    """Make a superseded batch current again, from its stored file and mapping. Like any
    import, it asks for confirmation before removing the values of units its file lacks."""
    overrides = dict(batch.mapping)
    return scores_import(
        edition=batch.edition,
        data=batch_data(batch),
        filename=batch.original_name,
        user=user,
        overrides=overrides,
        staged=batch,
        allow_missing=allow_missing,
    )

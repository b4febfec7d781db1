"""Importing the spreadsheets of `tests/fixtures/` (and the publishers' tables the portal ships)
into the reference catalogue's editions, and reading back what an import left."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from indices.models import ImportBatch, IndexEdition, Score
from indices.services.imports.service import ImportOutcome, ImportRejected, scores_import
from tests.leagues import edition_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PUBLISHED = Path(settings.BASE_DIR) / "indices" / "data" / "published"


def snapshot(edition: IndexEdition) -> list[tuple]:
    """Every score of the edition, comparable before and after an import."""
    return sorted(
        Score.objects.filter(edition=edition).values_list(
            "unit_id", "component_id", "state", "value", "published_rank", "published_group"
        ),
        key=str,
    )


def import_fixture(name: str, code: str = "PCI", year: int = 2021, **kwargs) -> ImportOutcome:
    # The fixtures are excerpts of the publishers' tables, imported over whatever the edition
    # holds: leaving units out is confirmed here; the tests of that confirmation call
    # scores_import themselves.
    kwargs.setdefault("allow_missing", True)
    data = (FIXTURES / name).read_bytes()
    return scores_import(edition=edition_of(code, year), data=data, filename=name, **kwargs)


def errors_of(name: str, code: str = "PCI", year: int = 2021) -> list[str]:
    """The lines a refused import prints, after checking that it changed nothing."""
    edition = edition_of(code, year)
    before = snapshot(edition)
    batches = ImportBatch.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_fixture(name, code, year)
    assert snapshot(edition) == before, "a failed import must change nothing"
    assert ImportBatch.objects.count() == batches
    return [p.as_line() for p in rejected.value.result.errors]


def values_of(edition: IndexEdition, unit_code: str) -> dict[str | None, Decimal]:
    """A unit's values in the edition by component code (None for the total)."""
    scores = Score.objects.filter(edition=edition, unit__code=unit_code, state="value")
    return dict(scores.values_list("component__code", "value"))

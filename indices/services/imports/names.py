"""The admin's answer to a unit name a file writes that matches no unit: one of the suggested
units, kept as that unit's alias so this and every later import read the name the same way."""

from __future__ import annotations

from django.db import transaction

from indices.models import ImportBatch
from units.models import Unit, UnitAlias
from units.services import alias_add


@transaction.atomic
def unmatched_names_resolve(*, batch: ImportBatch, choices: dict[str, Unit]) -> list[UnitAlias]:
    """Save each chosen name → unit as an alias of the unit, noting the import it came from.
    Idempotent: a name already kept for the unit is reused."""
    source = f"Lần nhập #{batch.pk}: {batch.original_name}"[:200]
    return [alias_add(unit=unit, name=name, source=source) for name, unit in choices.items()]

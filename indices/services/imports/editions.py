"""A new edition started from the import page: the index's previous methodology copied to a
new year, so results published for a year the catalogue does not hold yet can be imported
without the Django admin."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from indices.models import LEVEL_UNIT_KINDS, Index, IndexEdition
from indices.services.catalogue import edition_copy
from units.models import Unit


def edition_previous(*, index: Index, year: int) -> IndexEdition | None:
    """The latest edition of the index before `year` that was held: the methodology a new
    edition starts from (a year without an assessment has no scores to follow)."""
    return (
        index.editions.filter(year__lt=year)
        .exclude(status=IndexEdition.Status.NOT_RUN)
        .order_by("-year")
        .first()
    )


def edition_start_defaults(*, index: Index, year: int) -> dict[str, object]:
    """What the form proposes: the year's last day as the reference date, and the previous
    edition's "top N only" (PCI publishes only its top 30 since 2023)."""
    previous = edition_previous(index=index, year=year)
    return {
        "reference_date": dt.date(year, 12, 31),
        "published_top_n": previous.published_top_n if previous else None,
    }


def level_unit_count(*, edition: IndexEdition, on_date: dt.date) -> int:
    """How many units of the edition's level exist on a date (the most a "top N" can be)."""
    kinds = LEVEL_UNIT_KINDS[edition.level]
    return Unit.objects.valid_on(on_date).filter(kind__in=kinds).count()


@transaction.atomic
def edition_start(
    *,
    index: Index,
    year: int,
    reference_date: dt.date,
    published_top_n: int | None,
) -> IndexEdition:
    """A new edition of `index` for `year` with the previous edition's methodology: its level,
    scale, bounds, aggregation, decimals and component tree (codes, names, weights, points,
    column aliases). The rating scheme and its bands belong to the index and carry over as
    they are. The edition is planned until an import writes its results."""
    previous = edition_previous(index=index, year=year)
    if previous is None:
        raise ValidationError(
            gettext_lazy("%(index)s chưa có kỳ nào trước năm %(year)s để sao chép phương pháp."),
            params={"index": index.short_name, "year": year},
        )
    return edition_copy(
        source=previous,
        year=year,
        reference_date=reference_date,
        published_top_n=published_top_n,
        # The province publishes its own scoring when it decides to, edition by edition.
        published_internally=False,
        data_version=0,
        notes=f"Phương pháp sao chép từ kỳ {previous}.",
    )

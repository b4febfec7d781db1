"""Golden tests: the database engine (`indices.analytics.compute`: window functions, one statement
per step) writes the same rows and target statuses as the pandas engine it replaced
(`tests.reference_engine`), every column of every row, on the demo data and on the real PAPI and PCI
tables, on SQLite and PostgreSQL.

Whole numbers, flags, bases and notes are equal. Figures are equal to the stored four decimals
within one unit of the last: a mean summed in another order can land on the other side of a
half (a region's mean in PAPI), far below the two decimals any index publishes."""

import pytest

from indices.analytics.runs import analysis_rebuild
from indices.models import IndexEdition, TargetResult
from indices.services.imports.service import scores_import
from tests.golden import FIXTURES, assert_same, published_editions

pytestmark = pytest.mark.demo


@pytest.mark.django_db
def test_a_full_rebuild_of_the_demo_data_equals_the_pandas_engine():
    """Editions built in order: each compares with the previous edition's rows just written."""
    run = analysis_rebuild(edition_ids=None, trigger="admin")
    editions = published_editions()
    assert run.editions_built == len(editions) > 10
    assert TargetResult.objects.filter(run=run).exists()
    assert_same(run, editions)


@pytest.mark.django_db
def test_each_demo_edition_rebuilt_alone_equals_the_pandas_engine():
    """Alone, an edition computes its previous edition's ranks from the scores."""
    for edition in published_editions():
        run = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
        assert_same(run, [edition])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "code", "year"),
    [
        ("pci_2021_published.xlsx", "PCI", 2021),
        ("papi_2019_dimensions_by_province.xlsx", "PAPI", 2019),
        ("papi_2020_transposed.xlsx", "PAPI", 2020),
    ],
)
def test_the_real_papi_and_pci_tables_give_the_same_rows(name, code, year):
    edition = IndexEdition.objects.get(index__code=code, year=year)
    scores_import(
        edition=edition,
        data=(FIXTURES / name).read_bytes(),
        filename=name,
        allow_missing=True,
    )
    following = IndexEdition.objects.filter(index=edition.index, year__gte=year).order_by("year")
    run = analysis_rebuild(edition_ids=[e.pk for e in following], trigger="admin")
    assert_same(run, list(following.filter(scores__isnull=False).distinct()))

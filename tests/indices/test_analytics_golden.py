"""Golden tests: the database engine (`indices.analytics.compute`: window functions, one statement
per step) writes the same rows and target statuses as the pandas engine it replaced
(`compute_pandas`), every column of every row, on the demo data and on the real PAPI and PCI
tables, on SQLite and PostgreSQL.

Whole numbers, flags, bases and notes are equal. Figures are equal to the stored four decimals
within one unit of the last: a mean summed in another order can land on the other side of a
half (a region's mean in PAPI), far below the two decimals any index publishes."""

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from indices.analytics import compute_pandas
from indices.analytics.peers import DERIVED_FIELDS, DERIVED_FLOATS, with_figures
from indices.analytics.runs import analysis_rebuild
from indices.analytics.store import FLOAT_FIELDS, RESULT_FIELDS
from indices.models import AnalysisRun, IndexEdition, RankResult, TargetResult
from indices.services.imports.service import scores_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STORED_UNIT = 1e-4
KEY = ("unit_id", "component_code")
# What a reader sees of a row: the stored columns and the figures derived when it is read.
READ_FIELDS = [*RESULT_FIELDS, *DERIVED_FIELDS]
READ_FLOATS = FLOAT_FIELDS | set(DERIVED_FLOATS)

pytestmark = pytest.mark.demo


def _published_editions() -> list[IndexEdition]:
    return list(
        IndexEdition.objects.filter(status="published", scores__isnull=False)
        .distinct()
        .order_by("index__order", "index_id", "year")
    )


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _expected(edition: IndexEdition, run_id: int) -> tuple[dict, list[dict]]:
    frame, targets = compute_pandas.edition_results(edition)
    if frame.empty:
        return {}, []
    prepared = compute_pandas.results_prepared(frame, run_id)
    rows = {}
    for record in prepared.to_dict("records"):
        row = {name: _plain(record[name]) for name in READ_FIELDS}
        rows[tuple(row[k] for k in KEY)] = row
    return rows, targets


def _differences(edition: IndexEdition, run: AnalysisRun) -> list[str]:
    expected, targets = _expected(edition, run.pk)
    actual = {
        tuple(getattr(r, k) for k in KEY): {name: getattr(r, name) for name in READ_FIELDS}
        for r in with_figures(RankResult.objects.filter(run=run, edition=edition), priorities=True)
    }
    where = f"{edition}"
    problems = []
    if set(actual) != set(expected):
        return [f"{where}: rows {sorted(set(actual) ^ set(expected))[:5]}"]
    for key, want in expected.items():
        got = actual[key]
        for name in READ_FIELDS:
            a, b = got[name], want[name]
            if name in READ_FLOATS and a is not None and b is not None:
                same = abs(a - b) <= STORED_UNIT * 1.0001
            else:
                same = a == b
            if not same:
                problems.append(f"{where} {key} {name}: database {a!r}, pandas {b!r}")
    stored = {t.target_id: t for t in TargetResult.objects.filter(run=run, edition=edition)}
    if set(stored) != {t["target_id"] for t in targets}:
        problems.append(f"{where}: targets {sorted(stored)} vs {[t['target_id'] for t in targets]}")
    for want in targets:
        got = stored.get(want["target_id"])
        for name, value in want.items():
            if got is not None and getattr(got, name) != value:
                problems.append(
                    f"{where} target {want['target_id']} {name}: {getattr(got, name)!r}, {value!r}"
                )
    return problems


def _assert_same(run: AnalysisRun, editions: list[IndexEdition]) -> None:
    problems = [p for edition in editions for p in _differences(edition, run)]
    assert not problems, "\n".join(problems[:40]) + f"\n… {len(problems)} differences"


@pytest.mark.django_db
def test_a_full_rebuild_of_the_demo_data_equals_the_pandas_engine():
    """Editions built in order: each compares with the previous edition's rows just written."""
    run = analysis_rebuild(edition_ids=None, trigger="admin")
    editions = _published_editions()
    assert run.editions_built == len(editions) > 10
    assert TargetResult.objects.filter(run=run).exists()
    _assert_same(run, editions)


@pytest.mark.django_db
def test_each_demo_edition_rebuilt_alone_equals_the_pandas_engine():
    """Alone, an edition computes its previous edition's ranks from the scores."""
    for edition in _published_editions():
        run = analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
        _assert_same(run, [edition])


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
    _assert_same(run, list(following.filter(scores__isnull=False).distinct()))

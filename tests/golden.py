"""Comparing what the database engine wrote with what the pandas engine it replaced computes
(`tests.reference_engine`): every column a reader sees, of every row, and the target
statuses. Used by the golden tests and by the integration test of parallel builders."""

from pathlib import Path
from typing import Any

import pandas as pd

from indices.analytics.peers import DERIVED_FIELDS, DERIVED_FLOATS, with_figures
from indices.analytics.store import FLOAT_FIELDS, RESULT_FIELDS
from indices.models import AnalysisRun, IndexEdition, RankResult, TargetResult
from tests import reference_engine

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STORED_UNIT = 1e-4
KEY = ("unit_id", "component_code")
# What a reader sees of a row: the stored columns and the figures derived when it is read.
READ_FIELDS = [*RESULT_FIELDS, *DERIVED_FIELDS]
READ_FLOATS = FLOAT_FIELDS | set(DERIVED_FLOATS)


def published_editions() -> list[IndexEdition]:
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
    frame, targets = reference_engine.edition_results(edition)
    if frame.empty:
        return {}, []
    prepared = reference_engine.results_prepared(frame, run_id)
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


def assert_same(run: AnalysisRun, editions: list[IndexEdition]) -> None:
    problems = [p for edition in editions for p in _differences(edition, run)]
    assert not problems, "\n".join(problems[:40]) + f"\n… {len(problems)} differences"

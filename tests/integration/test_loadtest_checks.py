"""The invariant checks of `make loadtest` (scripts/loadtest_checks.py), on made-up data: each
passes on a clean run and fails on the fault it is there to catch."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from loadtest_checks import (
    GenerationWatch,
    Import,
    ImportState,
    StoredReport,
    StoredRun,
    SubmittedReport,
    check_generations,
    check_imports,
    check_no_server_errors,
    check_reports,
    page_mixes_generations,
    percentile,
)

pytestmark = pytest.mark.integration


def _failed(checks):
    return {c.name for c in checks if not c.ok}


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 95) == 0.0


def _league_page(table: list[str], chart: list[str]) -> str:
    rows = "".join(
        f'<tr><td><a href="/don-vi/{n}/">{name}</a></td></tr>' for n, name in enumerate(table)
    )
    figure = json.dumps({"data": [{"type": "heatmap", "y": chart}]})
    return (
        f'<table class="data" id="internal-league"><tbody>{rows}</tbody></table>'
        f'<script id="heat-data" type="application/json">{figure}</script>'
    )


def test_a_league_page_whose_table_and_chart_disagree_mixes_generations():
    same = _league_page(["Tam Kỳ", "Hội An"], ["Tam Kỳ", "Hội An"])
    swapped = _league_page(["Tam Kỳ", "Hội An"], ["Hội An", "Tam Kỳ"])
    assert page_mixes_generations(same) is False
    assert page_mixes_generations(swapped) is True
    assert page_mixes_generations("<html>no league here</html>") is None


def test_reports_submitted_once_with_their_files_pass():
    submitted = [SubmittedReport(1, 10, 100, 1), SubmittedReport(2, 11, 100, 1)]
    stored = [
        StoredReport(1, 10, 100, "submitted", 1, 1),
        StoredReport(2, 11, 100, "submitted", 1, 1),
    ]
    assert not _failed(check_reports(submitted, stored))


def test_reports_checks_catch_a_double_submission_a_lost_report_and_a_duplicate_file():
    submitted = [SubmittedReport(1, 10, 100, 1), SubmittedReport(2, 11, 100, 1)]
    stored = [StoredReport(1, 10, 100, "submitted", 2, 2)]
    assert _failed(check_reports(submitted, stored)) == {
        "reports_stored_once",
        "reports_submitted_once",
        "evidence_stored_once",
    }


def test_imports_each_with_one_finished_run_pass():
    imports = [Import(5, True), Import(6, True)]
    state = ImportState(
        batches=[5, 6],
        statuses={5: "superseded", 6: "committed"},
        runs=[StoredRun(40, 5, "succeeded", 90), StoredRun(41, 6, "succeeded", 90)],
        pointer_run=41,
        generation_delta=2,
    )
    assert not _failed(check_imports(imports, state))


def test_imports_checks_catch_a_second_run_an_unfinished_run_and_stale_readers():
    imports = [Import(5, True), Import(6, True)]
    state = ImportState(
        batches=[5, 6, 7],
        statuses={5: "superseded", 6: "committed", 7: "previewed"},
        runs=[
            StoredRun(40, 5, "succeeded", 90),
            StoredRun(41, 5, "succeeded", 0),
            StoredRun(42, 6, "failed", 0),
        ],
        pointer_run=40,
        generation_delta=1,
    )
    assert _failed(check_imports(imports, state)) == {
        "imports_one_batch_each",
        "imports_one_finished_generation_each",
        "readers_on_last_import",
    }


def test_generation_checks_need_observations_and_no_mixing():
    assert not _failed(check_generations(GenerationWatch(samples=10, pages_checked=3)))
    assert _failed(check_generations(GenerationWatch())) == {
        "db_one_generation_at_a_time",
        "no_response_mixed_generations",
    }
    mixed = GenerationWatch(samples=10, mixed_samples=["pointer 4, rows of runs [3, 4]"])
    mixed.pages_checked, mixed.pages_mixed = 3, 1
    assert _failed(check_generations(mixed)) == {
        "db_one_generation_at_a_time",
        "no_response_mixed_generations",
    }


def test_server_errors_and_lost_connections_fail_the_run():
    assert check_no_server_errors([200, 302, 403, 404]).ok
    assert not check_no_server_errors([200, 502]).ok
    assert not check_no_server_errors([200, 0]).ok

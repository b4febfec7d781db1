"""A real Celery worker process on Redis and PostgreSQL: import, rebuild, crash, recover."""

import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from indices.analytics.queue import analysis_request
from indices.analytics.runs import analysis_rebuild, analysis_run_execute, builders
from indices.models import AnalysisRun, EditionAnalysis, IndexEdition, RankResult, Score
from indices.selectors_analytics import analysis_rows
from indices.services.imports.service import scores_import
from tests.golden import assert_same, published_editions

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _wait_for(predicate, timeout: float = 120, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _run_status(pk: int) -> str:
    return AnalysisRun.objects.values_list("status", flat=True).get(pk=pk)


def test_import_is_ranked_by_the_worker(start_worker, demo_data):
    start_worker("import")
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    outcome = scores_import(
        edition=edition,
        data=(FIXTURES / "pci_2021_published.xlsx").read_bytes(),
        filename="pci_2021_published.xlsx",
        allow_missing=True,  # the 42 illustrative provinces the top-21 file leaves out
    )
    run = AnalysisRun.objects.get(batch=outcome.batch)
    _wait_for(lambda: _run_status(run.pk) == "succeeded", what="the import's rebuild")
    rows = {r["unit_code"]: r for r in analysis_rows(edition=edition)}
    assert len(rows) == 21  # only the imported top 21 remain in this edition
    assert (rows["49"]["rank"], rows["49"]["published_rank"], rows["49"]["value"]) == (
        19,
        19,
        66.24,
    )
    assert rows["22"]["gap_to_leader"] == 0.0
    assert rows["49"]["gap_to_leader"] == pytest.approx(66.24 - 73.02)
    assert EditionAnalysis.objects.get(edition=edition).run_id == run.pk


def test_killed_worker_run_is_finished_by_another_without_loss(start_worker, demo_data):
    editions = list(
        IndexEdition.objects.filter(status="published", scores__isnull=False).distinct()
    )
    expected = Score.objects.filter(edition__in=editions).count()
    first = start_worker("doomed")
    from django.db import transaction

    with transaction.atomic():
        run = analysis_request(edition_ids=None, trigger="admin")
    _wait_for(
        lambda: (
            AnalysisRun.objects.get(pk=run.pk).editions_built == 0
            and _run_status(run.pk) == "running"
            and EditionAnalysis.objects.filter(builder=run).exists()
        ),
        what="the run to start",
    )
    time.sleep(0.5)
    first.kill()
    assert _run_status(run.pk) == "running"
    start_worker("rescuer")
    _wait_for(lambda: _run_status(run.pk) == "succeeded", timeout=180, what="the rescued run")
    run.refresh_from_db()
    assert run.attempts >= 2
    # Every edition points at this run's rows, exactly one row per score, nothing duplicated.
    pointers = EditionAnalysis.objects.filter(edition__in=editions)
    assert set(pointers.values_list("run_id", flat=True)) == {run.pk}
    assert RankResult.objects.filter(edition__in=editions).count() == expected
    assert not EditionAnalysis.objects.filter(builder__isnull=False).exists()


def test_concurrent_rebuilds_of_one_edition_end_with_one_generation(transactional_db, demo_data):
    edition = IndexEdition.objects.get(index__code="PAPI", year=2020)
    runs = [AnalysisRun.objects.create(trigger="admin", scope=[edition.pk]) for _ in range(4)]
    errors: list[BaseException] = []

    def execute(pk: int) -> None:
        try:
            analysis_run_execute(run_id=pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=execute, args=(run.pk,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    results = RankResult.objects.filter(edition=edition)
    assert results.values("run_id").distinct().count() == 1
    assert results.count() == Score.objects.filter(edition=edition).count()
    assert EditionAnalysis.objects.get(edition=edition).run_id == results.first().run_id


def test_builders_in_parallel_write_what_the_pandas_engine_computes(
    transactional_db, demo_data, settings
):
    """Outside a transaction on PostgreSQL, editions are built two at a time, each staged on its
    own connection; an edition whose previous one is still being built reads the previous
    figures from its scores. Every row equals the pandas engine's, as built one at a time."""
    settings.ANALYTICS_BUILDERS = 2
    assert builders() == 2
    run = analysis_rebuild(edition_ids=None, trigger="admin")
    editions = published_editions()
    assert run.editions_built == len(editions) > 10
    assert_same(run, editions)
    # Only the served generation is left: no staged table outlives its switch.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'indices_rankresult_r%%' "
            "AND relkind = 'r' AND NOT relispartition"
        )
        assert cursor.fetchone()[0] == 0

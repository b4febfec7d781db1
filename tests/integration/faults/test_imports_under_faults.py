"""`make faults`, imports: the broker stopped during an import, the database crashed in the
middle of a commit, and two admins committing into one edition at once. Each scenario is followed
by a check, on the stored rows, that nothing was lost, duplicated or half-written, and that the
portal recovered without being restarted (services: `support`)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.integration.conftest import WorkerProcess
from tests.integration.faults.support import (
    DB_DOWN_TITLE,
    QUEUE_DOWN,
    Browser,
    Response,
    account,
    assert_whole,
    backends_waiting,
    commit,
    csrf_token,
    database_back,
    edition_state,
    holding,
    in_thread,
    pci_2022_file,
    report,
    sign_in,
    upload,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.faults]


def test_broker_process_stopped_during_an_import_then_restarted(
    catalogue, portal, private_redis, tmp_path
):
    """The broker (a private redis-server) is killed between the preview and the commit of an
    import and started again a little later on the same port. The import is saved and says the
    rebuild will follow; the worker and the web process reconnect by themselves and the run
    queued in the database (the outbox) is built exactly once."""
    from indices.models import AnalysisRun, EditionAnalysis, RankResult
    from reform_portal.celery import app

    broker = private_redis.url(0)
    account("admin-faults", "admin")
    first, _first_values = pci_2022_file(1)
    second, second_values = pci_2022_file(2)
    worker_env = {
        "CELERY_BROKER_URL": broker,
        "ANALYTICS_SWEEP_SECONDS": "2",
        "ANALYTICS_REDISPATCH_SECONDS": "3",
        **{"CELERY_UNACKED_RESTORE_INTERVAL": "1", "CELERY_UNACKED_RESTORE_THROTTLE": "1"},
    }
    saved = app.conf.broker_url
    app.conf.broker_url = broker
    app._after_fork()
    worker = None
    try:
        worker = WorkerProcess(
            "faults-broker",
            overrides=worker_env,
            beat_schedule=tmp_path / "beat",
            log_name="worker-faults-broker",
        )
        portal(CELERY_BROKER_URL=broker)
        admin = sign_in("admin-faults")
        batch_one = upload(admin, first, "pci-2022-a.csv")
        assert commit(admin, batch_one).status == 302
        wait_for(
            lambda: AnalysisRun.objects.filter(batch_id=batch_one, status="succeeded").exists(),
            what="the first import's rebuild",
        )

        batch_two = upload(admin, second, "pci-2022-b.csv")
        private_redis.kill()  # the broker goes away between the preview and the commit
        started = time.monotonic()
        answer = commit(admin, batch_two)
        took = time.monotonic() - started
        assert answer.status == 302
        assert QUEUE_DOWN in admin.request("GET", answer.location).body
        state = edition_state()
        assert_whole(state, second_values, batch_two)
        run = AnalysisRun.objects.get(batch_id=batch_two)
        assert run.status == AnalysisRun.Status.QUEUED
        time.sleep(3)  # down for a while; the worker keeps trying to reconnect
        assert worker.process.poll() is None, "the worker must outlive the broker outage"

        private_redis.start()
        back = time.monotonic()
        wait_for(
            lambda: AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.SUCCEEDED,
            timeout=120,
            what="the run queued while the broker was down",
        )
        recovered = time.monotonic() - back
        run.refresh_from_db()
        assert run.attempts == 1
        state = edition_state()
        assert_whole(state, second_values, batch_two)
        assert state["runs"] == {batch_one: 1, batch_two: 1}
        assert set(
            EditionAnalysis.objects.filter(
                edition__index__code="PCI", edition__year=2022
            ).values_list("run_id", flat=True)
        ) == {run.pk}
        assert (
            RankResult.objects.filter(edition__index__code="PCI", edition__year=2022).count()
            == state["score_rows"]
        )
        # The web process publishes again by itself: a third import is sent at once.
        third, third_values = pci_2022_file(3)
        batch_three = upload(admin, third, "pci-2022-c.csv")
        answer = commit(admin, batch_three)
        assert QUEUE_DOWN not in admin.request("GET", answer.location).body
        wait_for(
            lambda: AnalysisRun.objects.filter(batch_id=batch_three, status="succeeded").exists(),
            what="an import after the outage",
        )
        assert_whole(edition_state(), third_values, batch_three)
    finally:
        if worker is not None:
            worker.stop()
        app.conf.broker_url = saved
        app._after_fork()
    report(
        "broker killed during an import",
        f"commit answered in {took:.1f} s with the queue-down notice, scores whole; "
        f"run built once {recovered:.1f} s after the broker came back; 3 batches, 3 runs",
    )


def test_database_crashed_in_the_middle_of_an_import_commit(
    catalogue, portal, private_redis, private_database
):
    """PostgreSQL is crashed (immediate shutdown: every backend killed, WAL replay on restart)
    while an import's transaction has replaced the edition's scores but not committed. The page
    answers a clean 503 in Vietnamese; after the restart the edition holds the previous file
    whole; every gunicorn worker answers again without a restart; the same staged file then
    commits."""
    from indices.models import ImportBatch

    account("admin-faults", "admin")
    first, first_values = pci_2022_file(1)
    second, second_values = pci_2022_file(2)
    portal(CELERY_BROKER_URL=private_redis.url(0))
    admin = sign_in("admin-faults")
    batch_one = upload(admin, first, "pci-2022-a.csv")
    assert commit(admin, batch_one).status == 302
    batch_two = upload(admin, second, "pci-2022-b.csv")
    for _ in range(6):  # every worker holds a persistent connection from now on
        assert admin.request("GET", "/chi-so/nhap-du-lieu/").status == 200

    # Hold the import at its last statement: the scores are deleted and copied again inside
    # its transaction, the run row (the outbox) is about to be inserted.
    holder = holding("LOCK TABLE indices_analysisrun IN ACCESS EXCLUSIVE MODE")
    thread, answers = in_thread(lambda: commit(admin, batch_two))
    waiting = wait_for(lambda: backends_waiting("indices_analysisrun"), what="the import to wait")
    private_database.stop(mode="immediate")
    thread.join(timeout=60)
    holder.close()
    answer = answers[0]
    assert answer.status == 503, answer.body[:1000]
    assert DB_DOWN_TITLE in answer.body
    assert answer.headers.get("retry-after") == "30"

    database_back(private_database)
    state = edition_state()
    assert_whole(state, first_values, batch_one)
    assert ImportBatch.objects.get(pk=batch_two).status == ImportBatch.Status.PREVIEWED
    assert state["runs"] == {batch_one: 1, batch_two: 0}
    # Recovered by itself: every request after the restart is served, on every worker.
    statuses = [admin.request("GET", "/chi-so/nhap-du-lieu/").status for _ in range(8)]
    assert statuses == [200] * 8, statuses
    assert commit(admin, batch_two).status == 302
    state = edition_state()
    assert_whole(state, second_values, batch_two)
    assert state["runs"] == {batch_one: 1, batch_two: 1}
    report(
        "database crashed during an import commit",
        f"held at `{waiting[0][:40]}…`, crashed: 503 page; after restart the previous file "
        f"whole ({len(first_values)} values, 1 committed batch, no run for the failed one); "
        "8 of 8 requests served after the restart; the same staged file then committed",
    )


def test_two_admins_commit_different_files_into_one_edition_at_once(
    catalogue, portal, private_redis
):
    """Two admins commit different files into PCI 2022 at the same moment (held at the
    edition's lock until both wait, then released; then once more with no help): the commits
    are serialised, the edition ends with the second file whole, the first superseded."""
    account("admin-one", "admin")
    account("admin-two", "admin")
    portal(workers=3, CELERY_BROKER_URL=private_redis.url(0))
    one, two = sign_in("admin-one"), sign_in("admin-two")
    rounds = []
    for round_number, hold in ((1, True), (2, False)):
        file_one, values_one = pci_2022_file(10 * round_number + 1)
        file_two, values_two = pci_2022_file(10 * round_number + 2)
        batch_one = upload(one, file_one, f"mot-{round_number}.csv")
        batch_two = upload(two, file_two, f"hai-{round_number}.csv")
        for browser, batch in ((one, batch_one), (two, batch_two)):  # previews, as people do
            assert browser.request("GET", f"/chi-so/nhap-du-lieu/{batch}/").status == 200
        from indices.models import IndexEdition

        edition = IndexEdition.objects.get(index__code="PCI", year=2022)
        holder = (
            holding("SELECT 1 FROM indices_indexedition WHERE id = %s FOR UPDATE", edition.pk)
            if hold
            else None
        )
        barrier = threading.Barrier(2)

        def post(browser: Browser, batch: int, barrier=barrier) -> Response:
            page = browser.request("GET", f"/chi-so/nhap-du-lieu/{batch}/")
            token = csrf_token(page.body)
            barrier.wait()
            return browser.request(
                "POST",
                f"/chi-so/nhap-du-lieu/{batch}/ghi/",
                fields=[("csrfmiddlewaretoken", token), ("allow_missing", "on")],
            )

        threads = [
            in_thread(lambda b=b, n=n: post(b, n)) for b, n in ((one, batch_one), (two, batch_two))
        ]
        if holder is not None:
            wait_for(
                lambda: len(backends_waiting("indices_indexedition")) == 2,
                what="both commits to wait for the edition",
            )
            holder.rollback()
            holder.close()
        for thread, _out in threads:
            thread.join(timeout=120)
        answers = [out[0] for _thread, out in threads]
        assert [a.status for a in answers] == [302, 302], [a.body[:300] for a in answers]
        state = edition_state()
        winner = state["committed"][0]
        assert winner in (batch_one, batch_two)
        loser = batch_two if winner == batch_one else batch_one
        assert_whole(state, values_one if winner == batch_one else values_two, winner)
        assert loser in state["superseded"]
        assert (state["runs"][winner], state["runs"][loser]) == (1, 1)
        rounds.append("held at the lock" if hold else "raced")
    report(
        "two admins commit different files into one edition at once",
        f"{len(rounds)} rounds ({', '.join(rounds)}): both answered 302, serialised by the "
        "edition's lock; one file whole (every value, every row of one batch), the other "
        "superseded; one run per batch",
    )

"""`make loadtest`: the whole stack under simulated people, then its invariants checked.

gunicorn (3 sync workers, as deployed), PostgreSQL, Redis (cache DB 10, broker DB 11) and a real
Celery worker process (with its beat, as deployed) on the scratch database
`reform_portal_loadtest`, prepared by `loadtest_prepare` with the benchmark's national-scale
dataset. LOADTEST_USERS people (default 50) for LOADTEST_SECONDS (default 300):

- officials browse the dashboards (home, index pages, a unit's page, the internal league,
  compare, the map), about one page a second each;
- department heads (a fifth of the users) open a quarter's report, save it with an evidence
  file and submit it, through the real forms with their CSRF tokens, as a browser would (a
  quarter of the time they double-click "open" and "submit");
- one admin imports a file every LOADTEST_IMPORT_EVERY seconds (default 60) through the import
  form (upload, preview, commit), alternating two versions of one edition's file; each import
  queues a rebuild that the worker runs and swaps in as a new generation.

Prints `LOADTEST <name> <value> <unit>` lines (throughput, p50/p95/p99 per page, errors), then
the checks (`LOADTEST check <name> ok|FAILED`): no server errors, every submitted report stored
and submitted once with its files, every import one batch and one finished run, readers on the
last import's generation, no database snapshot with two generations of the edition, and no
response mixing generations. Exits 1 when a check fails.

LOADTEST_REUSE_DB=1 keeps an already prepared database (the preparation takes minutes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from loadtest_checks import (
    Check,
    ImportState,
    StoredReport,
    StoredRun,
    SubmittedReport,
    check_generations,
    check_imports,
    check_no_server_errors,
    check_reports,
    percentile,
)
from loadtest_http import Browser
from loadtest_prepare import (
    BROKER_URL,
    CACHE_URL,
    IMPORT_INDEX,
    IMPORT_YEAR,
    PREFIX,
    ROOT,
    WINDOW_YEARS,
    WORK,
    django_env,
    import_file_paths,
    prepare,
    step_prepare_people,
)
from loadtest_roles import (
    GUNICORN_WORKERS,
    OFFICIAL_PAGES,
    PORT,
    REUSE,
    SECONDS,
    USERS,
    WORKER_NAME,
    Run,
    admin,
    head,
    official,
    watcher,
)


def stack_env() -> dict[str, str]:
    return django_env(REDIS_URL=CACHE_URL, CELERY_BROKER_URL=BROKER_URL)


def start_worker() -> subprocess.Popen[bytes]:
    log = (WORK / "worker.log").open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "reform_portal",
            "worker",
            "-l",
            "info",
            "-c",
            "2",
            "-n",
            f"{WORKER_NAME}@%h",
            "-B",
            "--schedule",
            str(WORK / "beat-schedule"),
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=stack_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_worker(worker: subprocess.Popen[bytes]) -> None:
    from reform_portal.celery import app

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited; see {WORK / 'worker.log'}")
        replies = app.control.ping(timeout=1.0) or []
        if any(WORKER_NAME in next(iter(reply)) for reply in replies):
            return
        time.sleep(0.5)
    raise SystemExit(f"the worker did not answer; see {WORK / 'worker.log'}")


def start_gunicorn() -> subprocess.Popen[bytes]:
    log = (WORK / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "reform_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            GUNICORN_WORKERS,
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=stack_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    browser = Browser(PORT)
    for _ in range(150):
        try:
            if browser.request("GET", "/healthz").status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start; see {WORK / 'gunicorn.log'}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=30)


# Before and after ---------------------------------------------------------------------------------


@dataclass
class Baseline:
    edition_id: int
    batch_max: int
    report_max: int
    run_max: int
    generation: int
    first_version: int
    heads: list[tuple[str, int, list[tuple[int, str]]]]
    officials: list[str]


def baseline(heads: int, officials: int) -> Baseline:
    from django.db.models import Max

    from indices.models import AnalysisRun, AnalyticsGeneration, ImportBatch, IndexEdition
    from indices.services.imports.service import current_batch
    from reports.models import QuarterlyReport, ReportingWindow
    from units.models import Membership

    edition = IndexEdition.objects.get(index__code=IMPORT_INDEX, year=IMPORT_YEAR)
    current = current_batch(edition=edition)
    first_sha = hashlib.sha256(import_file_paths()[0].read_bytes()).hexdigest()
    windows = list(
        ReportingWindow.objects.filter(year__in=list(WINDOW_YEARS))
        .order_by("year", "quarter")
        .values_list("pk", "year", "quarter")
    )
    used = set(
        QuarterlyReport.objects.filter(window__year__in=list(WINDOW_YEARS)).values_list(
            "unit_id", "window_id"
        )
    )
    memberships = Membership.objects.filter(
        role="department_head", user__username__startswith=f"{PREFIX}head-"
    ).order_by("user__username")[:heads]
    head_plans = [
        (
            m.user.username,
            m.unit_id,
            [
                (pk, f"{year}-{quarter}")
                for pk, year, quarter in windows
                if (m.unit_id, pk) not in used
            ],
        )
        for m in memberships.select_related("user")
    ]
    return Baseline(
        edition_id=edition.pk,
        batch_max=ImportBatch.objects.aggregate(m=Max("pk"))["m"] or 0,
        report_max=QuarterlyReport.objects.aggregate(m=Max("pk"))["m"] or 0,
        run_max=AnalysisRun.objects.aggregate(m=Max("pk"))["m"] or 0,
        generation=AnalyticsGeneration.objects.filter(pk=1).values_list("number", flat=True).first()
        or 0,
        first_version=1 if current is not None and current.sha256 == first_sha else 0,
        heads=head_plans,
        officials=[f"{PREFIX}official-{n:02d}" for n in range(1, officials + 1)],
    )


def wait_for_runs(base: Baseline, batches: list[int], timeout: float = 300) -> None:
    from indices.models import AnalysisRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = AnalysisRun.objects.filter(
            pk__gt=base.run_max, status__in=["queued", "running"]
        ).count()
        if not pending and AnalysisRun.objects.filter(batch_id__in=batches).count() >= len(batches):
            return
        time.sleep(1)


def stored_reports(base: Baseline, submitted: list[SubmittedReport]) -> list[StoredReport]:
    """The reports opened during the run in the heads' units, as the database holds them."""
    from django.db.models import Count

    from reports.models import Evidence, IndicatorValue, QuarterlyReport, TaskProgress

    units = {s.unit_id for s in submitted}
    reports = QuarterlyReport.objects.filter(
        pk__gt=base.report_max, window__year__in=list(WINDOW_YEARS), unit_id__in=units
    ).annotate(n_evidence=Count("progress__evidence", distinct=True))
    result = []
    for report in reports:
        states = list(
            report.history.order_by("history_date", "history_id").values_list("status", flat=True)
        )
        times = sum(
            1
            for before, after in zip([None, *states], states, strict=False)
            if after == "submitted" and before != "submitted"
        )
        after = 0
        if report.submitted_at is not None:
            later = {"history_date__gt": report.submitted_at, "report_id": report.pk}
            after = (
                TaskProgress.history.filter(**later).count()
                + IndicatorValue.history.filter(**later).count()
                + Evidence.objects.filter(
                    progress__report=report, uploaded_at__gt=report.submitted_at
                ).count()
            )
        result.append(
            StoredReport(
                report_id=report.pk,
                unit_id=report.unit_id,
                window_id=report.window_id,
                status=report.status,
                evidence=report.n_evidence,
                times_submitted=times,
                changed_after_submit=after,
            )
        )
    return result


def import_state(base: Baseline) -> ImportState:
    from indices.models import AnalysisRun, AnalyticsGeneration, EditionAnalysis, ImportBatch

    return ImportState(
        batches=list(
            ImportBatch.objects.filter(pk__gt=base.batch_max)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        statuses=dict(
            ImportBatch.objects.filter(pk__gt=base.batch_max).values_list("pk", "status")
        ),
        runs=[
            StoredRun(r.pk, r.batch_id, r.status, r.rows_written)
            for r in AnalysisRun.objects.filter(pk__gt=base.run_max).order_by("pk")
        ],
        pointer_run=EditionAnalysis.objects.filter(edition_id=base.edition_id)
        .values_list("run_id", flat=True)
        .first(),
        generation_delta=(
            AnalyticsGeneration.objects.filter(pk=1).values_list("number", flat=True).first() or 0
        )
        - base.generation,
    )


def rebuild_seconds(batches: list[int]) -> list[float]:
    """From each import's commit to its run's switch: how long readers wait for new results."""
    from indices.models import AnalysisRun

    return [
        (run.finished_at - run.batch.committed_at).total_seconds()
        for run in AnalysisRun.objects.filter(batch_id__in=batches, status="succeeded")
        .select_related("batch")
        .exclude(finished_at=None)
        if run.batch.committed_at
    ]


def emit(name: str, value: float | int, unit: str) -> None:
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    print(f"LOADTEST {name} {text} {unit}", flush=True)


def figures(run: Run, seconds: float, rebuilds: list[float]) -> None:
    hits = [h for h in run.hits if h.name != "login"]
    emit("users", USERS, "users")
    emit("duration_s", seconds, "s")
    emit("requests", len(hits), "requests")
    emit("throughput_rps", len(hits) / seconds, "req/s")
    by_name: dict[str, list[float]] = defaultdict(list)
    for hit in hits:
        if hit.status:
            by_name[hit.name].append(hit.ms)
    for name in sorted(by_name):
        values = by_name[name]
        emit(f"{name}_count", len(values), "requests")
        for q in (50, 95, 99):
            emit(f"{name}_p{q}_ms", percentile(values, q), "ms")
    pages = [h.ms for h in hits if h.name in OFFICIAL_PAGES and h.status]
    for q in (50, 95, 99):
        emit(f"dashboard_p{q}_ms", percentile(pages, q), "ms")
    emit("errors", sum(1 for h in run.hits if not h.expected), "errors")
    emit("server_errors", sum(1 for h in run.hits if h.status >= 500 or h.status == 0), "errors")
    emit("reports_submitted", len(run.submitted), "reports")
    emit("imports", len(run.imports), "imports")
    if rebuilds:
        emit("import_to_new_generation_max_s", max(rebuilds), "s")
    emit("generation_snapshots", run.watch.samples, "snapshots")
    emit("league_pages_compared", run.watch.pages_checked, "pages")


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    prepare(reuse=REUSE)
    os.environ.update(stack_env())
    import django

    django.setup()
    from django.conf import settings

    for db in (CACHE_URL, BROKER_URL):
        subprocess.run(
            ["redis-cli", "-n", db.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True
        )
    heads = max(1, min(20, round(USERS * 0.2))) if USERS > 2 else 0
    officials = max(1, USERS - heads - 1)
    base = baseline(heads, officials)
    worker = start_worker()
    server: subprocess.Popen[bytes] | None = None
    try:
        wait_worker(worker)
        server = start_gunicorn()
        print(
            f"loadtest: {len(base.officials)} officials, {len(base.heads)} heads, 1 admin "
            f"for {SECONDS:.0f} s on :{PORT}",
            flush=True,
        )
        run = Run(deadline=time.monotonic() + SECONDS)
        password = settings.DEMO_PASSWORD
        stop_watch = threading.Event()
        watch = threading.Thread(target=watcher, args=(run, base.edition_id, stop_watch))
        watch.start()
        people = [
            threading.Thread(
                target=admin, args=(run, f"{PREFIX}admin", password, base.first_version)
            )
        ]
        people += [
            threading.Thread(target=head, args=(run, name, password, unit, windows, n))
            for n, (name, unit, windows) in enumerate(base.heads)
        ]
        people += [
            threading.Thread(target=official, args=(run, name, password, 1000 + n))
            for n, name in enumerate(base.officials)
        ]
        started = time.monotonic()
        for number, person in enumerate(people):
            person.start()
            if number < len(people) - 1:
                time.sleep(min(0.2, 10 / len(people)))  # ramp up over a few seconds
        for person in people:
            person.join(timeout=max(1.0, run.deadline - time.monotonic() + 180))
        elapsed = time.monotonic() - started
        batches = [i.batch_id for i in run.imports]
        wait_for_runs(base, batches)
        stop_watch.set()
        watch.join()
    finally:
        if server is not None:
            stop(server)
        stop(worker)

    figures(run, elapsed, rebuild_seconds(batches))
    checks: list[Check] = [check_no_server_errors(h.status for h in run.hits)]
    checks += check_reports(run.submitted, stored_reports(base, run.submitted))
    checks += check_imports(run.imports, import_state(base))
    checks += check_generations(run.watch)
    for problem in run.problems[:20]:
        print(f"loadtest problem: {problem}", flush=True)
    failed = 0
    for check in checks:
        failed += not check.ok
        print(f"LOADTEST check {check.name} {'ok' if check.ok else 'FAILED'}: {check.detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "step":
        {"prepare_people": step_prepare_people}[sys.argv[2]]()
    else:
        sys.exit(main())

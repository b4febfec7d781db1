"""`make faults`, reports and pages: the database down while a head submits a report, the
evidence folder full, and the cache killed while officials browse. Each scenario is followed by a
check that nothing was lost and that the portal recovered without being restarted (services:
`support`)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.integration.faults.support import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    DB_DOWN_TITLE,
    PORTAL_PORT,
    account,
    report,
    sign_in,
    sql_rows,
)

pytestmark = [pytest.mark.integration, pytest.mark.faults]


def _quarter_plan(head_unit: str = "49.SKHDT"):
    """A task of the head's unit with an indicator and its quarterly target, and the open
    reporting window of this quarter."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import (
        IndicatorFactory,
        IndicatorTargetFactory,
        PlanFactory,
        ReportingWindowFactory,
        TaskFactory,
    )
    from units.models import Unit

    task = TaskFactory(
        plan=PlanFactory(name="Đề án thử", province=Unit.objects.get(code="49")),
        code="3",
        title="Rút ngắn thời gian cấp phép đầu tư",
        responsible=Unit.objects.get(code=head_unit),
        due_date=dt.date(2030, 1, 1),
    )
    indicator = IndicatorFactory(task=task, name="Thời gian cấp GCN")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    IndicatorTargetFactory(indicator=indicator, year=today.year, quarter=quarter, value=10)
    return ReportingWindowFactory(
        year=today.year, quarter=quarter, opens_on=today, deadline=today + dt.timedelta(days=15)
    )


TYPED = (
    "Đã ban hành quy trình liên thông cấp giấy chứng nhận đầu tư; thời gian giải quyết giảm "
    "từ 15 xuống 9 ngày làm việc. Còn vướng phần kết nối dữ liệu đất đai với Sở Tài nguyên."
)
EXPLAINED = "Minh chứng là quyết định số 12/QĐ-UBND, sẽ tải lên khi có bản ký số."


def test_database_down_while_a_head_submits_keeps_the_typed_text(
    catalogue, portal, private_redis, private_database
):
    """A department head types the quarter's report in a real browser; the database goes down
    before the head presses "Gửi báo cáo". The page answers 503 in Vietnamese; once the database
    is back, the report page puts the typed text back (kept in the browser) with a notice, and
    the head submits it: the text read back from the database is what was typed, submitted
    once."""
    from playwright.sync_api import sync_playwright

    from reports.models import QuarterlyReport, TaskProgress
    from reports.services import report_open
    from units.models import Unit

    window = _quarter_plan()
    account("truongso-faults", "department_head", "49.SKHDT")
    report_pk = report_open(unit=Unit.objects.get(code="49.SKHDT"), window=window).pk
    portal(CELERY_BROKER_URL=private_redis.url(0))
    base = f"http://127.0.0.1:{PORTAL_PORT}"
    url = f"{base}/tien-do/bao-cao/{report_pk}/"
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.set_default_timeout(20000)
        page.goto(f"{base}/dang-nhap/")
        page.fill("#id_username", "truongso-faults")
        page.fill("#id_password", "demo12345")
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        page.goto(url)
        page.select_option("select[name$=status]", "in_progress")
        page.fill("input[name$=percent_complete]", "60")
        page.fill("textarea[name$=-done]", TYPED)
        page.fill("textarea[name$=-explanation]", EXPLAINED)
        page.fill("input[name^=i][inputmode=decimal]", "9,5")

        private_database.stop(mode="immediate")
        with page.expect_navigation() as navigation:
            page.click("#submit-report")
        assert navigation.value.status == 503
        assert page.locator("h1").inner_text() == DB_DOWN_TITLE
        page.screenshot(path=str(shots / "faults-db-down-503.png"), full_page=True)

        private_database.start()
        # Read with a connection of its own: Playwright's greenlet has its own Django ones.
        assert sql_rows(
            "SELECT done FROM reports_taskprogress WHERE report_id = %s", report_pk
        ) == [("",)]  # nothing of the typed text reached the database
        page.goto(url)
        assert page.locator("#draft-restored").is_visible()
        assert page.input_value("textarea[name$=-done]") == TYPED
        assert page.input_value("textarea[name$=-explanation]") == EXPLAINED
        assert page.input_value("input[name^=i][inputmode=decimal]") == "9,5"
        page.screenshot(path=str(shots / "faults-db-back-draft-restored.png"), full_page=True)
        page.click("#submit-report")
        page.wait_for_load_state("networkidle")
        assert page.locator("#report-status").inner_text() == "Đã gửi"
        kept = page.evaluate("Object.keys(window.localStorage)")
        browser.close()
    connections.close_all()  # this process's connections died with the server

    progress = TaskProgress.objects.get(report_id=report_pk)
    assert (progress.done, progress.explanation, progress.percent_complete) == (
        TYPED,
        EXPLAINED,
        60,
    )
    report_row = QuarterlyReport.objects.get(pk=report_pk)
    assert report_row.status == QuarterlyReport.Status.SUBMITTED
    assert report_row.history.filter(status="submitted").count() == 1
    assert kept == [], kept  # the browser forgets the text once the server holds it
    report(
        "database down while a head submits a report",
        "503 page in Vietnamese; after restart the page restored the typed text "
        f"({len(TYPED)} characters) with a notice; submitted once; text read back equal",
    )


@pytest.fixture
def full_disk(tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs as the evidence folder (MEDIA_ROOT), nearly filled: ENOSPC for real.
    Mounting needs root; the scenario is skipped otherwise."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (ENOSPC) needs root")
    mount = tmp_path / "media"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


def test_evidence_folder_full(catalogue, full_disk, client, settings):
    """The evidence folder has 64 KiB left when a head saves the report with a 300 KB PDF. The
    head is told the file was not stored and why, the typed text is saved, no Evidence row and
    no partial file remain; once space is freed the same upload is stored."""
    from reports.models import Evidence, TaskProgress
    from reports.services import report_open
    from units.models import Unit

    settings.MEDIA_ROOT = str(full_disk)
    window = _quarter_plan()
    head = account("truongso-faults", "department_head", "49.SKHDT")
    report_row = report_open(unit=Unit.objects.get(code="49.SKHDT"), window=window)
    progress = TaskProgress.objects.get(report=report_row)
    indicator = progress.task.indicators.get()
    pdf = b"%PDF-1.4\n%" + b"x" * 300_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    filler = _fill(full_disk, leave=64 * 1024)
    client.force_login(head)

    def save():
        upload = io.BytesIO(pdf)
        upload.name = "quyet-dinh.pdf"
        return client.post(
            f"/tien-do/bao-cao/{report_row.pk}/",
            {
                "action": "save",
                f"p{progress.pk}-status": "in_progress",
                f"p{progress.pk}-percent_complete": "60",
                f"p{progress.pk}-done": TYPED,
                f"p{progress.pk}-explanation": EXPLAINED,
                f"i{indicator.pk}": "9,5",
                f"evidence-{progress.pk}": upload,
            },
        )

    answer = save()
    assert answer.status_code == 200
    messages = [str(m) for m in answer.context["messages"]]
    assert any("quyet-dinh.pdf" in m and "hết dung lượng" in m for m in messages), messages
    progress.refresh_from_db()
    assert progress.done == TYPED
    assert not Evidence.objects.exists()
    left = sorted(p.name for p in full_disk.rglob("*") if p.is_file())
    assert left == ["filler.bin"], left

    filler.unlink()  # an operator frees space: the same upload now goes through
    assert save().status_code == 302
    stored = Evidence.objects.get()
    assert (full_disk / stored.file.name).stat().st_size == len(pdf) == stored.size
    report(
        "evidence folder full (1 MiB tmpfs, 64 KiB left)",
        "upload refused with the reason named; report text saved; no row, no partial file; "
        "stored whole once space was freed",
    )


BROWSED = ["/", "/chi-so/PCI/", "/don-vi/49/", "/chi-so/PCI/?nam=2021"]


def _strip_tokens(body: str) -> str:
    """A page without what differs from one answer to the next (CSRF tokens)."""
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_cache_killed_while_officials_browse(catalogue, portal, private_redis):
    """The cache (a private redis-server) is killed while an official browses the dashboards,
    then started again, empty. Every page still answers 200 with the same content, built
    uncached within the cache's timeout; /healthz says the cache is down; once Redis is back
    pages are cached again without restarting anything."""
    from tests import standings

    standings.pci_2021()
    account("lanhdao-faults", "official")
    portal(REDIS_URL=private_redis.url(1), CELERY_BROKER_URL=settings.REDIS_URL)
    official = sign_in("lanhdao-faults")
    cached = {}
    for path in BROWSED:
        answer = official.request("GET", path)
        assert answer.status == 200, (path, answer.status)
        cached[path] = _strip_tokens(answer.body)
    assert private_redis.keys(1) > 0, "the pages did not use the cache"

    private_redis.kill()
    slowest = 0.0
    for _ in range(2):
        for path in BROWSED:
            answer = official.request("GET", path)
            assert answer.status == 200, (path, answer.status)
            assert _strip_tokens(answer.body) == cached[path], path
            slowest = max(slowest, answer.ms)
    health = official.request("GET", "/healthz")
    assert health.status == 503
    assert '"cache": {"ok": false' in health.body
    assert slowest < 5000, slowest

    private_redis.start()  # empty: nothing kept across the restart
    assert private_redis.keys(1) == 0
    for path in BROWSED:
        assert official.request("GET", path).status == 200
    assert private_redis.keys(1) > 0, "caching did not resume after the cache came back"
    assert official.request("GET", "/healthz").status == 200
    report(
        "cache killed while browsing",
        f"{2 * len(BROWSED)} of {2 * len(BROWSED)} pages 200 and identical to the cached ones "
        f"(slowest {slowest:.0f} ms); /healthz 503 naming the cache; caching resumed after "
        "the restart, /healthz 200",
    )

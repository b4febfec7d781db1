"""The internal league report and the quarterly progress report: their figures equal the pages'
selectors, names starting with "=" stay text, and each reader gets only what its pages show."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from briefings.models import GeneratedReport
from dashboards.selectors.exports import internal_table
from indices.models import IndexEdition
from reports import services as report_services
from reports.models import IndicatorValue, TaskProgress
from reports.selectors import completeness
from reports.services import indicator_misses
from tests.briefings.helpers import download, pdf_pages, sheet_rows
from tests.dashboards.pages import half_up
from tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    PlanFactory,
    ReportingWindowFactory,
    TaskFactory,
)
from units.models import Unit


def test_internal_report_holds_each_league_of_the_year(client, ask, official, internal_leagues):
    client.force_login(official)
    report = ask(client, loai="internal", nam="2021", dinh_dang="xlsx")
    assert report.status == GeneratedReport.Status.DONE, report.error
    data = download(client, report)
    edition = IndexEdition.objects.get(index__code="PAR_DISTRICT", year=2021)
    expected = internal_table(index=edition.index, edition=edition)
    book = load_workbook(io.BytesIO(data))
    # The about sheet, then one sheet per internal index of the year: districts, departments.
    assert len(book.sheetnames) == 3
    district_sheet = next(
        sheet for sheet in book.worksheets[1:] if edition.index.name in sheet["A1"].value
    )
    rows = sheet_rows(data, district_sheet.title)
    assert len(rows) == len(expected.rows) == len(internal_leagues["PAR_DISTRICT", 2021])
    leader = internal_leagues["PAR_DISTRICT", 2021]["509"]
    top = rows[0]
    assert Decimal(str(top["Điểm (%)"])) == half_up(leader.value, edition.decimals)
    assert top["Cơ sở của điểm"] == "Đánh giá nội bộ"
    assert top["Đơn vị"] == Unit.objects.get(code="509").name
    pdf = ask(client, loai="internal", nam="2021", dinh_dang="pdf")
    text = "\n".join(pdf_pages(download(client, pdf)))
    assert "Báo cáo xếp hạng nội bộ năm 2021" in text
    assert "88,30" in text


@pytest.fixture
def quarter(reference_units):
    """Q1 2025, past its deadline: the planning department reported (one task, an indicator
    below its target), the information department did not."""
    window = ReportingWindowFactory()
    plan = PlanFactory(province=Unit.objects.get(code="49"))
    # The departments that existed at the quarter's end (after the 1/3/2025 restructuring).
    khdt, tttt = Unit.objects.get(code="49.STC"), Unit.objects.get(code="49.SKHCN")
    task = TaskFactory(plan=plan, code="1", title="=1+1 cải cách thủ tục", responsible=khdt)
    TaskFactory(plan=plan, code="2", title="Chuyển đổi số", responsible=tttt)
    indicator = IndicatorFactory(
        task=task, name="Hồ sơ trực tuyến", unit_of_measure="%", direction="higher"
    )
    IndicatorTargetFactory(indicator=indicator, year=2025, quarter=1, value=Decimal(80))
    report = report_services.report_open(unit=khdt, window=window)
    TaskProgress.objects.filter(report=report).update(status="in_progress", percent_complete=40)
    IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal("72.5"))
    report.status = "submitted"
    report.save()
    return window


def test_progress_report_runs_on_the_worker_and_matches_the_page(client, ask, official, quarter):
    client.force_login(official)
    report = ask(client, loai="progress", ky=str(quarter.pk), dinh_dang="xlsx")
    # Large: a Celery task (eager in the tests) built it after the request's commit.
    assert report.status == GeneratedReport.Status.DONE, report.error
    data = download(client, report)
    rows = sheet_rows(data, "Mức độ đầy đủ")
    expected = completeness(window=quarter)
    assert [r["Đơn vị"] for r in rows] == [r["unit"].name for r in expected]
    assert [r["Hoàn thành bình quân (%)"] for r in rows] == [r["percent"] for r in expected]
    late = sheet_rows(data, "Đơn vị trễ hạn")
    assert [r["Đơn vị"] for r in late] == [Unit.objects.get(code="49.SKHCN").name]
    tasks = sheet_rows(data, "Nhiệm vụ")
    assert tasks[0]["Nhiệm vụ"] == "'=1+1 cải cách thủ tục"  # neutralised, never a formula
    indicators = sheet_rows(data, "Chỉ tiêu")
    assert indicators[0]["Kết quả"] == 72.5
    assert indicators[0]["Mục tiêu quý"] == 80
    assert indicators[0]["Đánh giá"] == "Chưa đạt"
    pdf = ask(client, loai="progress", ky=str(quarter.pk), dinh_dang="pdf")
    text = "\n".join(pdf_pages(download(client, pdf)))
    assert "Báo cáo tiến độ Quý 1/2025" in text
    assert "=1+1 cải cách thủ tục" in text
    assert "72,5" in text


def test_a_department_head_gets_no_other_units_progress(client, head_khdt, quarter):
    client.force_login(head_khdt)
    response = client.post(
        reverse("briefings:create"), {"loai": "progress", "ky": quarter.pk, "dinh_dang": "pdf"}
    )
    assert response.status_code == 403
    assert not GeneratedReport.objects.exists()
    chooser = client.get(reverse("briefings:create")).content.decode()
    assert "choose-progress" not in chooser


def test_draft_internal_results_are_not_reported_to_officials(client, official, internal_leagues):
    IndexEdition.objects.filter(index__kind="internal", year=2022).update(
        published_internally=False
    )
    client.force_login(official)
    response = client.post(
        reverse("briefings:create"), {"loai": "internal", "nam": "2022", "dinh_dang": "xlsx"}
    )
    assert response.status_code == 404
    assert not GeneratedReport.objects.exists()


def test_a_report_is_only_its_requesters(client, ask, official, reviewer, internal_leagues):
    client.force_login(official)
    report = ask(client, loai="internal", nam="2021", dinh_dang="xlsx")
    client.force_login(reviewer)
    for name in ("briefings:detail", "briefings:status", "briefings:download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    assert report.title not in client.get(reverse("briefings:list")).content.decode()
    client.logout()
    assert client.get(reverse("briefings:download", args=[report.pk])).status_code == 302


def test_reports_expire_after_thirty_days(client, ask, official, internal_leagues, settings):
    client.force_login(official)
    report = ask(client, loai="internal", nam="2021", dinh_dang="xlsx")
    assert report.expires - report.created == dt.timedelta(days=30)
    storage, name = report.file.storage, report.file.name
    assert storage.exists(name)
    listing = client.get(reverse("briefings:list")).content.decode()
    assert report.title in listing
    GeneratedReport.objects.filter(pk=report.pk).update(
        expires=report.created + dt.timedelta(days=30) - dt.timedelta(days=31)
    )
    assert client.get(reverse("briefings:download", args=[report.pk])).status_code == 404
    client.get(reverse("briefings:list"))  # purges on reading
    assert not GeneratedReport.objects.filter(pk=report.pk).exists()
    assert not storage.exists(name)


def test_a_report_is_written_in_the_readers_language(client, ask, official, internal_leagues):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(official)
    report = ask(client, loai="internal", nam="2021", dinh_dang="xlsx")
    assert report.language == "en"
    book = load_workbook(io.BytesIO(download(client, report)))
    with translation.override("en"):
        about = gettext("Giới thiệu")
    assert about != "Giới thiệu"
    assert book.sheetnames[0] == about


def test_a_lower_is_better_indicator_above_its_target_is_not_met():
    days = IndicatorFactory.build(direction="lower")
    assert indicator_misses(days, Decimal("20"), Decimal("10"))  # 20 days against 10: missed
    assert not indicator_misses(days, Decimal("8"), Decimal("10"))
    share = IndicatorFactory.build(direction="higher")
    assert indicator_misses(share, Decimal("72.5"), Decimal("80"))

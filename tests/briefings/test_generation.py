"""How a report is built: large ones by a Celery task queued after commit (queued → running →
done, once even if delivered twice), a failure kept with its message, expired files purged; the
PDF renders offline, repeats a long table's header on every page, and is A4 with page numbers."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from briefings import services
from briefings.charts import Chart
from briefings.content import Briefing, Section
from briefings.models import GeneratedReport
from briefings.render import FetchRefused, local_url_fetcher, pdf_bytes
from briefings.tasks import briefing_dispatch, briefing_generate_task, briefings_purge_task
from dashboards.downloads import SheetTable
from indices.models import IndexEdition
from tests.briefings.helpers import pdf_pages

Status = GeneratedReport.Status
INTERNAL = {"kind": "internal", "parameters": {"year": 2021, "editions": []}}


def _request(user, fmt="pdf", **overrides):
    fields = {**INTERNAL, **overrides}
    return services.report_request(
        user=user,
        fmt=fmt,
        title="Xếp hạng nội bộ năm 2021",
        language="vi",
        dispatch=briefing_dispatch,
        **fields,
    )


def test_a_large_report_is_queued_on_commit_then_done(
    official, internal_leagues, django_capture_on_commit_callbacks
):
    editions = list(
        IndexEdition.objects.filter(year=2021, index__kind="internal").values_list("pk", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = _request(official, parameters={"year": 2021, "editions": editions})
    assert report.status == Status.QUEUED
    assert report.progress == 0
    assert len(callbacks) == 1  # the task is sent after the commit, not inside it
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == Status.DONE
    assert report.progress == 100
    assert report.file.name.endswith(".pdf")
    assert report.file.read().startswith(b"%PDF-")
    assert report.finished is not None


def test_a_task_delivered_twice_builds_once(official, internal_leagues):
    report = services.report_request(
        user=official,
        kind="internal",
        fmt="xlsx",
        parameters={"year": 2021, "editions": []},
        title="t",
        language="vi",
        dispatch=None,
    )
    # Without a dispatcher it was built at once; a late duplicate delivery changes nothing.
    assert report.status == Status.DONE
    name = report.file.name
    assert briefing_generate_task.apply(args=[report.pk]).get() is None
    report.refresh_from_db()
    assert report.file.name == name
    assert briefing_generate_task.apply(args=[999999]).get() is None  # a row that is gone


def test_a_failure_is_recorded_with_its_message(
    official, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(briefing):
        raise RuntimeError("Không đọc được phông chữ")

    monkeypatch.setattr(services, "pdf_bytes", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = _request(official)
    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert report.error == "Không đọc được phông chữ"
    assert not report.file
    assert report.finished is not None


def test_expired_reports_and_their_files_are_purged(official, internal_leagues):
    report = _request(official, fmt="xlsx")
    assert report.status == Status.DONE
    storage, name = report.file.storage, report.file.name
    assert services.reports_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert services.reports_purge(now=timezone.now() + dt.timedelta(days=30, seconds=1)) == 1
    assert not GeneratedReport.objects.exists()
    assert not storage.exists(name)


def test_rendering_never_reaches_the_network():
    fetcher = local_url_fetcher()
    for url in ("http://example.com/x.css", "https://cdn.example/f.woff2", "ftp://x/y"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    with pytest.raises(FetchRefused):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def _long_briefing(rows: int) -> Briefing:
    table = SheetTable(
        name="Dài",
        title="Bảng dài",
        source="Thử",
        columns=[("unit", "Đơn vị thử"), ("value", "Điểm thử"), ("basis_label", "Cơ sở")],
        rows=[{"unit": f"Đơn vị {n}", "value": n, "basis_label": "Công bố"} for n in range(rows)],
    )
    chart = Chart(kind="line", title="Xu hướng", labels=["2020", "2021"], series=[("Điểm", [])])
    return Briefing(
        title='Bản tin "thử" </style>',
        subtitle="",
        filename="thu",
        highlights=[],
        sections=[Section(table=table, charts=[chart])],
    )


def test_a_long_tables_header_is_repeated_on_every_page():
    data = pdf_bytes(_long_briefing(200))
    pages = pdf_pages(data)
    assert len(pages) == 5  # pinned: 200 rows at this layout
    # The title, quotes and all, in the heading and in every page's running header.
    assert all(text.count('Bản tin "thử" </style>') >= 1 for text in pages)
    table_pages = [p for p in pages if "Đơn vị 1" in p or "Đơn vị 199" in p or "Đơn vị 100" in p]
    assert len(table_pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in text
        if "Đơn vị " in text.replace("Đơn vị thử", ""):
            assert "Đơn vị thử Điểm thử CS" in text  # the header, on each page of the table
    assert sum("Đơn vị thử Điểm thử CS" in text for text in pages) >= 4
    reader = PdfReader(io.BytesIO(data))
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {
        (595, 842)
    }


def test_the_nightly_purge_task_calls_the_purge(official, internal_leagues):
    report = _request(official, fmt="xlsx")
    GeneratedReport.objects.filter(pk=report.pk).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    assert briefings_purge_task.apply().get() == 1
    assert not GeneratedReport.objects.exists()


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, official, internal_leagues, django_assert_max_num_queries
):
    for _n in range(5):
        _request(official, fmt="xlsx")
    client.force_login(official)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("briefings:list"))
    assert response.content.decode().count("Xếp hạng nội bộ năm 2021") == 5

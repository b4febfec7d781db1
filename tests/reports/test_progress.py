import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reports.forms import IndicatorValueField
from reports.models import (
    Indicator,
    QuarterlyReport,
)
from reports.services import (
    evidence_add,
    progress_save,
    reminders_send,
    report_approve,
    report_is_open,
    report_open,
    report_problems,
    report_reopen,
    report_return,
    report_submit,
)
from reports.tasks import reminders_task
from tests.factories import (
    ReportingWindowFactory,
)
from units.models import Unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _fill(report, *, explanation="", value="12", status="in_progress"):
    entries = [
        {
            "id": p.pk,
            "status": status,
            "percent_complete": 50,
            "done": "Đã làm",
            "difficulties": "",
            "proposals": "",
            "explanation": explanation,
        }
        for p in report.progress.all()
    ]
    indicators = Indicator.objects.filter(task__progress__report=report)
    values = {i.pk: Decimal(value) if value is not None else None for i in indicators}
    progress_save(report=report, user=None, entries=entries, values=values)


def test_report_opens_with_one_row_per_task(plan, open_window):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    assert [p.task.code for p in report.progress.all()] == ["1"]
    assert report_open(unit=report.unit, window=open_window).pk == report.pk


def test_explanations_are_required_before_submitting(plan, open_window, head_khdt):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    _fill(report, value="12")  # misses the quarterly target of 10 days (lower is better)
    problems = report_problems(report)
    assert "1. Nhiệm vụ 1: chưa có minh chứng, cần ghi giải trình." in problems
    assert any("chưa đạt mục tiêu quý (12 so với 10)" in p for p in problems)
    with pytest.raises(ValidationError):
        report_submit(report=report, user=head_khdt)
    _fill(report, explanation="Chờ liên thông dữ liệu đất đai", value="12", status="late")
    assert report_problems(report) == []
    assert report_submit(report=report, user=head_khdt).status == "submitted"


def test_workflow_submit_return_resubmit_approve(plan, open_window, head_khdt, reviewer):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    _fill(report, explanation="Có giải trình", value="9")
    report = report_submit(report=report, user=head_khdt)
    assert not report_is_open(report)
    with pytest.raises(ValidationError, match="cần ghi rõ nội dung"):
        report_return(report=report, user=reviewer, comment="  ")
    report = report_return(report=report, user=reviewer, comment="Bổ sung minh chứng")
    assert (report.status, report.review_comment) == ("returned", "Bổ sung minh chứng")
    assert report_is_open(report)
    report = report_submit(report=report, user=head_khdt)
    report = report_approve(report=report, user=reviewer)
    assert (report.status, report.reviewed_by) == ("approved", reviewer)
    assert not report_is_open(report)
    history = list(report.history.order_by("history_date").values_list("status", flat=True))
    assert history[-4:] == ["submitted", "returned", "submitted", "approved"]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "approve"),
        ("draft", "return"),
        ("approved", "submit"),
        ("approved", "return"),
        ("approved", "approve"),
        ("returned", "approve"),
        ("submitted", "submit"),
    ],
)
def test_refused_transitions(plan, open_window, head_khdt, reviewer, status, action):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    calls = {
        "approve": lambda: report_approve(report=report, user=reviewer),
        "return": lambda: report_return(report=report, user=reviewer, comment="x"),
        "submit": lambda: report_submit(report=report, user=head_khdt),
    }
    with pytest.raises(ValidationError):
        calls[action]()
    report.refresh_from_db()
    assert report.status == status


def test_window_locks_after_deadline_until_an_admin_reopens(plan, past_window, admin_user):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=past_window)
    assert not report_is_open(report)
    with pytest.raises(ValidationError, match="đã khóa"):
        _fill(report, explanation="x")
    report = report_reopen(report=report, user=admin_user)
    assert report_is_open(report)
    _fill(report, explanation="x")


def test_indicator_values_must_be_numbers():
    field = IndicatorValueField(required=False)
    assert field.clean("85,5") == Decimal("85.5")
    assert field.clean("") is None
    with pytest.raises(ValidationError, match="không phải là số"):
        field.clean("N/A")
    with pytest.raises(ValidationError):
        field.clean("mười hai")


def test_evidence_content_is_checked_not_its_name(plan, open_window, head_khdt):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    progress = report.progress.get()
    with pytest.raises(ValidationError, match="không phải PDF"):
        evidence_add(
            progress=progress, upload=SimpleUploadedFile("baocao.pdf", EXE), user=head_khdt
        )
    with pytest.raises(ValidationError, match="không phải PDF"):
        evidence_add(progress=progress, upload=SimpleUploadedFile("anh.png", PDF), user=head_khdt)
    evidence = evidence_add(
        progress=progress, upload=SimpleUploadedFile("Báo cáo quý.pdf", PDF), user=head_khdt
    )
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "Báo cáo quý.pdf"
    assert "Báo cáo" not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")


@override_settings(EVIDENCE_MAX_MB=1)
def test_oversized_evidence_is_refused(plan, open_window, head_khdt):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match="vượt giới hạn 1 MB"):
        evidence_add(progress=report.progress.get(), upload=big, user=head_khdt)


ROLES = ["official", "reviewer", "head_tttt", "admin_user"]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_on_another_units_report(
    client, request, plan, open_window, head_khdt, role
):
    """SKHDT's report and evidence, tried by every other role: reads only where the role reads
    all; no change, submission, review or reopening outside what the role may do."""
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    progress = report.progress.get()
    evidence = evidence_add(
        progress=progress, upload=SimpleUploadedFile("a.pdf", PDF), user=head_khdt
    )
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("reports:report", args=[report.pk])
    reads_all = role in {"official", "reviewer", "admin_user"}
    assert client.get(url).status_code == (200 if reads_all else 403)
    assert client.get(reverse("reports:evidence", args=[evidence.pk])).status_code == (
        200 if reads_all else 403
    )
    for action in ("save", "submit"):
        assert client.post(url, {"action": action}).status_code == 403
    upload = SimpleUploadedFile("b.pdf", PDF)
    assert (
        client.post(
            reverse("reports:evidence_upload", args=[progress.pk]), {"file": upload}
        ).status_code
        == 403
    )
    may_review = role in {"reviewer", "admin_user"}
    QuarterlyReport.objects.filter(pk=report.pk).update(status="submitted")
    response = client.post(url, {"action": "return", "comment": "x"})
    assert response.status_code == (302 if may_review else 403)
    response = client.post(url, {"action": "reopen"})
    assert response.status_code == (302 if role == "admin_user" else 403)
    report.refresh_from_db()
    if not may_review:
        assert report.status == "submitted"


def test_anonymous_user_is_sent_to_login(client, plan, open_window):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    response = client.get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_head_saves_and_submits_through_the_page(client, plan, open_window, head_khdt):
    client.force_login(head_khdt)
    response = client.post(reverse("reports:start", args=[open_window.pk]))
    report = QuarterlyReport.objects.get(unit__code="48-2025.STC", window=open_window)
    assert response.url == reverse("reports:report", args=[report.pk])
    progress = report.progress.get()
    indicator = Indicator.objects.get(task__code="1")
    data = {
        f"p{progress.pk}-status": "in_progress",
        f"p{progress.pk}-percent_complete": "40",
        f"p{progress.pk}-done": "Đã ban hành quy trình",
        f"p{progress.pk}-explanation": "",
        f"i{indicator.pk}": "N/A",
        "action": "save",
    }
    body = client.post(reverse("reports:report", args=[report.pk]), data).content.decode()
    assert "“N/A” không phải là số" in body
    # Said at the top too: nothing of this post was saved, and the typed text is still there.
    assert "Chưa lưu: báo cáo còn ô có lỗi" in body
    assert "Đã ban hành quy trình" in body
    progress.refresh_from_db()
    assert progress.done == ""
    data[f"i{indicator.pk}"] = "9,5"
    data[f"p{progress.pk}-explanation"] = "Minh chứng nộp bản giấy"
    data["action"] = "submit"
    response = client.post(reverse("reports:report", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.values.get().value == Decimal("9.5")
    assert report.history.first().history_user == head_khdt


def test_overview_shows_who_is_late(client, plan, past_window, open_window, official):
    report_open(unit=Unit.objects.get(code="48-2025.STC"), window=past_window)
    client.force_login(official)
    response = client.get(reverse("reports:home") + "?quy=2025-3")
    rows = {row["unit"].code: row for row in response.context["completeness"]}
    assert rows["48-2025.STC"]["state"] == "draft"
    assert rows["48-2025.STC"]["late"]
    assert rows["48-2025.SKHCN"]["state"] == "not_started"
    coverage = response.context["coverage"]
    assert coverage[0]["index"].code == "PCI"
    assert coverage[0]["component_code"] == "4"
    assert coverage[0]["task_count"] == 2


def test_reminders_mail_heads_and_reviewers(plan, past_window, head_khdt, reviewer):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    year = today.year if quarter > 1 else today.year - 1
    ReportingWindowFactory(
        year=year + 1, quarter=quarter, opens_on=today, deadline=today + dt.timedelta(days=7)
    )
    head_khdt.email = "khdt@quangnam.gov.vn"
    head_khdt.save()
    reviewer.email = "snv@quangnam.gov.vn"
    reviewer.save()
    sent = reminders_task.delay().get()
    assert sent["heads"] == 1
    assert sent["reviewers"] == 1
    subjects = [m.subject for m in mail.outbox]
    assert any("Nhắc nộp báo cáo" in s for s in subjects)
    digest = next(m for m in mail.outbox if "quá hạn" in m.subject)
    assert "Sở Tài chính" in digest.body
    assert digest.to == ["snv@quangnam.gov.vn"]
    assert reminders_send(today=dt.date(2024, 1, 1)) == {"heads": 0, "reviewers": 0}


def test_a_save_racing_a_submission_never_writes_into_the_submitted_report(
    plan, open_window, head_khdt
):
    """A double click: the second request read the report before the first one submitted it.
    Its save reads the report again under a lock and is refused."""
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    _fill(report, explanation="Chờ liên thông dữ liệu đất đai", value="12", status="late")
    stale = QuarterlyReport.objects.get(pk=report.pk)  # read before the submission
    report_submit(report=report, user=head_khdt)
    with pytest.raises(ValidationError):
        _fill(stale, explanation="Ghi đè", value="9", status="done")
    progress = report.progress.get()
    assert progress.explanation == "Chờ liên thông dữ liệu đất đai"
    assert progress.status == "late"

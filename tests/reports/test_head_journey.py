"""The department head's journey: a returned report is found on the home page and fixed, even
after the quarter has closed; a locked report says why and can be asked to be reopened; evidence
is attached with the text typed in the same form."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.models import Evidence, Indicator, QuarterlyReport, ReopenRequest
from reports.services import (
    progress_save,
    reopen_request_create,
    reopen_request_decide,
    report_approve,
    report_is_open,
    report_lock_reason,
    report_open,
    report_return,
    report_submit,
)
from tests.factories import ReportingWindowFactory, TaskFactory
from units.models import Unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _khdt() -> Unit:
    return Unit.objects.get(code="48-2025.STC")


def _fill(report: QuarterlyReport, *, done: str = "Đã làm", explanation: str = "Có giải trình"):
    entries = [
        {
            "id": p.pk,
            "status": "in_progress",
            "percent_complete": 50,
            "done": done,
            "difficulties": "",
            "proposals": "",
            "explanation": explanation,
        }
        for p in report.progress.all()
    ]
    values = {i.pk: Decimal("9") for i in Indicator.objects.filter(task__progress__report=report)}
    progress_save(report=report, user=None, entries=entries, values=values)


def _submitted(window, head) -> QuarterlyReport:
    """SKHDT's report for the window, filled and submitted (on time: the status is set
    directly when the window has already closed)."""
    report = report_open(unit=_khdt(), window=window)
    if report_is_open(report):
        _fill(report)
        return report_submit(report=report, user=head)
    QuarterlyReport.objects.filter(pk=report.pk).update(
        status=QuarterlyReport.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=head
    )
    report.refresh_from_db()
    return report


def _returned(window, head, reviewer, comment="Bổ sung quyết định phê duyệt") -> QuarterlyReport:
    return report_return(report=_submitted(window, head), user=reviewer, comment=comment)


def _form_data(report: QuarterlyReport, *, done: str, action: str = "save") -> dict[str, str]:
    progress = report.progress.get()
    indicator = Indicator.objects.get(task=progress.task)
    return {
        f"p{progress.pk}-status": "in_progress",
        f"p{progress.pk}-percent_complete": "70",
        f"p{progress.pk}-done": done,
        f"p{progress.pk}-difficulties": "",
        f"p{progress.pk}-proposals": "",
        f"p{progress.pk}-explanation": "",
        f"i{indicator.pk}": "9",
        "action": action,
    }


def _section(body: str, element_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{element_id}".*?</section>', body, re.S)
    assert match, f"no section #{element_id}"
    return match.group(0)


# A returned report stays editable until it is resubmitted ---------------------------------------


def test_returned_report_stays_editable_after_the_window_closes(
    plan, past_window, head_khdt, reviewer
):
    report = _returned(past_window, head_khdt, reviewer)
    assert past_window.deadline < timezone.localdate()
    assert report_is_open(report)
    assert report_lock_reason(report) == ""
    _fill(report, done="Đã bổ sung quyết định")
    report = report_submit(report=report, user=head_khdt)
    assert report.status == "submitted"
    assert not report_is_open(report)


def test_head_edits_a_returned_report_past_the_window_through_the_page(
    client, plan, past_window, head_khdt, reviewer
):
    report = _returned(past_window, head_khdt, reviewer)
    client.force_login(head_khdt)
    url = reverse("reports:report", args=[report.pk])
    page = client.get(url)
    assert page.context["can_edit"] is True
    assert "Bổ sung quyết định phê duyệt" in page.content.decode()
    response = client.post(url, _form_data(report, done="Đã bổ sung sau hạn"))
    assert response.status_code == 302
    assert report.progress.get().done == "Đã bổ sung sau hạn"


# A locked report says why ------------------------------------------------------------------------


def test_locked_report_reasons(plan, past_window, open_window, head_khdt, reviewer):
    closed = report_open(unit=_khdt(), window=past_window)
    assert report_lock_reason(closed) == "Kỳ báo cáo đã đóng ngày 15/10/2025."
    with pytest.raises(ValidationError, match="Kỳ báo cáo đã đóng ngày 15/10/2025"):
        _fill(closed)

    submitted = _submitted(open_window, head_khdt)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert report_lock_reason(submitted) == f"Đã nộp ngày {today}, đang chờ duyệt."
    approved = report_approve(report=submitted, user=reviewer)
    assert report_lock_reason(approved) == f"Đã duyệt ngày {today}."

    QuarterlyReport.objects.filter(pk=closed.pk).update(
        reopened_until=dt.datetime(2025, 11, 2, 5, tzinfo=dt.UTC)
    )
    closed.refresh_from_db()
    assert report_lock_reason(closed) == "Thời hạn mở lại đã hết ngày 02/11/2025."


def test_locked_report_page_shows_the_reason_and_offers_a_reopen_request(
    client, plan, open_window, head_khdt, reviewer
):
    report = _submitted(open_window, head_khdt)
    url = reverse("reports:report", args=[report.pk])
    client.force_login(head_khdt)
    body = client.get(url).content.decode()
    assert "Báo cáo đang khóa" in body
    assert "đang chờ duyệt" in body
    assert 'id="reopen-request"' in body
    assert "Đề nghị mở lại" in body
    client.force_login(reviewer)
    body = client.get(url).content.decode()
    assert 'id="reopen-request"' not in body  # reviewers decide; they do not ask


# Reopening on request ----------------------------------------------------------------------------


def test_reopen_request_granted_makes_the_report_editable(plan, open_window, head_khdt, reviewer):
    report = report_approve(report=_submitted(open_window, head_khdt), user=reviewer)
    with pytest.raises(ValidationError, match="ghi lý do"):
        reopen_request_create(report=report, user=head_khdt, reason="  ")
    request = reopen_request_create(
        report=report, user=head_khdt, reason="Nhận được quyết định mới sau khi nộp"
    )
    assert request.status == "pending"
    with pytest.raises(ValidationError, match="đang chờ xử lý"):
        reopen_request_create(report=report, user=head_khdt, reason="Lần nữa")
    request = reopen_request_decide(request=request, user=reviewer, grant=True)
    report.refresh_from_db()
    assert (report.status, report_is_open(report)) == ("draft", True)
    assert (request.status, request.decided_by, request.decided_at is not None) == (
        "granted",
        reviewer,
        True,
    )
    with pytest.raises(ValidationError, match="đã được xử lý"):
        reopen_request_decide(request=request, user=reviewer, grant=False, note="x")
    _fill(report, done="Bổ sung quyết định mới")
    assert report_submit(report=report, user=head_khdt).status == "submitted"


def test_reopen_request_refused_keeps_the_report_locked_and_the_history(
    plan, past_window, head_khdt, reviewer
):
    report = report_open(unit=_khdt(), window=past_window)
    first = reopen_request_create(report=report, user=head_khdt, reason="Quên gửi")
    with pytest.raises(ValidationError, match="cần ghi rõ lý do"):
        reopen_request_decide(request=first, user=reviewer, grant=False, note="")
    reopen_request_decide(request=first, user=reviewer, grant=False, note="Đã quá 3 tháng")
    report.refresh_from_db()
    assert not report_is_open(report)
    second = reopen_request_create(report=report, user=head_khdt, reason="Có văn bản đồng ý")
    reopen_request_decide(request=second, user=reviewer, grant=True)
    history = list(
        ReopenRequest.objects.filter(report=report)
        .order_by("requested_at", "pk")
        .values_list("requested_by__username", "reason", "status", "decided_by__username")
    )
    assert history == [
        ("head-khdt", "Quên gửi", "refused", "reviewer-test"),
        ("head-khdt", "Có văn bản đồng ý", "granted", "reviewer-test"),
    ]
    report.refresh_from_db()
    assert report_is_open(report)


def test_reopen_request_is_refused_for_an_editable_report(plan, open_window, head_khdt):
    report = report_open(unit=_khdt(), window=open_window)
    with pytest.raises(ValidationError, match="đang mở"):
        reopen_request_create(report=report, user=head_khdt, reason="x")


def test_returning_a_report_answers_its_pending_request(plan, open_window, head_khdt, reviewer):
    report = _submitted(open_window, head_khdt)
    request = reopen_request_create(report=report, user=head_khdt, reason="Sửa số liệu")
    report_return(report=report, user=reviewer, comment="Sửa số liệu chỉ tiêu")
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("granted", reviewer)
    assert "trả lại" in request.decision_note


@pytest.mark.parametrize(
    ("role", "asks", "decides"),
    [
        ("head_khdt", 302, 403),
        ("head_tttt", 403, 403),
        ("official", 403, 403),
        ("reviewer", 403, 302),
        ("admin_user", 403, 302),
    ],
)
def test_reopen_permissions(
    client, request, plan, open_window, head_khdt, reviewer, role, asks, decides
):
    """Only the unit's head asks; reviewers and admins decide (a refusal needs a note)."""
    report = _submitted(open_window, head_khdt)
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        reverse("reports:reopen_request", args=[report.pk]), {"reason": "Bổ sung tệp"}
    )
    assert response.status_code == asks
    assert ReopenRequest.objects.filter(report=report).count() == (1 if asks == 302 else 0)
    pending = ReopenRequest.objects.filter(report=report).first() or reopen_request_create(
        report=report, user=head_khdt, reason="Bổ sung tệp"
    )
    response = client.post(
        reverse("reports:reopen_decide", args=[pending.pk]),
        {"decision": "refuse", "note": "Không cần thiết"},
    )
    assert response.status_code == decides
    pending.refresh_from_db()
    assert pending.status == ("refused" if decides == 302 else "pending")


def test_reviewer_sees_and_grants_a_request_through_the_pages(
    client, plan, open_window, head_khdt, reviewer
):
    report = _submitted(open_window, head_khdt)
    client.force_login(head_khdt)
    client.post(
        reverse("reports:reopen_request", args=[report.pk]), {"reason": "Thiếu minh chứng quý"}
    )
    client.force_login(reviewer)
    home = client.get(reverse("reports:home")).content.decode()
    requests = _section(home, "reopen-requests")
    assert "Thiếu minh chứng quý" in requests
    assert f'href="{reverse("reports:report", args=[report.pk])}#reopen-decision"' in requests
    page = client.get(reverse("reports:report", args=[report.pk]))
    pending = page.context["pending_request"]
    assert 'id="reopen-decision"' in page.content.decode()
    client.post(reverse("reports:reopen_decide", args=[pending.pk]), {"decision": "grant"})
    body = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    history = _section(body, "reopen-history")
    assert "Thiếu minh chứng quý" in history
    assert "Đã đồng ý mở lại" in history
    assert "reviewer-test" in history
    report.refresh_from_db()
    assert report.status == "draft"


# Evidence in the same form as the text -----------------------------------------------------------


def test_evidence_uploaded_with_the_text_keeps_the_text(client, plan, open_window, head_khdt):
    report = report_open(unit=_khdt(), window=open_window)
    progress = report.progress.get()
    client.force_login(head_khdt)
    data = _form_data(report, done="Ban hành quy trình liên thông")
    data[f"evidence-{progress.pk}"] = SimpleUploadedFile("quyet-dinh.pdf", PDF)
    response = client.post(reverse("reports:report", args=[report.pk]), data, follow=True)
    progress.refresh_from_db()
    assert progress.done == "Ban hành quy trình liên thông"
    assert [e.original_name for e in progress.evidence.all()] == ["quyet-dinh.pdf"]
    body = response.content.decode()
    assert "Ban hành quy trình liên thông" in body
    assert "Đã lưu minh chứng: quyet-dinh.pdf." in body


def test_evidence_and_submission_in_one_post(client, plan, open_window, head_khdt):
    """No explanation is needed once the file is there: it is stored before the check."""
    report = report_open(unit=_khdt(), window=open_window)
    progress = report.progress.get()
    client.force_login(head_khdt)
    data = _form_data(report, done="Hoàn thành", action="submit")
    data[f"evidence-{progress.pk}"] = SimpleUploadedFile("bien-ban.pdf", PDF)
    client.post(reverse("reports:report", args=[report.pk]), data)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert progress.evidence.count() == 1


def test_refused_evidence_does_not_lose_the_text(client, plan, open_window, head_khdt):
    report = report_open(unit=_khdt(), window=open_window)
    progress = report.progress.get()
    client.force_login(head_khdt)
    data = _form_data(report, done="Nội dung đã gõ")
    data[f"evidence-{progress.pk}"] = SimpleUploadedFile("baocao.pdf", EXE)
    body = client.post(reverse("reports:report", args=[report.pk]), data).content.decode()
    progress.refresh_from_db()
    assert progress.done == "Nội dung đã gõ"
    assert not Evidence.objects.filter(progress=progress).exists()
    assert "không phải PDF" in body
    assert "Nội dung đã gõ" in body


def test_invalid_form_keeps_the_typed_text_and_says_the_file_was_not_stored(
    client, plan, open_window, head_khdt
):
    report = report_open(unit=_khdt(), window=open_window)
    progress = report.progress.get()
    client.force_login(head_khdt)
    data = _form_data(report, done="Chưa lưu nhưng không mất")
    data[next(k for k in data if k.startswith("i"))] = "N/A"
    data[f"evidence-{progress.pk}"] = SimpleUploadedFile("a.pdf", PDF)
    body = client.post(reverse("reports:report", args=[report.pk]), data).content.decode()
    assert "Chưa lưu nhưng không mất" in body
    assert "chọn lại tệp" in body
    assert not Evidence.objects.filter(progress=progress).exists()


def test_another_unit_cannot_attach_through_the_report_form(
    client, plan, open_window, head_khdt, head_tttt
):
    report = report_open(unit=_khdt(), window=open_window)
    progress = report.progress.get()
    client.force_login(head_tttt)
    data = _form_data(report, done="x")
    data[f"evidence-{progress.pk}"] = SimpleUploadedFile("a.pdf", PDF)
    assert client.post(reverse("reports:report", args=[report.pk]), data).status_code == 403
    assert not Evidence.objects.exists()


# The head's home page ----------------------------------------------------------------------------


def test_home_lists_the_returned_report_first_with_comment_and_link(
    client, plan, past_window, open_window, head_khdt, reviewer
):
    report_open(unit=_khdt(), window=open_window)
    returned = _returned(past_window, head_khdt, reviewer, comment="Thiếu biên bản nghiệm thu")
    client.force_login(head_khdt)
    response = client.get(reverse("reports:home"))
    assert response.context["own"]["returned"] == [returned]
    body = response.content.decode()
    section = _section(body, "returned-reports")
    assert body.index('id="returned-reports"') < body.index('id="own-reports"')
    assert "Thiếu biên bản nghiệm thu" in section
    assert f'href="{reverse("reports:report", args=[returned.pk])}"' in section
    quarters = _section(body, "own-reports")
    assert "Quý 3/2025" in quarters
    assert "15/10/2025" in quarters
    assert "Trả lại để bổ sung" in quarters


def test_home_overdue_items_are_links(client, plan, past_window, open_window, head_khdt):
    late_draft = report_open(unit=_khdt(), window=past_window)
    ReportingWindowFactory(
        year=2025, quarter=4, opens_on=dt.date(2025, 12, 10), deadline=dt.date(2026, 1, 15)
    )
    TaskFactory(
        plan=plan,
        code="7",
        title="Số hóa hồ sơ đất đai",
        responsible=_khdt(),
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    current = report_open(unit=_khdt(), window=open_window)
    client.force_login(head_khdt)
    overdue = _section(client.get(reverse("reports:home")).content.decode(), "overdue")
    links = {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', overdue)
    }
    report_url = reverse("reports:report", args=[late_draft.pk])
    assert links["Báo cáo Quý 3/2025 chưa gửi, hạn nộp 15/10/2025"] == report_url
    assert links["Báo cáo Quý 4/2025 chưa bắt đầu, hạn nộp 15/01/2026"] == "#quy-2025-4"
    task_link = next(text for text in links if text.startswith("Nhiệm vụ 7."))
    assert "Số hóa hồ sơ đất đai: quá hạn hoàn thành" in task_link
    assert links[task_link] == reverse("reports:report", args=[current.pk]) + "#task-7"
    assert len(re.findall("<li>", overdue)) == len(links)


def test_home_page_queries_do_not_grow_with_quarters(
    client, plan, past_window, head_khdt, django_assert_max_num_queries
):
    for year, quarter in ((2025, 4), (2026, 1), (2026, 2)):
        window = ReportingWindowFactory(year=year, quarter=quarter)
        report_open(unit=_khdt(), window=window)
    report_open(unit=_khdt(), window=past_window)
    client.force_login(head_khdt)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:home")).status_code == 200


def test_report_page_names_components_not_codes(client, plan, open_window, head_khdt):
    report = report_open(unit=_khdt(), window=open_window)
    client.force_login(head_khdt)
    body = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "PCI: Chi phí thời gian" in body
    assert "[4]" not in body

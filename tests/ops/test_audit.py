"""The audit log: every sign-in (and failure), import commit and restore, target change,
review decision, reopening and table download, with who, when, what and from where; shown to
admins; and a record that cannot be written never stops the action it records."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.context import AuditRequestMiddleware
from audit.models import AuditEvent
from audit.services import audit_record
from indices.models import Index, Target
from indices.services.catalogue import target_delete, target_save
from indices.services.imports.service import import_restore, scores_import
from reports import services as report_services
from reports.models import QuarterlyReport, ReopenRequest
from tests.factories import ReportingWindowFactory, TaskFactory, UserFactory
from tests.indices.spreadsheets import import_fixture
from tests.leagues import edition_of
from units.models import Unit

Kind = AuditEvent.Kind


def _events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


# Sign-in ----------------------------------------------------------------------------------------


def test_a_sign_in_is_recorded_with_the_account_and_address(client, admin_user):
    response = client.post(
        reverse("login"),
        {"username": "admin-test", "password": "demo12345"},
        REMOTE_ADDR="10.49.1.7",
    )
    assert response.status_code == 302
    [event] = _events(Kind.SIGN_IN)
    assert (event.user, event.username, event.ip_address) == (admin_user, "admin-test", "10.49.1.7")
    assert event.at <= timezone.now()


def test_a_failed_sign_in_is_recorded_under_the_name_typed(client, admin_user):
    client.post(reverse("login"), {"username": "admin-test", "password": "wrong"})
    client.post(reverse("login"), {"username": "khong-co\x07ai", "password": "x"})
    known, unknown = _events(Kind.SIGN_IN_FAILED)
    assert (known.user, known.username) == (admin_user, "admin-test")
    assert known.ip_address == "127.0.0.1"
    assert "demo12345" not in str(vars(known))
    assert "wrong" not in known.description
    assert (unknown.user, unknown.username) == (None, "khong-coai")  # control characters gone
    assert _events(Kind.SIGN_IN) == []


# Reviews and reopening ---------------------------------------------------------------------------


def _submitted_report(unit_code: str = "48-2025.STC") -> QuarterlyReport:
    unit = Unit.objects.get(code=unit_code)
    today = timezone.localdate()
    window = ReportingWindowFactory(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
    )
    TaskFactory(responsible=unit, plan__province=Unit.objects.get(code="49"))
    report = report_services.report_open(unit=unit, window=window)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.SUBMITTED)
    return report


def test_approval_return_and_reopenings_are_recorded(reviewer, admin_user, head_khdt):
    report = _submitted_report()
    report_services.report_approve(report=report, user=reviewer)
    report_services.report_reopen(report=report, user=admin_user)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.SUBMITTED)
    report_services.report_return(report=report, user=reviewer, comment="  Bổ sung minh chứng ")
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.APPROVED)
    request = ReopenRequest.objects.create(
        report=report, reason="Sửa số liệu quý", requested_by=head_khdt
    )
    report_services.reopen_request_decide(request=request, user=admin_user, grant=True)

    [approved] = _events(Kind.REPORT_APPROVE)
    assert approved.user == reviewer
    assert (approved.object_type, approved.object_id) == ("reports.quarterlyreport", str(report.pk))
    assert approved.object_repr == str(report)
    [returned] = _events(Kind.REPORT_RETURN)
    assert returned.description == "Bổ sung minh chứng"
    direct, on_request = _events(Kind.REPORT_REOPEN)
    assert direct.user == on_request.user == admin_user
    assert on_request.description == "Sửa số liệu quý"


def test_a_refused_transition_leaves_no_record(reviewer):
    report = _submitted_report()
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.DRAFT)
    with pytest.raises(Exception, match="Không thể chuyển"):
        report_services.report_approve(report=report, user=reviewer)
    assert _events(Kind.REPORT_APPROVE) == []


# Imports and targets -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_commit_and_a_batch_restore_are_recorded_once_each(admin_user):
    first = import_fixture("pci_2021_published.xlsx")
    scores_import(
        edition=edition_of("PCI", 2021),
        data="Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,73.02,1\n".encode(),
        filename="r.csv",
        user=admin_user,
        allow_missing=True,
    )
    import_restore(batch=first.batch, user=admin_user)

    commits = _events(Kind.IMPORT_COMMIT)
    assert [e.description for e in commits] == [
        "PCI 2021: pci_2021_published.xlsx",
        "PCI 2021: r.csv",
    ]
    assert commits[1].user == admin_user
    [restore] = _events(Kind.BATCH_RESTORE)
    assert (restore.user, restore.object_id) == (admin_user, str(first.batch.pk))


def test_a_target_change_records_the_reader_and_address_of_the_request(admin_user):
    """Services that take no user (target_save) get both from the request being served."""
    request = RequestFactory().post("/chi-so/muc-tieu/", REMOTE_ADDR="2001:db8::7")
    request.user = admin_user

    def view(request):
        target = target_save(
            unit=Unit.objects.get(code="49"),
            index=Index.objects.get(code="PCI"),
            kind=Target.Kind.SCORE,
            baseline_year=2020,
            target_value=Decimal("70"),
        )
        target_delete(target=target)
        return None

    AuditRequestMiddleware(view)(request)
    saved, deleted = _events(Kind.TARGET_CHANGE)
    assert (saved.user, saved.ip_address, saved.path) == (
        admin_user,
        "2001:db8::7",
        "/chi-so/muc-tieu/",
    )
    assert saved.object_type == "indices.target"
    assert "PCI" in saved.object_repr
    assert (saved.description, deleted.description) == ("Lưu mục tiêu", "Xóa mục tiêu")


# Downloads ---------------------------------------------------------------------------------------


def test_a_table_download_is_recorded_with_its_file_and_query(client, official, pci_2021):
    client.force_login(official)
    url = reverse("dashboards:index", args=["PCI"]) + "?nam=2021&tai=csv"
    assert client.get(url, REMOTE_ADDR="192.0.2.10").status_code == 200
    client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021")  # the page: no record
    [event] = _events(Kind.EXPORT)
    assert (event.user, event.ip_address, event.path) == (official, "192.0.2.10", url)
    assert event.description.endswith(".csv")


# Failures ----------------------------------------------------------------------------------------


@pytest.fixture
def broken_log(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEvent, "save", fail)


def test_a_failed_record_is_logged_and_the_approval_proceeds(reviewer, broken_log, caplog):
    report = _submitted_report()
    with caplog.at_level(logging.ERROR, logger="audit"):
        report_services.report_approve(report=report, user=reviewer)
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.APPROVED
    assert "could not record report_approve" in caplog.text
    assert "disk full" in caplog.text


def test_a_failed_record_never_stops_a_sign_in_or_a_download(
    client, official, pci_2021, broken_log, caplog
):
    with caplog.at_level(logging.ERROR, logger="audit"):
        response = client.post(
            reverse("login"), {"username": "official-test", "password": "demo12345"}
        )
        assert response.status_code == 302
        url = reverse("dashboards:index", args=["PCI"]) + "?nam=2021&tai=csv"
        assert client.get(url).status_code == 200
    assert "could not record sign_in" in caplog.text
    assert "could not record export" in caplog.text


def test_a_record_outside_any_request_names_no_one(db):
    event = audit_record(kind=Kind.IMPORT_COMMIT, description="lệnh import_scores")
    assert event is not None
    assert (event.user, event.username, event.ip_address, event.path) == (None, "", None, "")


# The page and the admin site ---------------------------------------------------------------------


def test_the_log_page_filters_by_kind_and_user_and_pages(
    client, admin_user, official, django_assert_max_num_queries
):
    for n in range(60):
        audit_record(kind=Kind.EXPORT, user=official, description=f"bang-{n}.csv")
    audit_record(kind=Kind.SIGN_IN_FAILED, username="ke-la")
    client.force_login(admin_user)
    url = reverse("audit:list")
    with django_assert_max_num_queries(8):
        body = client.get(url).content.decode()
    assert "Trang 1/2" in body
    assert "bang-59.csv" in body
    assert "bang-0.csv" not in body
    body = client.get(url + "?kind=sign_in_failed").content.decode()
    assert "ke-la" in body
    assert "bang-59.csv" not in body
    body = client.get(url + "?user=OFFICIAL-TEST&page=2").content.decode()
    assert "bang-0.csv" in body
    assert "ke-la" not in body
    assert client.get(url + "?kind=nope").status_code == 200  # an unknown kind: everything


def test_the_admin_site_shows_the_log_read_only(client, reference_units):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    event = audit_record(kind=Kind.EXPORT, user=superuser, description="bang.csv")
    assert event is not None
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"description": "sửa"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.description == "bang.csv"


def test_a_record_the_database_refuses_leaves_the_action_s_transaction_usable(
    reviewer, monkeypatch, caplog
):
    """The insert fails in the database itself (its table is gone): on PostgreSQL that aborts
    the transaction unless the insert ran in its own savepoint, as it does."""
    report = _submitted_report()
    monkeypatch.setattr(AuditEvent._meta, "db_table", "audit_event_missing")
    with caplog.at_level(logging.ERROR, logger="audit"):
        report_services.report_return(report=report, user=reviewer, comment="Thiếu minh chứng")
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.RETURNED
    assert report.review_comment == "Thiếu minh chứng"
    assert "could not record report_return" in caplog.text

"""Reporting windows from the management page: create, edit, errors named by field."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services as report_services
from reports import services_manage
from reports.models import ReportingWindow
from units.models import Unit


def _form(**overrides):
    data = {"year": 2027, "quarter": 1, "opens_on": "2027-03-20", "deadline": "2027-04-10"}
    data.update(overrides)
    return data


def test_window_create(admin_client):
    response = admin_client.post(reverse("manage:window_create"), _form())
    assert response.status_code == 302
    window = ReportingWindow.objects.get(year=2027, quarter=1)
    assert window.opens_on == dt.date(2027, 3, 20)
    assert window.deadline == dt.date(2027, 4, 10)
    html = admin_client.get(reverse("manage:window_list")).content.decode()
    assert "Quý 1/2027" in html
    assert "10/04/2027" in html


def test_window_create_names_a_deadline_before_the_opening(admin_client):
    response = admin_client.post(
        reverse("manage:window_create"), _form(opens_on="2027-04-20", deadline="2027-04-10")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["deadline"] == ["Hạn nộp phải sau hoặc cùng ngày mở kỳ báo cáo."]
    assert not ReportingWindow.objects.filter(year=2027).exists()


def test_window_create_names_a_quarter_that_has_a_window(admin_client):
    ReportingWindow.objects.create(
        year=2027, quarter=1, opens_on=dt.date(2027, 3, 1), deadline=dt.date(2027, 3, 31)
    )
    response = admin_client.post(reverse("manage:window_create"), _form())
    assert response.status_code == 200
    assert "Đã có kỳ báo cáo quý 1/2027." in response.content.decode()
    assert ReportingWindow.objects.filter(year=2027).count() == 1


@pytest.mark.parametrize("quarter", ["0", "5", "x"])
def test_window_create_refuses_a_quarter_outside_1_to_4(admin_client, quarter):
    response = admin_client.post(reverse("manage:window_create"), _form(quarter=quarter))
    assert response.status_code == 200
    assert "quarter" in response.context["form"].errors


def test_window_edit_moves_the_dates(admin_client):
    window = ReportingWindow.objects.create(
        year=2027, quarter=2, opens_on=dt.date(2027, 6, 20), deadline=dt.date(2027, 7, 10)
    )
    response = admin_client.post(
        reverse("manage:window_edit", args=[window.pk]),
        _form(quarter=2, opens_on="2027-06-15", deadline="2027-07-15"),
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert (window.opens_on, window.deadline) == (dt.date(2027, 6, 15), dt.date(2027, 7, 15))


def test_window_with_reports_keeps_its_quarter(admin_client, reference_units):
    window = ReportingWindow.objects.create(
        year=2027, quarter=2, opens_on=dt.date(2027, 6, 20), deadline=dt.date(2027, 7, 10)
    )
    report_services.report_open(unit=Unit.objects.get(code="48-2025.STC"), window=window)
    page = admin_client.get(reverse("manage:window_edit", args=[window.pk])).content.decode()
    assert "chỉ đổi được ngày mở và hạn nộp" in page
    # The disabled fields keep their value whatever is posted.
    response = admin_client.post(
        reverse("manage:window_edit", args=[window.pk]),
        _form(year=2030, quarter=4, opens_on="2027-06-20", deadline="2027-07-20"),
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert (window.year, window.quarter, window.deadline) == (2027, 2, dt.date(2027, 7, 20))


def test_window_save_refuses_to_move_a_window_with_reports(reference_units):
    window = ReportingWindow.objects.create(
        year=2027, quarter=2, opens_on=dt.date(2027, 6, 20), deadline=dt.date(2027, 7, 10)
    )
    report_services.report_open(unit=Unit.objects.get(code="48-2025.STC"), window=window)
    with pytest.raises(report_services.ValidationError) as caught:
        services_manage.window_save(
            window=window,
            year=2027,
            quarter=3,
            opens_on=window.opens_on,
            deadline=window.deadline,
        )
    assert "quarter" in caught.value.message_dict


def test_window_list_shows_state_and_report_count(admin_client, reference_units):
    today = timezone.localdate()
    window = ReportingWindow.objects.create(
        year=2099, quarter=1, opens_on=today - dt.timedelta(days=1), deadline=today
    )
    report_services.report_open(unit=Unit.objects.get(code="48-2025.STC"), window=window)
    html = admin_client.get(reverse("manage:window_list")).content.decode()
    assert "Đang mở" in html
    assert '<td class="num">1</td>' in html


def test_window_list_queries_do_not_grow_with_windows(admin_client, django_assert_max_num_queries):
    for year in range(2020, 2030):
        ReportingWindow.objects.create(
            year=year, quarter=1, opens_on=dt.date(year, 3, 1), deadline=dt.date(year, 3, 31)
        )
    with django_assert_max_num_queries(6):
        assert admin_client.get(reverse("manage:window_list")).status_code == 200

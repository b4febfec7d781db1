"""The directory on a date as a page: /don-vi/danh-muc/?ngay=2025-07-01&cap=province."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

URL = reverse("units:on_date")


def text(response) -> str:
    """The page's text, tags dropped and spaces collapsed, as a person reads it."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_url_follows_the_units_naming():
    assert URL == "/don-vi/danh-muc/"


def test_anonymous_user_is_sent_to_login_and_a_user_without_a_role_refused(
    client, django_user_model, reference_units
):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(django_user_model.objects.create_user("norole", password="x-12345-y"))
    assert client.get(URL).status_code == 403


def test_provinces_on_1_july_2025(client, official, django_assert_max_num_queries):
    client.force_login(official)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"ngay": "2025-07-01", "cap": "province"})
    assert response.status_code == 200
    page = text(response)
    assert "Danh mục đơn vị theo ngày" in page
    assert "Các đơn vị có hiệu lực ngày 01/07/2025" in page
    assert "34 tỉnh, thành phố" in page
    assert "34 đơn vị có hiệu lực ngày 01/07/2025" in page
    assert "Tỉnh Quảng Nam" in page  # as the new Đà Nẵng's predecessor
    body = response.content.decode()
    row = re.search(r'<tr id="don-vi-48-2025">.*?</tr>', body, re.S).group(0)
    assert "Thành phố Đà Nẵng" in row
    assert "01/07/2025" in row  # valid from, in the Vietnamese date format
    # Its predecessors link to the directory on the day before the merger, at their rows.
    assert 'href="/don-vi/danh-muc/?ngay=2025-06-30&amp;cap=province#don-vi-49"' in row
    assert 'href="/don-vi/danh-muc/?ngay=2025-06-30&amp;cap=province#don-vi-48"' in row
    assert 'id="don-vi-49"' not in body
    assert '<input type="date" name="ngay" value="2025-07-01"' in body


def test_provinces_on_30_june_2025_link_to_their_successor(client, official):
    client.force_login(official)
    response = client.get(URL, {"ngay": "2025-06-30", "cap": "province"})
    page = text(response)
    assert "63 tỉnh, thành phố" in page
    body = response.content.decode()
    row = re.search(r'<tr id="don-vi-49">.*?</tr>', body, re.S).group(0)
    assert "Tỉnh Quảng Nam" in row
    assert "30/06/2025" in row
    assert 'href="/don-vi/danh-muc/?ngay=2025-07-01&amp;cap=province#don-vi-48-2025"' in row


def test_departments_before_and_after_1_march_2025(client, official):
    client.force_login(official)
    before_page = client.get(URL, {"ngay": "2025-02-28", "cap": "department"})
    before = text(before_page)
    after = text(client.get(URL, {"ngay": "2025-03-01", "cap": "department"}))
    assert "Sở Kế hoạch và Đầu tư" in before
    assert "Sở Kế hoạch và Đầu tư Sở, ban, ngành Quảng Nam — 28/02/2025" in before
    # Not yet a row of its own: only named as the successor of the two it merged.
    assert 'id="don-vi-49.SNNMT"' not in before_page.content.decode()
    assert before.count("Sở Nông nghiệp và Môi trường (sáp nhập, 01/03/2025)") == 2
    assert "27 sở, ban, ngành và cơ quan ngành dọc" in before
    assert "21 sở, ban, ngành và cơ quan ngành dọc" in after
    assert "Sở Nông nghiệp và Môi trường" in after
    # Only as Sở Tài chính's predecessor ("sáp nhập, 01/03/2025"), no longer a row of its own.
    assert after.count("Sở Kế hoạch và Đầu tư") == 1
    assert "Sở Kế hoạch và Đầu tư (sáp nhập, 01/03/2025)" in after


def test_every_level_is_counted_and_districts_end_with_june_2025(client, official):
    client.force_login(official)
    before = text(client.get(URL, {"ngay": "2025-06-30"}))
    after = text(client.get(URL, {"ngay": "2025-07-01"}))
    assert "17 đơn vị cấp huyện" in before
    assert "Huyện Quế Sơn" in before
    assert "Giải thể cấp hành chính (01/07/2025)" in before
    assert "0 đơn vị cấp huyện" in after
    assert "Huyện Quế Sơn" not in after


@pytest.mark.parametrize(
    "query",
    [
        {"ngay": "2025-13-45"},
        {"ngay": "hôm qua", "cap": "province"},
        {"ngay": "<script>alert(1)</script>"},
        {"ngay": "99999-01-01"},
    ],
)
def test_a_malformed_date_falls_back_to_today_with_a_message(client, official, query):
    client.force_login(official)
    response = client.get(URL, query)
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["directory"].on_date == today
    page = text(response)
    assert "không hợp lệ; danh mục hiển thị ngày hôm nay" in page
    assert f"Các đơn vị có hiệu lực ngày {today:%d/%m/%Y}" in page
    assert "<script>alert" not in response.content.decode()


def test_an_unknown_level_falls_back_to_every_level_with_a_message(client, official):
    client.force_login(official)
    response = client.get(URL, {"ngay": "2025-07-01", "cap": "ward"})
    assert response.status_code == 200
    assert response.context["directory"].level is None
    assert response.context["directory"].on_date == dt.date(2025, 7, 1)
    assert "Cấp “ward” không có; danh mục hiển thị tất cả các cấp." in text(response)


def test_without_parameters_the_page_shows_today(client, official):
    client.force_login(official)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["directory"].on_date == timezone.localdate()
    assert "không hợp lệ" not in text(response)


def test_the_unit_list_links_to_the_directory_on_a_date(client, official):
    client.force_login(official)
    body = client.get(reverse("units:list")).content.decode()
    assert f'href="{URL}"' in body
    assert "Xem danh mục đơn vị theo ngày" in body
    # The page belongs to the navigation's "Đơn vị" item.
    page = client.get(URL).content.decode()
    assert re.search(r'href="/don-vi/"\s+aria-current="page"', page)

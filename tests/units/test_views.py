import pytest
from django.urls import reverse

from units.models import Unit


def test_anonymous_user_is_sent_to_login(client, reference_units):
    for url in (
        reverse("dashboards:home"),
        reverse("units:list"),
        reverse("dashboards:unit", args=["49"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_user_without_a_role_is_refused(client, django_user_model, reference_units):
    user = django_user_model.objects.create_user("norole", password="x-12345-y")
    client.force_login(user)
    assert client.get(reverse("units:list")).status_code == 403


def test_directory_lists_units_in_vietnamese(client, official, django_assert_max_num_queries):
    client.force_login(official)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("units:list"), {"kind": "province", "q": "Quảng"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Danh mục đơn vị" in body
    assert "Tỉnh Quảng Nam" in body
    assert "Tỉnh Quảng Ngãi" in body


def test_directory_filters_by_date(client, official):
    client.force_login(official)
    response = client.get(reverse("units:list"), {"kind": "province", "on": "01/07/2025"})
    assert response.context["page"].paginator.count == 34


def test_quang_nam_page_shows_districts_and_merger(client, official):
    client.force_login(official)
    body = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    assert "Huyện Nông Sơn" in body
    assert "Thành phố Tam Kỳ" in body
    assert "Sáp nhập" in body
    assert "Thành phố Đà Nẵng" in body
    assert "30/06/2025" in body  # Vietnamese date format


def test_department_head_edits_only_own_unit(client, head_khdt):
    client.force_login(head_khdt)
    own = reverse("units:contact", args=["48-2025.STC"])
    other = reverse("units:contact", args=["48-2025.SKHCN"])
    assert client.get(own).status_code == 200
    response = client.post(own, {"contact_email": "khdt@quangnam.gov.vn", "contact_phone": ""})
    assert response.status_code == 302
    assert Unit.objects.get(code="48-2025.STC").contact_email == "khdt@quangnam.gov.vn"

    assert client.get(other).status_code == 403
    response = client.post(other, {"contact_email": "evil@example.com", "contact_phone": ""})
    assert response.status_code == 403
    assert Unit.objects.get(code="48-2025.SKHCN").contact_email == ""


@pytest.mark.parametrize("role_fixture", ["official", "reviewer"])
def test_other_roles_cannot_edit_unit_contacts(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("units:contact", args=["48-2025.STC"])).status_code == 403


def test_admin_edits_any_unit(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("units:contact", args=["48-2025.SKHCN"])).status_code == 200


def test_unit_change_is_kept_in_history(client, head_khdt):
    client.force_login(head_khdt)
    client.post(
        reverse("units:contact", args=["48-2025.STC"]),
        {"contact_email": "a@quangnam.gov.vn", "contact_phone": "0235"},
    )
    record = Unit.objects.get(code="48-2025.STC").history.first()
    assert record.history_user == head_khdt
    assert record.contact_phone == "0235"


def test_english_pages_after_language_switch(client, official):
    client.force_login(official)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("units:list")).content.decode()
    assert "Unit directory" in body
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Danh mục đơn vị" in client.get(reverse("units:list")).content.decode()


def test_healthz_reports_database_cache_and_broker(client, db):
    response = client.get(reverse("healthz"))
    data = response.json()
    assert response.status_code == 200
    assert data["status"] == "ok"
    assert data["database"]["ok"]
    assert data["cache"]["ok"]
    assert data["broker"]["ok"]


def test_login_locks_out_after_repeated_failures(client, official):
    for _ in range(5):
        client.post(reverse("login"), {"username": official.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": official.username, "password": "demo12345"}
    )
    assert response.status_code == 429


def test_pages_send_a_content_security_policy(client, official):
    client.force_login(official)
    policy = client.get(reverse("dashboards:home")).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy

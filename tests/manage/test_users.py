"""People, their roles and units, from the management page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from units import services
from units.models import Membership, Unit

User = get_user_model()


def _form(**overrides):
    data = {
        "username": "pho-giam-doc",
        "full_name": "Nguyễn Thị Lan",
        "email": "lan@example.gov.vn",
        "role": Membership.Role.DEPARTMENT_HEAD,
        "unit": Unit.objects.get(code="49.SKHDT").pk,
        "password": "Quang-Nam-2026!",
    }
    data.update(overrides)
    return data


def test_user_create_saves_role_and_unit(admin_client):
    response = admin_client.post(reverse("manage:user_create"), _form())
    assert response.status_code == 302
    user = User.objects.get(username="pho-giam-doc")
    assert user.first_name == "Nguyễn Thị Lan"
    assert user.check_password("Quang-Nam-2026!")
    assert user.membership.role == Membership.Role.DEPARTMENT_HEAD
    assert user.membership.unit.code == "49.SKHDT"
    assert not user.is_staff
    assert not user.is_superuser


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678901", "Mật khẩu không được chỉ gồm chữ số."),
        # The policy's minimum (PASSWORD_MIN_LENGTH, 10 by default).
        ("abc", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến."),
    ],
)
def test_user_create_shows_the_password_validators_error(admin_client, password, message):
    response = admin_client.post(reverse("manage:user_create"), _form(password=password))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "This password" not in html  # never Django's English where its catalogue has none
    assert not User.objects.filter(username="pho-giam-doc").exists()


def test_user_create_refuses_a_password_like_the_username(admin_client):
    response = admin_client.post(
        reverse("manage:user_create"), _form(username="lan.nguyen2026", password="lan.nguyen2026")
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="lan.nguyen2026").exists()


def test_user_create_requires_a_unit_for_a_department_head(admin_client):
    response = admin_client.post(reverse("manage:user_create"), _form(unit=""))
    assert response.status_code == 200
    assert "Thủ trưởng đơn vị phải gắn với một đơn vị." in response.content.decode()
    assert not User.objects.filter(username="pho-giam-doc").exists()


def test_user_create_refuses_a_taken_username_whatever_its_case(admin_client, official):
    response = admin_client.post(
        reverse("manage:user_create"), _form(username=official.username.upper())
    )
    assert response.status_code == 200
    assert "Tên đăng nhập này đã được dùng." in response.content.decode()


def test_user_edit_changes_role_and_unit(admin_client, head_khdt):
    response = admin_client.post(
        reverse("manage:user_edit", args=[head_khdt.pk]),
        {
            "full_name": "Trần Văn Nam",
            "email": "",
            "role": Membership.Role.REVIEWER,
            "unit": Unit.objects.get(code="49.SNV").pk,
        },
    )
    assert response.status_code == 302
    head_khdt.refresh_from_db()
    assert head_khdt.first_name == "Trần Văn Nam"
    assert head_khdt.membership.role == Membership.Role.REVIEWER
    assert head_khdt.membership.unit.code == "49.SNV"


def test_user_edit_gives_a_role_to_an_account_without_one(admin_client, reference_units):
    account = UserFactory(username="moi")
    response = admin_client.post(
        reverse("manage:user_edit", args=[account.pk]),
        {"full_name": "Người mới", "email": "", "role": Membership.Role.OFFICIAL, "unit": ""},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=account).role == Membership.Role.OFFICIAL


def test_deactivated_user_can_no_longer_sign_in(admin_client, client, head_khdt):
    admin_client.post(reverse("manage:user_deactivate", args=[head_khdt.pk]))
    head_khdt.refresh_from_db()
    assert not head_khdt.is_active
    admin_client.logout()
    response = client.post(
        reverse("login"), {"username": head_khdt.username, "password": "demo12345"}
    )
    assert response.status_code == 200  # the form again, not the redirect of a sign-in
    assert "_auth_user_id" not in client.session


def test_user_reactivate(admin_client, head_khdt):
    head_khdt.is_active = False
    head_khdt.save()
    admin_client.post(reverse("manage:user_activate", args=[head_khdt.pk]))
    head_khdt.refresh_from_db()
    assert head_khdt.is_active


def test_admin_cannot_deactivate_own_account(admin_client, admin_user):
    response = admin_client.post(
        reverse("manage:user_deactivate", args=[admin_user.pk]), follow=True
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert "Bạn không thể tự ngừng tài khoản của chính mình." in response.content.decode()


def test_user_pages_never_show_password_hashes(admin_client, head_khdt):
    hashed = head_khdt.password
    for url in (reverse("manage:user_list"), reverse("manage:user_edit", args=[head_khdt.pk])):
        html = admin_client.get(url).content.decode()
        assert hashed not in html
        assert "md5$" not in html
        assert "pbkdf2" not in html


def test_user_list_shows_role_and_unit_names_not_codes(admin_client, head_khdt):
    html = admin_client.get(reverse("manage:user_list")).content.decode()
    assert "Thủ trưởng đơn vị" in html
    assert "Sở Tài chính" in html
    assert "48-2025.STC" not in html
    assert "department_head" not in html


def test_user_list_search(admin_client, head_khdt, official):
    html = admin_client.get(reverse("manage:user_list"), {"q": "Tài chính"}).content.decode()
    assert head_khdt.username in html
    assert official.username not in html


def test_user_list_queries_do_not_grow_with_users(admin_client, django_assert_max_num_queries):
    for n in range(30):
        MembershipFactory(
            user=UserFactory(username=f"u{n}"),
            role=Membership.Role.DEPARTMENT_HEAD,
            unit=Unit.objects.get(code="49.SKHDT"),
        )
    with django_assert_max_num_queries(8):
        assert admin_client.get(reverse("manage:user_list")).status_code == 200


def test_user_create_service_validates_password_against_the_new_account(reference_units):
    with pytest.raises(services.ValidationError) as caught:
        services.user_create(
            username="tranthibinh",
            full_name="Trần Thị Bình",
            email="",
            role=Membership.Role.OFFICIAL,
            unit=None,
            password="tranthibinh1",
        )
    assert "password" in caught.value.message_dict


def test_admin_cannot_drop_own_admin_role(admin_client, admin_user):
    response = admin_client.post(
        reverse("manage:user_edit", args=[admin_user.pk]),
        {"full_name": "Quản trị", "email": "", "role": Membership.Role.OFFICIAL, "unit": ""},
    )
    assert response.status_code == 200
    assert "Bạn không thể bỏ vai trò quản trị của chính mình." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.membership.role == Membership.Role.ADMIN


def test_deactivated_user_is_signed_out_of_open_sessions(client, admin_user, head_khdt):
    head = Client()
    head.force_login(head_khdt)
    assert head.get(reverse("reports:home")).status_code == 200
    client.force_login(admin_user)
    client.post(reverse("manage:user_deactivate", args=[head_khdt.pk]))
    assert head.get(reverse("reports:home")).status_code == 302

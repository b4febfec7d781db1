"""The import form keeps the chosen file when anything else on it is wrong, and says once that
an edition is missing, with the way to create it."""

import os
import re
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indices.models import ImportBatch, IndexEdition
from indices.services.imports import held
from indices.services.imports.held import upload_held, upload_hold
from tests.factories import MembershipFactory, UserFactory
from tests.indices.spreadsheets import FIXTURES
from units.models import Membership


@pytest.fixture(autouse=True)
def _pci_2025_not_yet_in_the_catalogue():
    """These tests create the edition the file needs: the catalogue's own PCI 2025 goes first."""
    IndexEdition.objects.filter(index__code="PCI", year=2025).delete()


IMPORT = reverse("indices:import_list")
NAME = "pci_2025_one_unmatched.csv"
NO_EDITION = "Chưa có kỳ PCI 2025 trong danh mục; hãy tạo kỳ trước khi nhập."


def _upload(name: str = NAME) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="text/csv")


def _held_token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="held" value="([^"]+)"', html)
    assert match, "the form holds no file"
    return unescape(match.group(1))


@pytest.mark.django_db
def test_missing_edition_is_said_once_with_a_link_that_carries_the_file(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        IMPORT, {"index": "PCI", "year": "2025", "level": "province", "file": _upload()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(NO_EDITION) == 1
    assert f"Đã giữ tệp {NAME}" in html
    token = _held_token(html)

    link = response.context["create_edition_url"]
    assert "Tạo kỳ PCI 2025" in html
    assert unescape(link) == link
    query = parse_qs(urlparse(link).query)
    assert query == {"index": ["PCI"], "year": ["2025"], "tep": [token]}
    assert upload_held(token=token, user=admin_user).data == (FIXTURES / NAME).read_bytes()


@pytest.mark.django_db
def test_the_held_file_survives_creating_the_edition_and_is_imported(client, admin_user):
    client.force_login(admin_user)
    refused = client.post(
        IMPORT, {"index": "PCI", "year": "2025", "level": "province", "file": _upload()}
    )
    create = client.get(refused.context["create_edition_url"])
    assert create.status_code == 200
    created = client.post(
        reverse("indices:edition_create"),
        {
            "index": "PCI",
            "year": "2025",
            "reference_date": "2025-12-31",
            "published_top_n": "30",
            "held": create.context["form"].initial["held"],
        },
    )
    back = client.get(created.url)
    html = back.content.decode()
    assert f"Đã giữ tệp {NAME}" in html
    token = _held_token(html)

    staged = client.post(
        IMPORT, {"index": "PCI", "year": "2025", "level": "province", "held": token}
    )
    batch = ImportBatch.objects.get(original_name=NAME)
    assert staged.url == reverse("indices:import_preview", args=[batch.pk])
    assert batch.edition == IndexEdition.objects.get(index__code="PCI", year=2025)
    assert batch.file.read() == (FIXTURES / NAME).read_bytes()


@pytest.mark.django_db
def test_a_wrong_level_keeps_the_file_and_the_corrected_form_uses_it(client, admin_user):
    client.force_login(admin_user)
    name = "pci_2021_unrecognised_column.csv"
    response = client.post(
        IMPORT, {"index": "PCI", "year": "2021", "level": "district", "file": _upload(name)}
    )
    html = response.content.decode()
    assert "xếp hạng Tỉnh, thành phố (toàn quốc)" in html
    assert f"Đã giữ tệp {name}" in html
    assert not ImportBatch.objects.filter(original_name=name).exists()

    corrected = client.post(
        IMPORT, {"index": "PCI", "year": "2021", "level": "province", "held": _held_token(html)}
    )
    batch = ImportBatch.objects.get(original_name=name)
    assert corrected.url == reverse("indices:import_preview", args=[batch.pk])
    assert batch.file.read() == (FIXTURES / name).read_bytes()


@pytest.mark.django_db
def test_a_new_file_replaces_the_held_one(client, admin_user):
    client.force_login(admin_user)
    token = upload_hold(data=b"old", filename="old.csv", user=admin_user)
    client.post(
        IMPORT,
        {
            "index": "PCI",
            "year": "2021",
            "level": "province",
            "held": token,
            "file": _upload("pci_2021_unrecognised_column.csv"),
        },
    )
    assert ImportBatch.objects.get().original_name == "pci_2021_unrecognised_column.csv"


@pytest.mark.django_db
def test_no_file_at_all_is_refused_on_the_file(client, admin_user):
    client.force_login(admin_user)
    response = client.post(IMPORT, {"index": "PCI", "year": "2021", "level": "province"})
    assert response.context["form"].errors == {"file": ["Hãy chọn tệp bảng tính."]}


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["forged", "other_user"])
def test_a_reference_not_made_for_this_admin_is_refused(client, admin_user, tamper):
    other = UserFactory(username="admin-other")
    MembershipFactory(user=other, role=Membership.Role.ADMIN)
    token = upload_hold(data=b"x", filename="x.csv", user=other)
    if tamper == "forged":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    client.force_login(admin_user)
    response = client.post(
        IMPORT, {"index": "PCI", "year": "2021", "level": "province", "held": token}
    )
    assert response.context["form"].errors == {
        "file": ["Tệp đã chọn không còn được giữ; hãy chọn lại tệp."]
    }
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_the_page_links_to_creating_an_edition(client, admin_user):
    client.force_login(admin_user)
    html = client.get(IMPORT).content.decode()
    assert f'href="{reverse("indices:edition_create")}"' in html
    assert "Tạo kỳ mới" in html


@pytest.mark.django_db
def test_holding_a_file_removes_held_files_past_their_age(admin_user):
    old_token = upload_hold(data=b"old file", filename="old.csv", user=admin_user)
    old_path = Path(settings.MEDIA_ROOT) / signing.loads(old_token, salt=held._SALT)["path"]
    stale = time.time() - held.HELD_MAX_AGE - 60
    os.utime(old_path, (stale, stale))
    new_token = upload_hold(data=b"new file", filename="new.csv", user=admin_user)
    assert not old_path.exists()
    assert upload_held(token=new_token, user=admin_user).data == b"new file"

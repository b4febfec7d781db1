"""A unit name the file writes that matches no unit: the preview offers the suggested units,
the admin's choice is saved as an alias, and the next import of such a file matches it."""

import datetime as dt

import pytest
from django.urls import reverse

from indices.models import ImportBatch, IndexEdition
from indices.services.imports.editions import edition_start
from indices.services.imports.names import unmatched_names_resolve
from indices.services.imports.service import batch_data, import_stage, scores_preview
from tests.indices.spreadsheets import FIXTURES
from tests.leagues import edition_of
from units.models import Unit, UnitAlias


@pytest.fixture(autouse=True)
def _pci_2025_not_yet_in_the_catalogue():
    """These tests create the edition the file needs: the catalogue's own PCI 2025 goes first."""
    IndexEdition.objects.filter(index__code="PCI", year=2025).delete()


UNKNOWN = "pci_2021_unknown_province.xlsx"  # row 7 says "Quảng Nan"
TYPO = "pci_2025_one_unmatched.csv"  # row 6 says "Đà Nẵg"


def _pci_2025():
    previous = edition_of("PCI", 2024)
    return edition_start(
        index=previous.index, year=2025, reference_date=dt.date(2025, 12, 31), published_top_n=30
    )


def _stage(admin_user) -> ImportBatch:
    """PCI 2025's top six, one of them written "Đà Nẵg"."""
    data = (FIXTURES / TYPO).read_bytes()
    return import_stage(edition=_pci_2025(), data=data, filename=TYPO, user=admin_user)


@pytest.mark.django_db
def test_the_preview_result_keeps_each_unmatched_name_with_its_suggestions():
    result = scores_preview(
        edition=edition_of("PCI", 2021), data=(FIXTURES / UNKNOWN).read_bytes(), filename=UNKNOWN
    )
    [unmatched] = result.unmatched
    assert (unmatched.name, unmatched.rows) == ("Quảng Nan", [7])
    assert [u.name for u in unmatched.suggestions] == [
        "Tỉnh Quảng Nam",
        "Tỉnh Quảng Ninh",
        "Tỉnh Quảng Ngãi",
    ]


@pytest.mark.django_db
def test_a_name_written_on_several_rows_is_one_choice():
    csv_text = "Tỉnh,Điểm số PCI\nQuảng Ninh,72\nĐà Nẵg,70\nHải Phòng,69\nda nag,68\n"
    result = scores_preview(
        edition=edition_of("PCI", 2023), data=csv_text.encode(), filename="t.csv"
    )
    [unmatched] = result.unmatched
    assert unmatched.rows == [3, 5]
    assert unmatched.suggestions[0].code == "48"


@pytest.mark.django_db
def test_an_ambiguous_or_expired_name_offers_no_choice():
    # "Quảng Nam" on PCI 2025's date names a province merged away on 1/7/2025.
    csv_text = "Tỉnh,Điểm số PCI\nQuảng Ninh,72\nQuảng Nam,70\nHải Phòng,69\n"
    edition = edition_of("PCI", 2024)
    edition.reference_date = edition.reference_date.replace(year=2025)
    result = scores_preview(edition=edition, data=csv_text.encode(), filename="t.csv")
    assert result.unmatched == []
    assert any("không tồn tại vào ngày 31/12/2025" in p.message for p in result.errors)


@pytest.mark.django_db
def test_choosing_a_suggestion_saves_an_alias_and_the_preview_validates_again(client, admin_user):
    batch = _stage(admin_user)
    url = reverse("indices:import_preview", args=[batch.pk])
    client.force_login(admin_user)
    page = client.get(url)
    html = page.content.decode()
    assert "Tên đơn vị chưa nhận ra" in html
    assert "“Đà Nẵg” (dòng 6)" in html
    assert "Thành phố Đà Nẵng" in html
    assert "48-2025" not in html  # units are named, not coded
    assert len(page.context["result"].errors) == 1
    assert page.context["names_form"].rows()[0][1].suggestions[0].code == "48-2025"

    da_nang = Unit.objects.get(code="48-2025")
    response = client.post(url, {"resolve_units": "1", "unit_0": str(da_nang.pk)}, follow=True)
    html = response.content.decode()
    assert "Đã lưu 1 tên gọi khác" in html
    assert response.context["result"].errors == []
    assert "Tên đơn vị chưa nhận ra" not in html
    assert da_nang in [r["record"].unit for r in response.context["records"]]
    alias = UnitAlias.objects.get(unit=da_nang, normalized="da nag")
    assert alias.name == "Đà Nẵg"
    assert f"#{batch.pk}" in alias.source

    # The batch commits as it is, and the next file with the name matches on its own.
    client.post(reverse("indices:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    again = scores_preview(
        edition=batch.edition, data=(FIXTURES / TYPO).read_bytes(), filename="again.csv"
    )
    assert again.errors == []
    assert again.unmatched == []
    assert da_nang in [r.unit for r in again.records]


@pytest.mark.django_db
def test_a_unit_not_among_the_suggestions_is_refused(client, admin_user):
    batch = _stage(admin_user)
    url = reverse("indices:import_preview", args=[batch.pk])
    client.force_login(admin_user)
    hanoi = Unit.objects.get(code="01")
    assert hanoi not in batch_suggestions(batch)
    response = client.post(url, {"resolve_units": "1", "unit_0": str(hanoi.pk)})
    assert response.status_code == 200
    assert "unit_0" in response.context["names_form"].errors
    assert not UnitAlias.objects.filter(normalized="da nag").exists()


@pytest.mark.django_db
def test_submitting_without_a_choice_says_so(client, admin_user):
    batch = _stage(admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("indices:import_preview", args=[batch.pk]), {"resolve_units": "1", "unit_0": ""}
    )
    assert "Hãy chọn đơn vị cho ít nhất một tên." in response.content.decode()
    assert not UnitAlias.objects.filter(normalized="da nag").exists()


@pytest.mark.django_db
def test_only_admins_may_resolve_a_name(client, admin_user, official):
    batch = _stage(admin_user)
    client.force_login(official)
    da_nang = Unit.objects.get(code="48-2025")
    response = client.post(
        reverse("indices:import_preview", args=[batch.pk]),
        {"resolve_units": "1", "unit_0": str(da_nang.pk)},
    )
    assert response.status_code == 403
    assert not UnitAlias.objects.filter(normalized="da nag").exists()


@pytest.mark.django_db
def test_resolving_twice_reuses_the_alias(admin_user):
    batch = _stage(admin_user)
    quang_nam = Unit.objects.get(code="49")
    first = unmatched_names_resolve(batch=batch, choices={"Quảng Nan": quang_nam})
    second = unmatched_names_resolve(batch=batch, choices={"QUẢNG NAN": quang_nam})
    assert first == second
    assert UnitAlias.objects.filter(unit=quang_nam, normalized="quang nan").count() == 1


def batch_suggestions(batch: ImportBatch) -> list[Unit]:
    result = scores_preview(
        edition=batch.edition, data=batch_data(batch), filename=batch.original_name
    )
    return [unit for entry in result.unmatched for unit in entry.suggestions]

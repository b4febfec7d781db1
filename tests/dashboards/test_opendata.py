"""The open-data package: the national indices' published editions, scores and analyses from
the current generation, as CSV files with a data dictionary and each edition's sources; every
figure row with its basis, nothing of the province's internal indices; for every portal user."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from indices.models import Basis, IndexEdition, RankResult
from indices.selectors_analytics import current_run_id
from tests.dashboards.pages import half_up
from tests.factories import UserFactory
from tests.leagues import HOME
from units.models import Unit

URL = reverse("dashboards:opendata_download")
FILES = {"ket_qua.csv", "nguon.csv", "tu_dien_du_lieu.csv"}
README = "README.txt"
BASES = set(Basis.values)


def readme(client) -> str:
    with zipfile.ZipFile(io.BytesIO(client.get(URL).content)) as archive:
        assert archive.namelist()[0] == README  # the first thing a reader opens
        return archive.read(README).decode("utf-8-sig")


def package(client) -> dict[str, list[dict[str, str]]]:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-mo-')
    files = {}
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert set(archive.namelist()) == FILES | {README}
        for name in sorted(FILES):
            raw = archive.read(name)
            assert raw.startswith("\ufeff".encode()), name  # Excel reads the UTF-8
            files[name] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return files


def test_the_package_holds_results_sources_and_a_dictionary_of_every_column(
    client, official, pci_2021, internal_leagues
):
    client.force_login(official)
    files = package(client)
    dictionary = files["tu_dien_du_lieu.csv"]
    listed = {(row["file"], row["column"]) for row in dictionary}
    for name, rows in files.items():
        assert rows, name
        for column in rows[0]:
            assert (name, column) in listed, (name, column)
    for row in dictionary:
        if row["column"]:
            assert row["meaning"], row
        if row["file"] == "ket_qua.csv" and row["column"].endswith("basis"):
            assert set(row["basis_values"].split(" | ")) == BASES
    # The dictionary says which decimal separator the figures use.
    assert any("dấu chấm (.)" in row["meaning"] for row in dictionary)

    results = files["ket_qua.csv"]
    assert {row["index_code"] for row in results} == {"PCI"}  # no internal index, ever
    assert all(row["basis"] in BASES for row in results)
    edition = IndexEdition.objects.select_related("index").get(index__code="PCI", year=2021)
    run = current_run_id(edition=edition)
    assert len(results) == RankResult.objects.filter(edition=edition, run_id=run).count()

    # Totals as analysed, rounded at the edition's precision with a "." decimal point.
    codes = dict(Unit.objects.filter(code__in=pci_2021).values_list("code", "name"))
    totals = {row["unit_code"]: row for row in results if row["component_code"] == ""}
    assert set(totals) == set(pci_2021)
    for code, expected in pci_2021.items():
        row = totals[code]
        assert row["unit_name"] == codes[code]
        assert Decimal(row["value"]) == half_up(expected.value, edition.decimals)
        assert row["basis"] == expected.basis
        assert row["decimals"] == str(edition.decimals)
    assert totals[HOME]["value"] == "66.24"
    assert totals[HOME]["display_rank"] == str(pci_2021[HOME].rank)
    assert totals[HOME]["rank_basis"] == "published"
    # An illustrative place is marked as such, and has no "published" rank.
    illustrative = [row for row in totals.values() if row["basis"] == "illustrative"]
    assert illustrative
    assert all(row["published_rank"] == "" for row in illustrative)

    # Components carry their own basis too, and their names.
    parts = [row for row in results if row["component_code"]]
    assert parts
    assert all(row["component_name"] and row["basis"] in BASES for row in parts)

    sources = files["nguon.csv"]
    assert [(row["index_code"], row["year"]) for row in sources] == [("PCI", "2021")]
    source = sources[0]
    assert source["publisher"] == edition.index.publisher
    assert source["source"] == edition.source
    assert source["methodology_version"] == edition.methodology_version
    assert source["illustrative_rows"] == str(
        sum(1 for row in results if row["basis"] == "illustrative")
    )


def test_open_data_names_starting_with_a_formula_sign_stay_text(client, official, pci_2021):
    Unit.objects.filter(code="01").update(name="=cmd|' /C calc'!A0")
    client.force_login(official)
    results = package(client)["ket_qua.csv"]
    names = {row["unit_name"] for row in results if row["unit_code"] == "01"}
    assert names == {"'=cmd|' /C calc'!A0"}


@pytest.mark.usefixtures("pci_2021")
def test_every_portal_user_may_download_open_data_and_nobody_else(client, head_khdt, official):
    page = reverse("dashboards:opendata")
    assert client.get(page).status_code == 302  # anonymous → sign-in
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(username="no-role"))  # signed in, but no portal role
    assert client.get(page).status_code == 403
    assert client.get(URL).status_code == 403
    for user in (head_khdt, official):
        client.force_login(user)
        body = client.get(page).content.decode()
        assert f'href="{URL}"' in body
        assert "PCI" in body
        assert package(client)["ket_qua.csv"]


@pytest.mark.usefixtures("pci_2021")
def test_the_home_page_links_the_open_data_page(client, official):
    client.force_login(official)
    body = client.get(reverse("dashboards:home")).content.decode()
    assert f'href="{reverse("dashboards:opendata")}"' in body


@pytest.mark.demo
def test_the_demo_package_holds_every_national_index_and_stays_small(client, official):
    client.force_login(official)
    response = client.get(URL)
    # The demo's 37 published editions: about 0.4 MB zipped (3.9 MB of CSV).
    assert len(response.content) < 2_000_000
    files = package(client)
    results = files["ket_qua.csv"]
    assert {row["index_code"] for row in results} == {"PAR", "PAPI", "PCI", "ICT", "DTI"}
    assert all(row["basis"] in BASES for row in results)
    editions = {(row["index_code"], row["year"]) for row in files["nguon.csv"]}
    assert {(row["index_code"], row["year"]) for row in results} == editions
    national = IndexEdition.objects.filter(
        index__kind="national", status="published", analysis__run__isnull=False
    )
    assert len(editions) == national.count()


def test_the_package_opens_with_a_readme_that_counts_its_illustrative_rows(
    client, official, pci_2021
):
    client.force_login(official)
    response = client.get(URL)
    # No internal generation number in the file's name: it meant nothing to a reader.
    assert response["Content-Disposition"] == (
        'attachment; filename="du-lieu-mo-chi-so-quoc-gia.zip"'
    )
    results = package(client)["ket_qua.csv"]
    text = readme(client)
    illustrative = sum(1 for row in results if row["basis"] == "illustrative")
    assert 0 < illustrative < len(results)
    share = f"{illustrative / len(results) * 100:.1f}"
    # Vietnamese first, then English, each saying what the files are.
    assert text.index("DỮ LIỆU MỞ") < text.index("OPEN DATA")
    for name in FILES:
        assert f"- {name}:" in text
    assert f"{illustrative} trên {len(results)} dòng ({share.replace('.', ',')}%)" in text
    assert f"{illustrative} of {len(results)} rows ({share}%)" in text
    assert "KHÔNG phải số do cơ\nquan chủ trì công bố" in text.replace("\r\n", "\n")
    assert "are NOT\nfigures published" in text.replace("\r\n", "\n")
    assert f"  - PCI 2021: {illustrative} / {len(results)} ({share.replace('.', ',')}%)" in text
    # The CSV conventions, and how to open the files in a Vietnamese Excel.
    assert "UTF-8 có BOM; phân cách bằng dấu phẩy (,); số thập phân dùng dấu chấm (.)" in text
    assert 'UTF-8 with a BOM; comma (,) separator; "." decimal point' in text
    assert "Data > From Text/CSV" in text
    assert "65001: Unicode (UTF-8)" in text

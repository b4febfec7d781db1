"""Starting a new edition from the import page: the previous edition's methodology copied,
admins only, every refusal said on the field it is about."""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from indices.models import Component, IndexEdition, Score
from indices.services.imports.editions import edition_start
from indices.services.imports.service import scores_import
from tests.factories import EditionFactory, IndexFactory
from tests.indices.spreadsheets import FIXTURES
from tests.leagues import edition_of


@pytest.fixture(autouse=True)
def _pci_2025_not_yet_in_the_catalogue():
    """These tests create the edition the file needs: the catalogue's own PCI 2025 goes first."""
    IndexEdition.objects.filter(index__code="PCI", year=2025).delete()


CREATE = reverse("indices:edition_create")
PCI_2025 = {"index": "PCI", "year": "2025", "reference_date": "2025-12-31", "published_top_n": "30"}


def _tree(edition: IndexEdition) -> list[tuple]:
    return list(
        edition.components.order_by("order", "code").values_list(
            "code", "name", "weight", "max_points", "order", "aliases", "parent__code"
        )
    )


@pytest.mark.django_db
def test_edition_start_copies_the_previous_editions_methodology():
    previous = edition_of("PCI", 2024)
    edition = edition_start(
        index=previous.index, year=2025, reference_date=dt.date(2025, 12, 31), published_top_n=30
    )
    assert str(edition) == "PCI 2025"
    assert _tree(edition) == _tree(previous)
    assert len(_tree(edition)) == 10
    for field in ("level", "scale", "aggregation", "decimals", "total_min", "total_max"):
        assert getattr(edition, field) == getattr(previous, field)
    assert (edition.component_min, edition.component_max) == (
        previous.component_min,
        previous.component_max,
    )
    assert edition.reference_date == dt.date(2025, 12, 31)
    assert edition.published_top_n == 30
    assert edition.status == IndexEdition.Status.PLANNED
    assert "PCI 2024" in edition.notes
    # The rating scheme and its bands are the index's: the new edition groups as 2024 did.
    assert edition.index.rating_scheme.bands.count() > 0


@pytest.mark.django_db
def test_edition_start_skips_a_year_without_an_assessment():
    # ICT INDEX was not held in 2021: a 2022 started afresh copies 2020.
    ict_2021 = edition_of("ICT", 2021)
    assert ict_2021.status == IndexEdition.Status.NOT_RUN
    IndexEdition.objects.filter(index=ict_2021.index, year__gte=2022).delete()
    edition = edition_start(
        index=ict_2021.index, year=2022, reference_date=dt.date(2022, 12, 31), published_top_n=None
    )
    assert _tree(edition) == _tree(edition_of("ICT", 2020))


@pytest.mark.django_db
def test_admin_creates_pci_2025_and_lands_on_the_import_form_with_it_chosen(client, admin_user):
    client.force_login(admin_user)
    page = client.get(CREATE, {"index": "PCI", "year": "2025"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tạo kỳ đánh giá mới" in html
    assert "Phương pháp sao chép từ kỳ PCI 2024" in html
    assert 'value="2025-12-31"' in html  # the reference date proposed
    assert page.context["form"].initial["published_top_n"] == 30  # as PCI 2024

    response = client.post(CREATE, PCI_2025)
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == reverse("indices:import_list")
    assert parse_qs(target.query) == {"index": ["PCI"], "year": ["2025"], "level": ["province"]}
    edition = IndexEdition.objects.get(index__code="PCI", year=2025)
    assert edition.components.count() == 10

    landing = client.get(response.url)
    html = landing.content.decode()
    assert "Đã tạo kỳ PCI 2025 với phương pháp sao chép từ kỳ PCI 2024" in html
    assert '<option value="PCI" selected>' in html
    assert 'name="year" value="2025"' in html
    assert '<option value="province" selected>' in html


@pytest.mark.django_db
def test_a_committed_import_publishes_the_planned_edition(admin_user):
    previous = edition_of("PCI", 2024)
    edition = edition_start(
        index=previous.index, year=2025, reference_date=dt.date(2025, 12, 31), published_top_n=30
    )
    data = (
        (FIXTURES / "pci_2025_one_unmatched.csv")
        .read_bytes()
        .replace("Đà Nẵg".encode(), "Đà Nẵng".encode())
    )
    outcome = scores_import(edition=edition, data=data, filename="pci-2025.csv", user=admin_user)
    assert outcome.committed
    edition.refresh_from_db()
    assert edition.status == IndexEdition.Status.PUBLISHED
    totals = Score.objects.filter(edition=edition, component__isnull=True)
    assert totals.get(unit__code="48-2025").value == Decimal("70.42")
    assert totals.filter(state="not_published").count() == 34 - 6


@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["official", "reviewer", "head_khdt"])
def test_only_admins_may_create_an_edition(client, request, role_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, PCI_2025).status_code == 403
    assert not IndexEdition.objects.filter(index__code="PCI", year=2025).exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(CREATE, PCI_2025)
    assert response.status_code == 302
    assert not IndexEdition.objects.filter(index__code="PCI", year=2025).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year": "2024"}, "year", "Kỳ PCI 2024 đã có trong danh mục."),
        (
            {"reference_date": "2023-12-31"},
            "reference_date",
            "Ngày đối chiếu phải thuộc năm 2025 hoặc năm 2026 (năm công bố kết quả).",
        ),
        (
            {"published_top_n": "34"},
            "published_top_n",
            "Nhóm dẫn đầu phải ít hơn số đơn vị được xếp hạng (34 vào ngày đối chiếu)",
        ),
        ({"published_top_n": "0"}, "published_top_n", "lớn hơn hoặc bằng với 1"),
        ({"year": "1999"}, "year", "lớn hơn hoặc bằng với 2000"),
        ({"reference_date": "31/02/2025"}, "reference_date", "Nhập một ngày hợp lệ."),
    ],
)
def test_refusals_are_named_on_their_field(client, admin_user, changes, field, message):
    client.force_login(admin_user)
    response = client.post(CREATE, PCI_2025 | changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert not IndexEdition.objects.filter(index__code="PCI", year=2025).exists()


@pytest.mark.django_db
def test_an_index_without_an_earlier_edition_is_refused_on_the_index(client, admin_user):
    index = IndexFactory(code="NEWIDX", short_name="Chỉ số mới")
    EditionFactory(index=index, year=2026)  # later editions do not count
    client.force_login(admin_user)
    response = client.post(CREATE, PCI_2025 | {"index": "NEWIDX"})
    errors = response.context["form"].errors
    assert list(errors) == ["index"]
    assert "Chỉ số mới chưa có kỳ nào trước năm 2025 để sao chép phương pháp" in errors["index"][0]
    assert not IndexEdition.objects.filter(index=index, year=2025).exists()


@pytest.mark.django_db
def test_the_form_shows_index_names_not_codes(client, admin_user):
    client.force_login(admin_user)
    html = client.get(CREATE).content.decode()
    assert ">CCHC sở, ngành</option>" in html
    assert ">PAR_DEPT<" not in html
    assert not Component.objects.filter(
        edition__index__code="PAR_DEPT", edition__year=2025
    ).exists()


@pytest.mark.django_db
def test_the_english_page_names_the_copied_components_in_english(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    html = client.get(CREATE, {"index": "PAR_DEPT", "year": "2025"}).content.decode()
    assert "Entry costs" not in html
    html = client.get(CREATE, {"index": "PCI", "year": "2025"}).content.decode()
    assert "Entry costs" in html
    assert "Gia nhập thị trường" not in html

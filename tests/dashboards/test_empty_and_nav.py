"""An index without editions opens an empty state (not a 404), the index list puts the
national indices first, and one navigation item is current on every page."""

import re

import pytest
from django.urls import reverse

from tests.factories import EditionFactory, IndexFactory
from units.context_processors import nav_section

pytestmark = pytest.mark.django_db


def _current_nav(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


def test_an_index_without_editions_says_so_instead_of_a_404(client, admin_user):
    IndexFactory(code="DDCI", short_name="DDCI", name="Chỉ số năng lực cạnh tranh cấp sở")
    client.force_login(admin_user)
    response = client.get(reverse("dashboards:index", args=["DDCI"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa có kỳ nào được công bố" in page
    assert reverse("indices:import_list") in page  # an admin is shown where to import


def test_an_official_is_told_results_will_come_not_sent_to_the_import(client, official):
    IndexFactory(code="XA", short_name="CCHC cấp xã", name_en="Commune PAR index", kind="internal")
    client.force_login(official)
    page = client.get(reverse("dashboards:index", args=["XA"])).content.decode()
    assert "Kết quả sẽ hiện ở đây khi quản trị viên nhập dữ liệu." in page
    assert reverse("indices:import_list") not in page


def test_a_draft_only_index_is_still_refused(client, official):
    EditionFactory(index=IndexFactory(code="DRAFTY"), status="draft")
    client.force_login(official)
    # Nothing published: the empty state, never the draft's figures.
    page = client.get(reverse("dashboards:index", args=["DRAFTY"])).content.decode()
    assert "Chưa có kỳ nào được công bố" in page


def test_the_index_list_shows_national_indices_first(client, official):
    IndexFactory(code="AAA", short_name="AAA", kind="internal", order=1)
    IndexFactory(code="ZZZ", short_name="ZZZ", kind="national", order=9)
    client.force_login(official)
    page = client.get(reverse("indices:list")).content.decode()
    assert page.index("Chỉ số quốc gia") < page.index("ZZZ") < page.index("Chỉ số nội bộ")
    assert page.index("Chỉ số nội bộ") < page.index("AAA")
    assert "Chưa có kỳ nào được công bố." in page


def test_english_short_names_of_internal_indices(client, official):
    IndexFactory(code="XA", short_name="CCHC cấp xã", name_en="Commune PAR index", kind="internal")
    client.force_login(official)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("indices:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Commune PAR index" in page
    assert "CCHC cấp xã" not in page


@pytest.mark.parametrize(
    ("view_name", "section"),
    [
        ("indices:import_list", "imports"),
        ("indices:import_preview", "imports"),
        ("indices:run_list", "imports"),
        ("indices:list", "indices"),
        ("indices:methodology", "indices"),
        ("dashboards:index", "indices"),
        ("dashboards:unit", "units"),
        ("reports:home", "progress"),
        ("reports:unit", "progress"),
        ("dashboards:home", "home"),
    ],
)
def test_each_page_belongs_to_one_navigation_item(view_name, section):
    assert nav_section(view_name) == section


def test_the_import_page_highlights_only_the_import_item(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("indices:import_list")).content.decode()
    assert _current_nav(page) == ["Nhập dữ liệu"]


def test_each_role_lands_where_its_work_is_after_signing_in(client, official, head_khdt):
    sign_in = reverse("login")
    answer = client.post(sign_in, {"username": "head-khdt", "password": "demo12345"})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("reports:home")  # a head: their quarterly reports
    client.logout()
    answer = client.post(sign_in, {"username": "official-test", "password": "demo12345"})
    assert answer["Location"] == reverse("dashboards:home")
    client.logout()
    asked = client.post(
        sign_in + "?next=/chi-so/",
        {"username": "head-khdt", "password": "demo12345", "next": "/chi-so/"},
    )
    assert asked["Location"] == "/chi-so/"  # a page asked for comes first

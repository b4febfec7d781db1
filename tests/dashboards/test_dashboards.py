import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboards import charts
from dashboards import selectors as dash
from indices.analytics.runs import analysis_rebuild
from indices.models import IndexEdition, Score
from indices.services.imports.service import scores_import
from tabular.export import neutralise
from tests import standings
from tests.leagues import HOME
from units.models import Region, Unit

PAGES = [
    reverse("dashboards:home"),
    reverse("dashboards:index", args=["PCI"]),
    reverse("dashboards:index", args=["PCI"]) + "?nam=2023",
    reverse("dashboards:index", args=["PAPI"]) + "?nam=2018&vung=BTBDHMT",
    reverse("dashboards:index", args=["PAR"]),
    reverse("dashboards:index", args=["ICT"]),
    reverse("dashboards:compare"),
    reverse("dashboards:compare") + "?chi_so=PAPI&nam=2022&don_vi=49&don_vi=48&don_vi=51",
    reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022",
    reverse("dashboards:internal") + "?chi_so=PAR_DEPT",
    reverse("dashboards:map") + "?chi_so=PCI&nam=2021&theo=hang",
    reverse("dashboards:unit", args=["49"]),
]


@pytest.mark.usefixtures("province_standing")
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_within_18_queries(client, official, url, django_assert_max_num_queries):
    client.force_login(official)
    cache.clear()
    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.usefixtures("province_standing")
def test_pages_stay_within_18_queries_on_a_ten_times_larger_dataset(
    client, official, django_assert_max_num_queries
):
    # Ten times the provinces on PCI 2021: 567 more ranked units with all sub-indices.
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    region = Region.objects.first()
    units = Unit.objects.bulk_create(
        Unit(
            code=f"X{n:04d}",
            name=f"Tỉnh thử {n:04d}",
            kind="province",
            region=region,
            valid_to=dt.date(2030, 1, 1),
        )
        for n in range(567)
    )
    components = list(edition.components.all())
    scores = []
    for n, unit in enumerate(units):
        value = Decimal(50 + n % 20)
        scores.append(Score(unit=unit, edition=edition, state="value", value=value))
        scores += [
            Score(unit=unit, edition=edition, component=c, state="value", value=Decimal(5 + n % 4))
            for c in components
        ]
    Score.objects.bulk_create(scores)
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    client.force_login(official)
    for url in (
        reverse("dashboards:index", args=["PCI"]) + "?nam=2021",
        reverse("dashboards:home"),
        reverse("dashboards:map") + "?nam=2021",
        reverse("dashboards:unit", args=["49"]),
    ):
        cache.clear()
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200


def test_home_shows_each_index_with_rank_change_group_and_target_status(
    client, official, province_standing
):
    home_par = province_standing.par[2024][HOME]
    client.force_login(official)
    response = client.get(reverse("dashboards:home"))
    body = response.content.decode()
    cards = {card["code"]: card for card in response.context["cards"]}
    assert {"PAR", "PAPI", "PCI", "ICT"} <= set(cards)
    assert cards["PAR"]["short_name"] == "PAR INDEX"
    par = cards["PAR"]["latest"]
    assert par["display_rank"] == home_par.rank
    assert par["peer_count"] == len(province_standing.par[2024]) == 63
    assert f"hạng {home_par.rank}/63" in body
    assert home_par.value == Decimal(85)
    assert par["group"] == "Nhóm B"  # 80 ≤ 85 < 90
    # PAR has two targets (score ≥ 85 and group B): each is listed with its own status.
    kinds = {t["target"].kind: t["status"] for t in cards["PAR"]["targets"]}
    assert set(kinds) == {"score", "group"}
    assert kinds["group"] == "achieved"
    assert len(response.context["costly"]) == 3
    assert "Ba thành phần nên ưu tiên cải thiện" in body


def test_index_page_league_marks_home_not_published_and_downloads(
    client, official, pci_2021, pci_later
):
    hidden = [row for row in pci_later[2023].values() if row.state == "not_published"]
    assert len(hidden) == 33
    client.force_login(official)
    body = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2023").content.decode()
    assert body.count('class="state-np"') == len(hidden)
    assert 'class="home"' in body
    assert "chỉ công bố điểm và thứ hạng của 30 tỉnh dẫn đầu" in body
    response = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021&tai=csv")
    text = response.content.decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert header.startswith("Hạng,Cơ sở của hạng,Đơn vị,Vùng,Điểm,Cơ sở của điểm")
    assert len(lines) == len(pci_2021) == 63
    home = pci_2021[HOME]
    assert home.basis == "published"
    assert any(line.startswith(f"{home.rank}/63,Công bố,Tỉnh Quảng Nam,") for line in lines)
    xlsx = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021&tai=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.usefixtures("pci_2021")
def test_region_filter_is_in_the_url(client, official):
    client.force_login(official)
    response = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021&vung=TN")
    regions = {row["region"].code for row in response.context["league"]}
    assert regions == {"TN"}
    assert len(response.context["league"]) == 5


@pytest.mark.usefixtures("pci_2021")
def test_a_region_that_does_not_exist_is_not_found(client, official):
    client.force_login(official)
    page = reverse("dashboards:index", args=["PCI"]) + "?nam=2021&vung="
    assert client.get(page + "XX").status_code == 404
    workbook = reverse("dashboards:index_workbook", args=["PCI"]) + "?nam=2021&vung=XX"
    assert client.get(workbook).status_code == 404
    assert client.get(page + "TN").status_code == 200


def test_formula_injection_is_neutralised():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert neutralise("@SUM(1)") == "'@SUM(1)"
    assert neutralise("-6.78") == "-6.78"
    assert neutralise(-6.78) == -6.78
    assert neutralise("Quảng Nam") == "Quảng Nam"


def test_trend_series_are_never_joined_across_a_methodology_break(reference_units):
    standings.papi_series(["49", "48", "51", "52", "01"])
    unit = Unit.objects.get(code="49")
    papi = IndexEdition.objects.get(index__code="PAPI", year=2022)
    data = dash.index_dashboard(index=papi.index, edition=papi, unit=unit)
    breaks = {e.year for e in data["editions"] if e.breaks_comparability}
    assert breaks == {2018}
    figure = charts.trend_figure(series=data["series"], breaks=breaks, value_label="Điểm")
    score_traces = [t for t in figure["data"] if t.get("legendgroup") == "score"]
    assert [t["x"] for t in score_traces] == [
        [2016, 2017],
        [2018, 2019, 2020, 2021, 2022, 2023, 2024],
    ]
    assert figure["layout"]["yaxis2"]["autorange"] == "reversed"
    assert figure["layout"]["separators"] == ",."


@pytest.mark.usefixtures("pci_later")
def test_pages_show_a_new_import_only_after_its_rebuild(
    client, official, django_capture_on_commit_callbacks
):
    client.force_login(official)
    url = reverse("dashboards:index", args=["PCI"]) + "?nam=2022"
    before = client.get(url).context["home_row"]["value"]
    edition = IndexEdition.objects.get(index__code="PCI", year=2022)
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Nam,71.5,1\nĐà Nẵng,70,2\n"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scores_import(edition=edition, data=csv_text.encode(), filename="p.csv", allow_missing=True)
    assert client.get(url).context["home_row"]["value"] == before  # last good generation
    for callback in callbacks:
        callback()
    row = client.get(url).context["home_row"]
    assert (row["value"], row["display_rank"]) == (71.5, 1)


def test_compare_defaults_to_home_and_region(client, official):
    client.force_login(official)
    response = client.get(reverse("dashboards:compare"))
    codes = [u.code for u in response.context["units"]]
    assert codes[0] == "49"
    assert 2 <= len(codes) <= 6
    assert all(u.region.code == "BTBDHMT" for u in response.context["units"])


def test_internal_league_and_heatmap(client, official, internal_leagues):
    districts = internal_leagues["PAR_DISTRICT", 2022]
    assert districts["515"].value == Decimal("91.44")
    client.force_login(official)
    response = client.get(reverse("dashboards:internal") + "?chi_so=PAR_DISTRICT&nam=2022")
    league = response.context["league"]
    assert league[0]["unit"].code == "515"  # Bắc Trà My, 91.44%
    assert league[0]["total"]["group"] == "Xuất sắc"
    assert len(response.context["heat"]) == len(districts) == 18
    assert all(cell is None or cell <= 0 for row in response.context["heat"] for cell in row)


def test_permissions_for_dashboards(client, head_khdt):
    standings.internal_leagues()
    # Until the province publishes its own scoring, only admins and reviewers read it.
    IndexEdition.objects.filter(index__kind="internal").update(published_internally=False)
    assert client.get(reverse("dashboards:compare")).status_code == 302  # anonymous → login
    client.force_login(head_khdt)
    assert client.get(reverse("dashboards:home")).status_code == 200
    assert client.get(reverse("dashboards:index", args=["PCI"])).status_code == 200
    assert client.get(reverse("dashboards:unit", args=["49"])).status_code == 200
    assert client.get(reverse("dashboards:unit", args=["48-2025.STC"])).status_code == 200
    assert client.get(reverse("dashboards:unit", args=["48-2025.SKHCN"])).status_code == 403
    assert client.get(reverse("dashboards:internal")).status_code == 403
    assert client.get(reverse("dashboards:index", args=["PAR_DEPT"])).status_code == 403

"""Every endpoint and filter on a known standing: PCI 2021 (Quảng Nam 19th with 66,24, the top
21 published, the rest illustrative), the internal league of the departments, the home
province's targets."""

from decimal import Decimal

import pytest

from indices.analytics.peers import with_figures
from indices.figures import rounded
from indices.models import RankResult
from indices.selectors_analytics import analysis_rows
from tests.factories import EditionFactory, IndexFactory, ScoreFactory, UnitFactory
from tests.leagues import edition_of
from units.models import Unit

pytestmark = pytest.mark.django_db


def results(page):
    return page["results"]


@pytest.fixture
def standing(pci_2021, internal_leagues, home_targets):
    return {"pci": pci_2021, "internal": internal_leagues, "targets": home_targets}


@pytest.fixture
def api(official, client_for):
    return client_for(official)


def test_units_list_with_validity_and_level_region_kind_and_date_filters(api, reference_units):
    home = Unit.objects.select_related("region").get(code="49")
    page = api.get("/api/v1/units/", {"level": "province", "page_size": 500}).json()
    codes = [u["code"] for u in results(page)]
    assert "49" in codes
    assert all(u["kind"] == "province" for u in results(page))
    row = next(u for u in results(page) if u["code"] == "49")
    assert row["valid_to"] == "2025-06-30"  # merged into Đà Nẵng on 1/7/2025: an ISO date
    assert row["region"]["code"] == home.region.code
    on_2026 = api.get("/api/v1/units/", {"level": "province", "on": "2026-01-01"}).json()
    assert on_2026["count"] == 34
    region = api.get("/api/v1/units/", {"region": home.region.code, "page_size": 500}).json()
    assert {u["region"]["code"] for u in results(region)} == {home.region.code}
    kind = api.get("/api/v1/units/", {"kind": "department", "page_size": 500}).json()
    assert {u["kind"] for u in results(kind)} == {"department"}


def test_units_are_paginated_in_a_stable_order(api, reference_units):
    first = api.get("/api/v1/units/", {"page_size": 10}).json()
    second = api.get("/api/v1/units/", {"page_size": 10, "page": 2}).json()
    assert first["next"].endswith("page=2&page_size=10")
    assert not {u["code"] for u in results(first)} & {u["code"] for u in results(second)}
    again = api.get("/api/v1/units/", {"page_size": 10}).json()
    assert results(again) == results(first)


def test_unit_detail_has_its_successions(api, reference_units):
    unit = api.get("/api/v1/units/49/").json()
    assert unit["code"] == "49"
    merge = unit["successors"][0]
    assert (merge["kind"], merge["date"], merge["successor_code"]) == (
        "merge",
        "2025-07-01",
        "48-2025",
    )
    assert api.get("/api/v1/units/nope/").status_code == 404


def test_successions_filtered_by_unit(api, reference_units):
    page = api.get("/api/v1/successions/", {"unit": "49"}).json()
    assert page["count"] >= 1
    assert all("49" in (s["predecessor_code"], s["successor_code"]) for s in results(page))


def test_invalid_filters_are_a_400_with_a_message(api, reference_units):
    for url, params in (
        ("/api/v1/units/", {"on": "31-12-2024"}),
        ("/api/v1/units/", {"level": "galaxy"}),
        ("/api/v1/scores/", {"year": "abc"}),
        ("/api/v1/results/", {"basis": "rumour"}),
        ("/api/v1/progress/", {"quarter": "5"}),
    ):
        response = api.get(url, params)
        assert response.status_code == 400, (url, params)
        assert set(response.json()) <= set(params)
    year = api.get("/api/v1/scores/", {"year": "abc"}).json()
    assert year == {"year": ["Năm phải là một số nguyên, ví dụ 2024."]}
    page = api.get("/api/v1/units/", {"page": "999999"})
    assert page.status_code == 404
    assert page.json()["detail"].startswith("Trang “999999” không có")


def test_indices_list_and_detail(api, standing):
    page = api.get("/api/v1/indices/").json()
    codes = [i["code"] for i in results(page)]
    assert codes.index("PCI") < codes.index("PAR_DEPT")  # national indices first
    pci = api.get("/api/v1/indices/PCI/").json()
    assert pci["short_name"] == "PCI"
    assert pci["edition_count"] >= 1
    assert api.get("/api/v1/indices/NOPE/").status_code == 404


def test_editions_filtered_by_index_year_and_level(api, standing):
    page = api.get("/api/v1/editions/", {"index": "PCI", "year": 2021}).json()
    assert page["count"] == 1
    edition = results(page)[0]
    assert (edition["index"], edition["year"], edition["decimals"]) == ("PCI", 2021, 2)
    assert edition["total_max"] == "100.00"
    levels = api.get("/api/v1/editions/", {"level": "department"}).json()
    assert {e["level"] for e in results(levels)} == {"department"}
    detail = api.get(f"/api/v1/editions/{edition['id']}/").json()
    assert detail == edition


def test_components_filtered_by_edition_and_code(api, standing):
    page = api.get("/api/v1/components/", {"index": "PCI", "year": 2021}).json()
    assert page["count"] == 10
    assert {c["index"] for c in results(page)} == {"PCI"}
    one = api.get("/api/v1/components/", {"index": "PCI", "year": 2021, "component": "3"})
    assert [c["code"] for c in results(one.json())] == ["3"]


def test_scores_as_strings_at_the_published_precision_with_their_basis(api, standing):
    page = api.get(
        "/api/v1/scores/", {"index": "PCI", "year": 2021, "unit": "49", "component": "total"}
    ).json()
    assert page["count"] == 1
    score = results(page)[0]
    assert score["value"] == "66.24"
    assert score["basis"] == "published"
    assert score["published_rank"] == 19
    assert score["component_code"] == ""


def test_scores_filtered_by_basis_region_and_level(api, standing):
    illustrative = api.get(
        "/api/v1/scores/", {"index": "PCI", "basis": "illustrative", "component": "total"}
    ).json()
    assert illustrative["count"] == 63 - 21
    assert {s["basis"] for s in results(illustrative)} == {"illustrative"}
    region = Unit.objects.get(code="49").region.code
    by_region = api.get("/api/v1/scores/", {"region": region, "component": "total"}).json()
    assert {s["region"] for s in results(by_region)} == {region}
    internal = api.get("/api/v1/scores/", {"level": "department", "component": "total"}).json()
    assert internal["count"] > 0
    assert {s["basis"] for s in results(internal)} == {"internal"}


def test_results_carry_ranks_gaps_priorities_and_bases_as_the_analysis_computed_them(api, standing):
    response = api.get(
        "/api/v1/results/", {"index": "PCI", "year": 2021, "unit": "49", "component": "total"}
    )
    assert response.status_code == 200
    row = results(response.json())[0]
    expected = next(
        r for r in analysis_rows(edition=edition_of("PCI", 2021)) if r["unit_code"] == "49"
    )
    assert row["value"] == "66.24"
    assert row["display_rank"] == expected["display_rank"] == 19
    assert row["rank_basis"] == expected["rank_basis"]
    assert row["analysis_basis"] == expected["analysis_basis"] == "illustrative"
    for key in ("leader_value", "mean_value", "median_value", "gap_to_leader", "gap_to_mean"):
        assert row[key] == str(rounded(expected[key], 2)), key
    assert row["peer_count"] == 63


def test_results_of_components_carry_priorities(api, standing):
    page = api.get(
        "/api/v1/results/", {"index": "PCI", "year": 2021, "unit": "49", "page_size": 50}
    ).json()
    rows = {r["component_code"]: r for r in results(page)}
    assert "" in rows
    assert set(rows) >= {str(n) for n in range(1, 11)}
    stored = with_figures(
        RankResult.objects.filter(
            edition=edition_of("PCI", 2021), unit__code="49", weight__isnull=False
        ),
        priorities=True,
    )
    assert {r.component_code: r.priority for r in stored} == {
        code: row["priority"] for code, row in rows.items() if row["priority"] is not None
    }


def test_results_filters_region_basis_and_level(api, standing):
    region = Unit.objects.get(code="49").region.code
    by_region = api.get(
        "/api/v1/results/", {"index": "PCI", "region": region, "component": "total"}
    ).json()
    assert by_region["count"] > 0
    assert {r["region"] for r in results(by_region)} == {region}
    published = api.get(
        "/api/v1/results/", {"index": "PCI", "basis": "published", "component": "total"}
    ).json()
    assert published["count"] == 21
    departments = api.get("/api/v1/results/", {"level": "department", "component": "total"})
    assert {r["basis"] for r in results(departments.json())} == {"internal"}


def test_targets_with_milestones_and_statuses(api, standing):
    page = api.get("/api/v1/targets/", {"index": "PAR", "unit": "49", "year": 2024}).json()
    score = next(t for t in results(page) if t["kind"] == "score")
    assert score["target_value"] == "85.00"
    assert score["is_illustrative"] is True
    assert [(m["year"], m["value"]) for m in score["milestones"]] == [
        (2023, "84.50"),
        (2024, "85.00"),
    ]
    assert api.get(f"/api/v1/targets/{score['id']}/").json() == score
    statuses = api.get("/api/v1/target-statuses/", {"index": "PCI", "year": 2021}).json()
    assert statuses["count"] >= 1
    rank = next(s for s in results(statuses) if s["kind"] == "rank")
    assert rank["current"] == "19"  # places, not points
    assert rank["status"]
    assert rank["basis"] in {"derived", "illustrative", "published"}


def test_progress_list_and_detail_for_a_reader_of_everything(api, reports_two_units):
    page = api.get("/api/v1/progress/", {"year": 2025, "quarter": 3}).json()
    assert page["count"] == 2
    rows = {r["unit_code"]: r for r in results(page)}
    khdt = rows["48-2025.STC"]
    assert (khdt["status"], khdt["percent_complete"], khdt["tasks_done"]) == ("submitted", 100, 1)
    assert khdt["late"] is False
    assert rows["48-2025.SKHCN"]["late"] is True  # a draft after its deadline (15/10/2025)
    assert api.get("/api/v1/progress/", {"status": "draft"}).json()["count"] == 1
    assert api.get("/api/v1/progress/", {"unit": "48-2025.SKHCN"}).json()["count"] == 1
    detail = api.get(f"/api/v1/progress/{khdt['id']}/").json()
    assert detail["tasks"][0]["status"] == "done"
    assert detail["tasks"][0]["aims"] == ["PCI"]
    assert detail["indicators"][0]["value"] == "12.50"  # two decimals, as the report page
    assert detail["indicators"][0]["target"] == "10.00"


def test_results_list_reads_a_bounded_number_of_queries(
    api, standing, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = api.get("/api/v1/results/", {"index": "PCI", "page_size": 200})
    assert response.status_code == 200
    assert len(results(response.json())) == 200


def test_decimals_round_half_up_as_published_never_truncated(api, reference_units):
    edition = EditionFactory(index=IndexFactory(code="RND"), year=2021, decimals=1)
    for value in ("6.25", "6.35", "7.04"):
        ScoreFactory(edition=edition, unit=UnitFactory(), value=Decimal(value))
    page = api.get("/api/v1/scores/", {"index": "RND"}).json()
    assert sorted(s["value"] for s in results(page)) == ["6.3", "6.4", "7.0"]


def test_completeness_of_a_quarter_lists_every_unit_leading_a_task(api, reports_two_units):
    page = api.get("/api/v1/progress/completeness/", {"year": 2025, "quarter": 3}).json()
    assert (page["year"], page["quarter"], page["deadline"]) == (2025, 3, "2025-10-15")
    units = {u["unit_code"]: u for u in page["units"]}
    assert units["48-2025.STC"]["state"] == "submitted"
    assert units["48-2025.STC"]["late"] is False
    assert units["48-2025.SKHCN"]["late"] is True
    assert api.get("/api/v1/progress/completeness/").status_code == 200  # the current quarter
    missing = api.get("/api/v1/progress/completeness/", {"year": 2019, "quarter": 2})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/scores/", {"index": "PCI", "page_size": 200}),
        ("/api/v1/units/", {"page_size": 200}),
        ("/api/v1/components/", {"page_size": 200}),
        ("/api/v1/targets/", {"page_size": 200}),
        ("/api/v1/target-statuses/", {"page_size": 200}),
    ],
)
def test_list_endpoints_read_a_bounded_number_of_queries(
    api, standing, url, params, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = api.get(url, params)
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_progress_list_reads_a_bounded_number_of_queries(
    api, reports_two_units, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/progress/").json()["count"] == 2


def test_a_misspelled_parameter_or_an_unknown_code_is_refused(api, standing):
    misspelled = api.get("/api/v1/scores/", {"yaer": 2021})
    assert misspelled.status_code == 400
    assert "yaer" in misspelled.json()
    unknown = api.get("/api/v1/scores/", {"index": "pci"})
    assert unknown.status_code == 400
    assert "pci" in unknown.json()["index"][0]
    assert api.get("/api/v1/scores/", {"unit": "99999"}).status_code == 400
    assert api.get("/api/v1/scores/", {"index": "PCI", "page": 1}).status_code == 200


def test_a_missing_object_is_answered_in_vietnamese(api, standing):
    response = api.get("/api/v1/progress/999999/")
    assert response.status_code == 404
    assert "QuarterlyReport" not in response.json()["detail"]
    assert response.json()["detail"].startswith("Không có đối tượng này")


def test_the_root_points_to_the_docs_and_every_list(api, standing):
    links = api.get("/api/v1/").json()
    assert links["docs"].endswith("/api/v1/docs/")
    assert links["schema"].endswith("/api/v1/schema/")
    assert links["result"].endswith("/api/v1/results/")
    assert api.get(links["target_status"]).status_code == 200

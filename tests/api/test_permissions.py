"""Each token reads exactly what its account may read, through the portal's rules."""

import pytest
from rest_framework.test import APIClient

from indices.models import IndexEdition
from tests.factories import TargetFactory
from tests.leagues import edition_of
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_department_head_token_cannot_read_another_units_progress(
    head_khdt, client_for, reports_two_units
):
    api = client_for(head_khdt)
    page = api.get("/api/v1/progress/").json()
    assert [r["unit_code"] for r in page["results"]] == ["48-2025.STC"]
    assert api.get("/api/v1/progress/", {"unit": "48-2025.SKHCN"}).json()["count"] == 0
    other = reports_two_units["48-2025.SKHCN"]
    assert api.get(f"/api/v1/progress/{other.pk}/").status_code == 403
    own = reports_two_units["48-2025.STC"]
    assert api.get(f"/api/v1/progress/{own.pk}/").status_code == 200


def test_reviewer_reads_every_units_progress(reviewer, client_for, reports_two_units):
    page = client_for(reviewer).get("/api/v1/progress/").json()
    assert page["count"] == 2


def test_department_head_reads_provinces_and_their_own_unit_only(head_khdt, client_for):
    api = client_for(head_khdt)
    page = api.get("/api/v1/units/", {"level": "department", "page_size": 500}).json()
    assert [u["code"] for u in page["results"]] == ["48-2025.STC"]
    assert api.get("/api/v1/units/49/").status_code == 200
    assert api.get("/api/v1/units/48-2025.STC/").status_code == 200
    assert api.get("/api/v1/units/48-2025.SKHCN/").status_code == 403


def test_session_reads_with_the_same_permissions_as_a_token(head_khdt, reports_two_units):
    client = APIClient()
    client.force_login(head_khdt)
    other = reports_two_units["48-2025.SKHCN"]
    assert client.get(f"/api/v1/progress/{other.pk}/").status_code == 403
    assert client.get("/api/v1/progress/").json()["count"] == 1


def test_internal_draft_results_are_read_by_admins_and_reviewers_only(
    official, admin_user, client_for, internal_leagues
):
    draft = edition_of("PAR_DEPT", 2021)
    IndexEdition.objects.filter(pk=draft.pk).update(published_internally=False)
    query = {"index": "PAR_DEPT", "year": 2021, "component": "total"}
    reader = client_for(official)
    for url in ("/api/v1/scores/", "/api/v1/results/"):
        assert reader.get(url, query).json()["count"] == 0, url
    editions = {"index": "PAR_DEPT", "year": 2021}  # the editions take no component
    assert reader.get("/api/v1/editions/", editions).json()["count"] == 0
    assert reader.get(f"/api/v1/editions/{draft.pk}/").status_code == 403
    admin = client_for(admin_user)
    assert admin.get("/api/v1/scores/", query).json()["count"] > 0
    assert admin.get("/api/v1/results/", query).json()["count"] > 0


def test_department_head_reads_only_targets_of_units_they_may_open(
    head_khdt, client_for, home_targets
):
    other = TargetFactory(
        unit=Unit.objects.get(code="48-2025.SKHCN"), index=home_targets[0].index, target_value=90
    )
    api = client_for(head_khdt)
    ids = {t["id"] for t in api.get("/api/v1/targets/", {"page_size": 100}).json()["results"]}
    assert other.pk not in ids
    assert {t.pk for t in home_targets} <= ids  # the home province's are public
    assert api.get(f"/api/v1/targets/{other.pk}/").status_code == 404


def test_department_head_cannot_read_every_units_completeness(
    head_khdt, client_for, reports_two_units
):
    response = client_for(head_khdt).get("/api/v1/progress/completeness/")
    assert response.status_code == 403

"""The dashboards keep their paths, and their catch-all index path never shadows an indices page
under the same /chi-so/ prefix."""

import pytest
from django.urls import resolve, reverse


@pytest.mark.parametrize(
    ("path", "view_name"),
    [
        ("/", "dashboards:home"),
        ("/chi-so/PCI/", "dashboards:index"),
        ("/chi-so/so-sanh/", "dashboards:compare"),
        ("/chi-so/noi-bo/", "dashboards:internal"),
        ("/chi-so/ban-do/", "dashboards:map"),
        ("/chi-so/co-so-so-lieu/", "dashboards:basis_legend"),
        ("/don-vi/49/", "dashboards:unit"),
        ("/chi-so/", "indices:list"),
        ("/chi-so/nhap-du-lieu/", "indices:import_list"),
        ("/chi-so/phan-tich/", "indices:run_list"),
        ("/chi-so/PCI/phuong-phap/", "indices:methodology"),
        ("/don-vi/", "units:list"),
        ("/don-vi/49/lien-he/", "units:contact"),
    ],
)
def test_dashboard_paths_resolve_beside_indices_and_units(path, view_name):
    assert resolve(path).view_name == view_name


def test_dashboard_names_reverse_to_the_old_paths():
    assert reverse("dashboards:index", args=["PAPI"]) == "/chi-so/PAPI/"
    assert reverse("dashboards:unit", args=["49.SKHDT"]) == "/don-vi/49.SKHDT/"


@pytest.mark.parametrize("query", ["abc", "²", "20255", "-1", "2021.0"])
@pytest.mark.parametrize("path", ["/chi-so/PCI/", "/chi-so/so-sanh/", "/chi-so/ban-do/"])
def test_a_malformed_year_is_a_404_not_a_500(client, official, path, query):
    client.force_login(official)
    assert client.get(f"{path}?nam={query}").status_code == 404


@pytest.mark.parametrize("path", ["/chi-so/PCI/", "/chi-so/so-sanh/", "/chi-so/ban-do/"])
def test_a_nul_in_the_year_is_a_bad_request_not_a_500(client, official, path):
    # PostgreSQL refuses a NUL in any text: the request is refused before any query.
    client.force_login(official)
    assert client.get(f"{path}?nam=%00").status_code == 400


@pytest.mark.parametrize("query", ["abc", "-", "2025-x", "²-1"])
def test_a_malformed_quarter_is_a_404_not_a_500(client, official, query):
    client.force_login(official)
    assert client.get(f"/tien-do/?quy={query}").status_code == 404

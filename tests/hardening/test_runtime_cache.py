"""Pages with the cache down: Redis unreachable (a closed port), every page served uncached, the
errors logged. The cache is configured as production configures it (`redis_cache`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from indices.analytics.runs import analysis_rebuild
from indices.models import IndexEdition
from indices.services.imports.service import scores_import
from reform_portal.settings.base import redis_cache
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}
    yield
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def pci_2021(db):
    """PCI 2021 as published (the top 21 provinces), imported and analysed."""
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    scores_import(
        edition=edition,
        data=(FIXTURES / "pci_2021_published.xlsx").read_bytes(),
        filename="pci_2021_published.xlsx",
        allow_missing=True,
    )
    analysis_rebuild(edition_ids=[edition.pk], trigger="admin")
    return edition


@pytest.fixture
def official_reader(db):
    user = UserFactory(username="cache-official")
    MembershipFactory(user=user, role=Membership.Role.OFFICIAL)
    return user


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboards:home"),
        reverse("dashboards:index", args=["PCI"]),
        reverse("dashboards:unit", args=["49"]),
        reverse("dashboards:map"),
        reverse("dashboards:compare"),
        reverse("dashboards:internal"),
    ],
)
def test_pages_are_served_uncached_when_the_cache_is_down(
    client, pci_2021, internal_leagues, official_reader, cache_down, url, caplog
):
    client.force_login(official_reader)
    with caplog.at_level(logging.ERROR):
        started = time.monotonic()
        response = client.get(url, follow=True)
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "Exception ignored" in caplog.text  # logged, not raised
    assert elapsed < 10  # a refused connection costs milliseconds, not the page


def test_index_page_shows_the_data_without_the_cache(client, pci_2021, official_reader, cache_down):
    client.force_login(official_reader)
    page = client.get(reverse("dashboards:index", args=["PCI"]) + "?nam=2021")
    assert page.status_code == 200
    assert "66,24" in page.content.decode()  # Quảng Nam's published PCI 2021 total
    assert cache.get("anything") is None


def test_healthz_reports_the_cache_down(client, db, cache_down):
    data = client.get(reverse("healthz")).json()
    assert data["cache"]["ok"] is False

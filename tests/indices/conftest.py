from decimal import Decimal

import pytest

from indices.models import IndexEdition
from tests.leagues import Row, edition_of, ladder, league_create


@pytest.fixture
def pci_2021_scored(reference_units) -> IndexEdition:
    """PCI 2021 with a total and ten sub-indices for every one of the 63 provinces, more than
    any published excerpt in `tests/fixtures/` holds."""
    edition = edition_of("PCI", 2021)
    league_create(
        edition, ladder(edition, home_place=30, home_value=Decimal(60), step=Decimal("0.3"))
    )
    return edition


@pytest.fixture
def pci_2023_top_30(reference_units) -> dict[str, Row]:
    """PCI 2023 as VCCI publishes it: values and ranks of the top 30, the other 33 provinces
    not published."""
    edition = edition_of("PCI", 2023)
    return league_create(
        edition, ladder(edition, home_place=12, home_value=Decimal(66), step=Decimal("0.25"))
    )

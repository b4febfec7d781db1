"""The home province's standing, built with the factories for the catalogue and dashboard tests:
each function scores some editions of the reference catalogue in a known order (with published
and illustrative rows, as the real tables come), analyses them and returns what it wrote, so a
test computes what a page must show from the rows themselves."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from indices.models import Index, IndexEdition, Target
from indices.services.imports.service import scores_import
from tests.factories import TargetFactory, TargetMilestoneFactory
from tests.indices.spreadsheets import PUBLISHED
from tests.leagues import HOME, Row, analyse, edition_of, ladder, league_create
from units.models import Unit

# VCCI's tiers by the last place each one holds (VCCI sets the cut-offs anew every year).
PCI_TIERS = {5: "Rất tốt", 15: "Tốt", 35: "Khá", 50: "Trung bình", 63: "Tương đối thấp"}
# The real PAPI tables the portal ships: all 63 provinces of 2018–2022 and 2024.
PAPI_PUBLISHED_YEARS = (2018, 2019, 2020, 2021, 2022, 2024)

Leagues = dict[int, dict[str, Row]]


def pci_2021() -> dict[str, Row]:
    """PCI 2021: all 63 provinces with their ten sub-indices; the top 21 published (Quảng Nam
    19th with 66,24, "Khá"), the other places illustrative."""
    edition = edition_of("PCI", 2021)
    rows = league_create(
        edition,
        ladder(
            edition,
            home_place=19,
            home_value=Decimal("66.24"),
            step=Decimal("0.37"),
            illustrative_from=22,
            groups=PCI_TIERS,
        ),
    )
    analyse(edition)
    return rows


def pci_later() -> Leagues:
    """PCI 2022 (the top ten published, the rest illustrative; Quảng Nam 36th) and PCI 2023
    and 2024, of which VCCI published only the top 30 (Quảng Nam 41st, then 27th)."""
    places = {2022: (36, Decimal("63.5")), 2023: (41, Decimal("62")), 2024: (27, Decimal("66"))}
    leagues = {}
    for year, (place, value) in places.items():
        edition = edition_of("PCI", year)
        leagues[year] = league_create(
            edition,
            ladder(
                edition,
                home_place=place,
                home_value=value,
                step=Decimal("0.3"),
                illustrative_from=11,
                groups=PCI_TIERS,
            ),
        )
    analyse(*(edition_of("PCI", year) for year in places))
    return leagues


def par_leagues() -> Leagues:
    """PAR INDEX 2023 (the top ten and Quảng Nam published, 56th with 84,60; the rest
    illustrative) and 2024 (all illustrative; Quảng Nam 50th with 85,00, in group B)."""
    leagues = {}
    for year, place, value, first_illustrative, real in (
        (2023, 56, "84.60", 11, [HOME]),
        (2024, 50, "85", 1, []),
    ):
        edition = edition_of("PAR", year)
        leagues[year] = league_create(
            edition,
            ladder(
                edition,
                home_place=place,
                home_value=Decimal(value),
                step=Decimal("0.2"),
                illustrative_from=first_illustrative,
                real=real,
            ),
        )
    analyse(edition_of("PAR", 2023), edition_of("PAR", 2024))
    return leagues


def papi_table(year: int) -> bytes:
    """The year's rows of the real PAPI tables (papi.org.vn, shipped with the portal), their
    blank cells written "N/A" as the import asks of a gap."""
    lines = (PUBLISHED / "papi_provinces.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(rows[0])
    writer.writerows([cell or "N/A" for cell in row] for row in rows[1:] if row[0] == str(year))
    return buffer.getvalue().encode()


def papi_published(*years: int) -> list[IndexEdition]:
    """The real PAPI tables of the given years (every year there is by default), imported as an
    admin imports them, and analysed."""
    editions = [edition_of("PAPI", year) for year in years or PAPI_PUBLISHED_YEARS]
    for edition in editions:
        scores_import(
            edition=edition,
            data=papi_table(edition.year),
            filename=f"papi_{edition.year}.csv",
            allow_missing=True,
        )
    analyse(*editions)
    return editions


def papi_series(units: list[str]) -> Leagues:
    """PAPI every year from 2016 to 2024 for the units given (unit codes, Quảng Nam among
    them), ordered by score as PAPI publishes no ranks: published where the real tables exist,
    illustrative in 2016, 2017 (six dimensions, 6–60) and 2023."""
    leagues = {}
    chosen = list(Unit.objects.filter(code__in=units).order_by("code"))
    editions = list(IndexEdition.objects.filter(index__code="PAPI", year__range=(2016, 2024)))
    for edition in editions:
        leagues[edition.year] = league_create(
            edition,
            ladder(
                edition,
                home_place=2,
                home_value=Decimal(33) if edition.year < 2018 else Decimal(42),
                step=Decimal("0.21"),
                units=chosen,
                basis="published" if edition.year in PAPI_PUBLISHED_YEARS else "illustrative",
                ranks=False,
            ),
        )
    analyse(*editions)
    return leagues


def ict_leagues() -> Leagues:
    """ICT INDEX 2022 and 2023 (four decimals on 0–1): the top 30 published, the rest
    illustrative; Quảng Nam 30th, then 29th."""
    leagues = {}
    for year, place, value in ((2022, 30, "0.4412"), (2023, 29, "0.4587")):
        edition = edition_of("ICT", year)
        leagues[year] = league_create(
            edition,
            ladder(
                edition,
                home_place=place,
                home_value=Decimal(value),
                step=Decimal("0.0071"),
                illustrative_from=31,
            ),
        )
    analyse(edition_of("ICT", 2022), edition_of("ICT", 2023))
    return leagues


def dti_2022() -> dict[str, Row]:
    """DTI 2022, every province ranked and published (Quảng Nam 31st); the DTI's other years
    have no scores, so no results."""
    edition = edition_of("DTI", 2022)
    rows = league_create(
        edition,
        ladder(edition, home_place=31, home_value=Decimal("0.5512"), step=Decimal("0.0083")),
    )
    analyse(edition)
    return rows


def internal_leagues() -> dict[tuple[str, int], dict[str, Row]]:
    """The province's own scoring of its districts (PAR_DISTRICT 2021 and 2022, Bắc Trà My
    leading 2022 with 91,44%) and of its departments (PAR_DEPT 2021), results the province has
    published to every portal user."""
    leagues = {}
    for code, year, leader, value in (
        ("PAR_DISTRICT", 2021, "509", "88.30"),
        ("PAR_DISTRICT", 2022, "515", "91.44"),
        ("PAR_DEPT", 2021, "49.SNV", "90.12"),
    ):
        edition = edition_of(code, year)
        leagues[code, year] = league_create(
            edition,
            ladder(
                edition,
                home=leader,
                home_place=1,
                home_value=Decimal(value),
                step=Decimal("0.61"),
                basis="internal",
                ranks=False,
            ),
        )
    editions = [edition_of(code, year) for code, year in leagues]
    IndexEdition.objects.filter(pk__in=[e.pk for e in editions]).update(published_internally=True)
    analyse(*editions)
    return leagues


def home_targets() -> list[Target]:
    """Quảng Nam's targets for 2021–2025 on each national index, marked illustrative (no decree
    assigns them), then every edition with scores analysed again for their statuses."""
    home = Unit.objects.get(code=HOME)
    indices = {index.code: index for index in Index.objects.all()}

    def target(code: str, **fields: object) -> Target:
        return TargetFactory(unit=home, index=indices[code], is_demo=True, **fields)

    par = target("PAR", kind="score", target_value=Decimal(85), baseline_value=Decimal(80))
    for year, value in ((2023, "84.5"), (2024, "85")):
        TargetMilestoneFactory(target=par, year=year, value=Decimal(value))
    targets = [
        par,
        target("PAR", kind="group", target_value=None, target_group="B"),
        target("PCI", kind="rank", target_value=None, target_rank=10, baseline_rank=13),
        target("PCI", kind="score", component_code="3", target_value=Decimal(7)),
        target("PAPI", kind="score", target_value=Decimal(45)),
        target("ICT", kind="rank", target_value=None, target_rank=15),
    ]
    scored = IndexEdition.objects.filter(scores__isnull=False).distinct()
    if scored.exists():
        analyse(*scored)
    return targets


@dataclass
class Standing:
    """What `province_standing` wrote: the rows of each league by index and year."""

    targets: list[Target]
    pci: Leagues
    par: Leagues
    papi: list[IndexEdition]
    ict: Leagues
    dti: dict[str, Row]
    internal: dict[tuple[str, int], dict[str, Row]]


def province_standing() -> Standing:
    """Everything above: the home province on every national index (the real PAPI 2022 and
    2024) and the internal leagues, with its targets, as the home, index and unit pages show
    them."""
    targets = home_targets()
    return Standing(
        targets=targets,
        pci={2021: pci_2021(), **pci_later()},
        par=par_leagues(),
        papi=papi_published(2022, 2024),
        ict=ict_leagues(),
        dti=dti_2022(),
        internal=internal_leagues(),
    )

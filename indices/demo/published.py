"""The published tables in `indices/data/published/` (copies of the project's reference data,
each opening with a comment that names its source), read into rows ready to store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from indices.models import IndexEdition, Score
from units.models import Unit
from units.selectors import UnitMatcher, unit_matcher_build
from units.services import read_data_csv

PUBLISHED_DIR = Path(__file__).resolve().parents[1] / "data" / "published"
HOME = "49"

# Quảng Nam's published figures that no table in data/published holds (VCCI; papi.org.vn). Where a
# table does hold one (PCI 2015 and 2021, PAR INDEX 2023), the table is used.
QUANG_NAM_PCI = {
    2016: (Decimal("61.27"), 10),
    2017: (Decimal("65.41"), 7),
    2018: (Decimal("65.85"), 7),
    2019: (Decimal("69.42"), 6),
    2020: (Decimal("65.72"), 13),
}
QUANG_NAM_PAPI = {2017: Decimal("37.08"), 2023: Decimal("40.60")}


@dataclass(frozen=True)
class Cell:
    """A published value and rank."""

    value: Decimal | None
    rank: int | None = None

    @property
    def state(self) -> str:
        """A rank without a value is a published rank whose score was not published (or not
        readable); neither means the source does not have the figure."""
        if self.value is not None:
            return Score.State.VALUE
        return Score.State.NOT_PUBLISHED if self.rank is not None else Score.State.NOT_AVAILABLE


@dataclass
class RealRow:
    """One province's published figures. A total without a rank is placed in the order by its
    value; `place` fixes the order without publishing a rank (a source naming the bottom three
    with their scores). No total and no rank: the publisher has no data for the province."""

    unit: Unit
    total: Decimal | None = None
    rank: int | None = None
    place: int | None = None
    group: str = ""
    components: dict[str, Cell] = field(default_factory=dict)
    source: str = ""

    @property
    def in_order(self) -> bool:
        """Whether the province has a place in the order (the publisher had data for it)."""
        return self.total is not None or bool(self.rank or self.place)


@dataclass
class RealTable:
    name: str  # the batch's file name: how a second load recognises it
    source: str  # the batch's source note
    rows: list[RealRow]


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _rows(name: str) -> list[dict[str, str]]:
    return list(read_data_csv(PUBLISHED_DIR / name))


# Column → component code, by name: publishers reorder their columns.
PCI_2015_COLUMNS = {
    "entry_costs": "1",
    "land_access": "2",
    "transparency": "3",
    "time_costs": "4",
    "informal_charges": "5",
    "proactivity": "7",
    "business_support": "8",
    "labor_training": "9",
    "legal_institutions": "10",
}
PCI_2021_COLUMNS = {
    "gia_nhap_thi_truong": "1",
    "tiep_can_dat_dai": "2",
    "tinh_minh_bach": "3",
    "chi_phi_thoi_gian": "4",
    "chi_phi_khong_chinh_thuc": "5",
    "canh_tranh_binh_dang": "6",
    "tinh_nang_dong": "7",
    "ho_tro_doanh_nghiep": "8",
    "dao_tao_lao_dong": "9",
    "thiet_che_phap_ly": "10",
}
PCI_2022_COLUMNS = {
    "entry_costs": "1",
    "access_to_land": "2",
    "transparency": "3",
    "time_costs": "4",
    "informal_charges": "5",
    "policy_bias": "6",
    "proactivity": "7",
    "business_support_policy": "8",
    "labor_policy": "9",
    "law_and_order": "10",
}
DTI_COLUMNS = {
    "nhan_thuc_so": "1",
    "the_che_so": "2",
    "ha_tang_so": "3",
    "nhan_luc_so": "4",
    "an_toan_thong_tin_mang": "5",
    "hoat_dong_chinh_quyen_so": "6",
    "hoat_dong_kinh_te_so": "7",
    "hoat_dong_xa_hoi_so": "8",
}
DTI_PILLARS = {"cqs": "CQS", "kts": "KTS", "xhs": "XHS"}


def _pci_2015(edition: IndexEdition, matcher: UnitMatcher) -> list[RealTable]:
    rows = []
    for row in _rows("pci_2015_top25.csv"):
        components = {code: Cell(Decimal(row[col])) for col, code in PCI_2015_COLUMNS.items()}
        # The page has no "Cạnh tranh bình đẳng" column, though PCI 2015 had ten sub-indices.
        components["6"] = Cell(None)
        rows.append(
            RealRow(
                unit=matcher.resolve(row["province_name_as_published"]),
                total=Decimal(row["pci_score"]),
                rank=int(row["pci_rank"]),
                group=row["ranking_group"],
                components=components,
            )
        )
    source = (
        "VCCI, eng.pcivietnam.org/tong-hop-chi-so: PCI 2015, 25 tỉnh dẫn đầu (9 chỉ số thành phần)"
    )
    return [RealTable("pci_2015_top25.csv", source, rows)]


def _pci_2021(edition: IndexEdition, matcher: UnitMatcher) -> list[RealTable]:
    rows = [
        RealRow(
            unit=matcher.resolve(row["province_name_as_published"]),
            total=Decimal(row["pci_score"]),
            rank=int(row["pci_rank"]),
            group=row["pci_tier"],
            components={code: Cell(Decimal(row[col])) for col, code in PCI_2021_COLUMNS.items()},
        )
        for row in _rows("pci_2021_top21.csv")
    ]
    source = "VCCI, pcivietnam.vn: Bảng chỉ số PCI 2021 (21 tỉnh dẫn đầu)"
    return [RealTable("pci_2021_top21.csv", source, rows)]


def _pci_2022(edition: IndexEdition, matcher: UnitMatcher) -> list[RealTable]:
    rows = []
    for row in _rows("pci_2022_partial.csv"):
        components = {
            code: Cell(value)
            for col, code in PCI_2022_COLUMNS.items()
            if (value := _decimal(row[col])) is not None
        }
        rows.append(
            RealRow(
                unit=matcher.resolve(row["province_name_as_published"]),
                total=_decimal(row["pci_score"]),
                rank=int(row["pci_rank"]),
                group=row["pci_tier"],
                components=components,
                source=row["source_url"],
            )
        )
    source = (
        "VCCI, PCI 2022 (công bố 11/4/2023): hạng 1–10 và các tỉnh đọc được trên báo, "
        "cổng tin tỉnh; nguồn ghi theo từng dòng"
    )
    return [RealTable("pci_2022_partial.csv", source, rows)]


def _par(edition: IndexEdition, matcher: UnitMatcher) -> list[RealTable]:
    rows = []
    for row in _rows("par_index_2021_2023_partial.csv"):
        if int(row["year"]) != edition.year:
            continue
        rank = _int(row["rank_of_63"])
        # "stated" ranks are printed in the source and "order" ones are places in its list of the
        # top five: both are published. "bottom3" sources name the three lowest provinces with
        # their scores but not their ranks: the place orders the illustrative fill, and the
        # portal derives the rank from the score; it is not stored as a published rank.
        published = row["rank_basis"] in {"stated", "order"}
        rows.append(
            RealRow(
                unit=matcher.resolve(row["province_name_as_published"]),
                total=_decimal(row["par_index_pct"]),
                rank=rank if published else None,
                place=None if published else rank,
                source=row["source_url"],
            )
        )
    if not rows:
        return []
    source = (
        f"Bộ Nội vụ, Chỉ số CCHC {edition.year}: các tỉnh đọc được trên báo, cổng tin "
        "(bảng đầy đủ chỉ công bố dạng PDF, ảnh); nguồn ghi theo từng dòng"
    )
    return [RealTable("par_index_2021_2023_partial.csv", source, rows)]


def _dti_2022(edition: IndexEdition, matcher: UnitMatcher) -> list[RealTable]:
    rows = []
    for row in _rows("dti_2022_provinces_ranks_63.csv"):
        components = {
            code: Cell(value)
            for col, code in DTI_COLUMNS.items()
            if (value := _decimal(row[col])) is not None
        }
        for prefix, code in DTI_PILLARS.items():
            value, rank = _decimal(row[f"{prefix}_score"]), _int(row[f"{prefix}_rank"])
            if value is not None or rank is not None:
                components[code] = Cell(value, rank)
        rows.append(
            RealRow(
                unit=matcher.resolve(row["province_name_as_published"]),
                total=_decimal(row["pdti"]),
                rank=int(row["dti_rank"]),
                components=components,
                source=row["value_source"],
            )
        )
    source = (
        "Bộ Thông tin và Truyền thông, dti.gov.vn/xep-hang-2022: xếp hạng DTI 2022 của 63 tỉnh "
        "(công bố 12/7/2023); điểm chỉ có ở các tỉnh đọc được"
    )
    return [RealTable("dti_2022_provinces_ranks_63.csv", source, rows)]


def _quang_nam_known(edition: IndexEdition, matcher: UnitMatcher) -> list[RealTable]:
    code, year = edition.index.code, edition.year
    if not (code == "PCI" and year in QUANG_NAM_PCI) and not (
        code == "PAPI" and year in QUANG_NAM_PAPI
    ):
        return []
    home = matcher.resolve(HOME)
    if code == "PCI" and year in QUANG_NAM_PCI:
        total, rank = QUANG_NAM_PCI[year]
        source = f"VCCI (pcivietnam.vn): điểm và thứ hạng PCI {year} của Quảng Nam"
        return [RealTable("quang_nam_pci", source, [RealRow(unit=home, total=total, rank=rank)])]
    if code == "PAPI" and year in QUANG_NAM_PAPI:
        rows = [RealRow(unit=home, total=QUANG_NAM_PAPI[year])]
        source = f"PAPI {year} (papi.org.vn): tổng điểm của Quảng Nam"
        if year == 2023:
            # The official 2023 file has no data for Quảng Ninh and Bình Dương.
            rows += [RealRow(unit=matcher.resolve(c)) for c in ("22", "74")]
            source += "; không có dữ liệu của Quảng Ninh và Bình Dương"
        return [RealTable("quang_nam_papi", source, rows)]
    return []


Reader = Callable[[IndexEdition, UnitMatcher], list[RealTable]]
READERS: dict[tuple[str, int], Reader] = {
    ("PCI", 2015): _pci_2015,
    ("PCI", 2021): _pci_2021,
    ("PCI", 2022): _pci_2022,
    ("PAR", 2021): _par,
    ("PAR", 2022): _par,
    ("PAR", 2023): _par,
    ("DTI", 2022): _dti_2022,
}


def real_tables(edition: IndexEdition) -> list[RealTable]:
    """The published tables of a national edition, names resolved to the provinces valid on its
    reference date (an unknown name raises: it needs an alias in units/data/aliases.csv)."""
    if edition.level != "province":
        return []
    matcher = unit_matcher_build(on_date=edition.reference_date, kinds=["province"])
    reader = READERS.get((edition.index.code, edition.year))
    tables = reader(edition, matcher) if reader else []
    return tables + _quang_nam_known(edition, matcher)

"""The open-data bulk download: the national indices' scores and analyses for every published
edition, from the current analytics generation, as one .zip of CSV files with a data dictionary
and each edition's sources, opened by a README (Vietnamese, then English) that says what the files
are, how many rows are illustrative, and how to open the CSVs in a Vietnamese Excel.

The CSVs follow the portal's table downloads (`tabular.export.table_csv`): UTF-8 with a BOM so
that Excel reads Vietnamese, a "." decimal point (machine-readable; the dictionary says so),
figures rounded half-up at the edition's published precision, formula-like text neutralised.
Internal (department, district) indices are never included; an illustrative figure is included
only with "illustrative" in its basis column, as every figure row carries its basis."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dashboards.selectors.common import cached
from indices.figures import rounded
from indices.labels import localized_name
from indices.models import Basis, Index, IndexEdition, RankResult, basis_combine
from indices.selectors_analytics import (
    EditionInfo,
    current_editions,
    current_results,
    with_figures,
)
from tabular.export import table_csv

README_FILE = "README.txt"
RESULTS_FILE = "ket_qua.csv"
SOURCES_FILE = "nguon.csv"
DICTIONARY_FILE = "tu_dien_du_lieu.csv"
BASES = "published | derived | internal | illustrative"
POINTS = gettext_noop("điểm, theo thang của kỳ (xem total_min, total_max trong nguon.csv)")
RANK = gettext_noop("thứ hạng (1 = cao nhất)")
COUNT = gettext_noop("số đơn vị")


@dataclass(frozen=True)
class Column:
    key: str
    meaning: str
    unit: str = ""
    basis_values: str = ""


RESULT_COLUMNS = [
    Column("index_code", gettext_noop("Mã chỉ số (PAR, PAPI, PCI, ICT, DTI)")),
    Column("year", gettext_noop("Năm đánh giá của kỳ công bố"), gettext_noop("năm")),
    Column("unit_code", gettext_noop("Mã đơn vị hành chính (mã thống kê của tỉnh)")),
    Column("unit_name", gettext_noop("Tên đơn vị")),
    Column("component_code", gettext_noop("Mã thành phần; để trống ở dòng điểm tổng")),
    Column("component_name", gettext_noop("Tên thành phần; để trống ở dòng điểm tổng")),
    Column(
        "state",
        gettext_noop(
            "Trạng thái: value (có điểm), not_published (không công bố), "
            "not_available (không có dữ liệu)"
        ),
    ),
    Column("value", gettext_noop("Điểm, làm tròn nửa lên theo số chữ số của kỳ"), POINTS),
    Column(
        "basis",
        gettext_noop(
            "Cơ sở của điểm; ở dòng không có điểm, cơ sở của trạng thái (một tỉnh ngoài nhóm "
            "được công bố là số công bố)"
        ),
        "",
        BASES,
    ),
    Column("decimals", gettext_noop("Số chữ số thập phân cơ quan chủ trì dùng khi công bố")),
    Column("published_rank", gettext_noop("Thứ hạng do cơ quan chủ trì công bố"), RANK),
    Column(
        "display_rank",
        gettext_noop("Thứ hạng hiển thị trên cổng: hạng công bố, hoặc thứ tự tính theo điểm"),
        RANK,
    ),
    Column("rank_basis", gettext_noop("Cơ sở của display_rank"), "", BASES),
    Column("peer_count", gettext_noop("Số đơn vị có điểm để xếp thứ tự"), COUNT),
    Column("group", gettext_noop("Xếp loại (nhóm)")),
    Column("group_basis", gettext_noop("Cơ sở của xếp loại"), "", BASES),
    Column("leader_value", gettext_noop("Điểm của đơn vị dẫn đầu"), POINTS),
    Column("leader_basis", gettext_noop("Cơ sở của điểm dẫn đầu"), "", BASES),
    Column("mean_value", gettext_noop("Trung bình các đơn vị có điểm"), POINTS),
    Column("median_value", gettext_noop("Trung vị các đơn vị có điểm"), POINTS),
    Column("gap_to_leader", gettext_noop("Điểm trừ điểm dẫn đầu"), POINTS),
    Column("gap_basis", gettext_noop("Cơ sở của gap_to_leader"), "", BASES),
    Column("gap_to_mean", gettext_noop("Điểm trừ trung bình"), POINTS),
    Column("gap_to_median", gettext_noop("Điểm trừ trung vị"), POINTS),
    Column(
        "analysis_basis",
        gettext_noop("Cơ sở của trung bình, trung vị và các khoảng cách với chúng"),
        "",
        BASES,
    ),
    Column("score_change", gettext_noop("Thay đổi điểm so với kỳ trước"), POINTS),
    Column(
        "rank_change", gettext_noop("Thay đổi thứ hạng so với kỳ trước (dương = tăng hạng)"), RANK
    ),
    Column(
        "change_note",
        gettext_noop(
            "Vì sao không so sánh với kỳ trước: break (đổi phương pháp), illustrative "
            "(số minh họa), no_previous (chưa có kỳ trước)"
        ),
    ),
]

SOURCE_COLUMNS = [
    Column("index_code", gettext_noop("Mã chỉ số")),
    Column("index_name", gettext_noop("Tên chỉ số")),
    Column("year", gettext_noop("Năm đánh giá"), gettext_noop("năm")),
    Column("publisher", gettext_noop("Cơ quan chủ trì, công bố chỉ số")),
    Column("source", gettext_noop("Nguồn: trang web hoặc văn bản công bố")),
    Column("published_on", gettext_noop("Ngày công bố (YYYY-MM-DD)")),
    Column("methodology_version", gettext_noop("Phiên bản phương pháp")),
    Column("legal_basis", gettext_noop("Căn cứ pháp lý")),
    Column("decimals", gettext_noop("Số chữ số thập phân khi công bố")),
    Column("total_min", gettext_noop("Điểm tổng tối thiểu của thang"), POINTS),
    Column("total_max", gettext_noop("Điểm tổng tối đa của thang"), POINTS),
    Column(
        "breaks_comparability",
        gettext_noop("true khi kỳ này không so sánh được với kỳ trước (đổi phương pháp)"),
    ),
    Column("break_note", gettext_noop("Ghi chú thay đổi phương pháp")),
    Column("illustrative_rows", gettext_noop("Số dòng có điểm minh họa trong ket_qua.csv"), COUNT),
]

DICTIONARY_COLUMNS = [
    Column("file", gettext_noop("Tệp CSV trong gói")),
    Column("column", gettext_noop("Tên cột")),
    Column("meaning", gettext_noop("Ý nghĩa")),
    Column("unit", gettext_noop("Đơn vị đo")),
    Column("basis_values", gettext_noop("Các giá trị của cột cơ sở")),
]

FILES = {RESULTS_FILE: RESULT_COLUMNS, SOURCES_FILE: SOURCE_COLUMNS}


def _header(columns: list[Column]) -> list[tuple[str, str]]:
    return [(c.key, c.key) for c in columns]


def national_editions() -> list[EditionInfo]:
    """The published editions of the national indices whose results are built."""
    codes = list(Index.objects.filter(kind=Index.Kind.NATIONAL).values_list("code", flat=True))
    if not codes:
        return []
    return [
        e for e in current_editions(codes) if e.status == IndexEdition.Status.PUBLISHED and e.run_id
    ]


def _result_rows(info: EditionInfo) -> Iterator[dict[str, Any]]:
    results = with_figures(
        current_results(RankResult.objects.filter(edition_id=info.pk), [info])
        .select_related("unit", "component")
        .order_by("component_code", "display_rank", "unit__code")
    )
    for r in sorted(
        results, key=lambda r: (r.component_code != "", r.component.order if r.component else 0)
    ):
        d = r.decimals
        # A gap is as good as the two values it compares (as on the pages).
        gap_basis = basis_combine(r.basis, r.leader_basis) if r.leader_basis else ""
        yield {
            "index_code": info.index_code,
            "year": info.year,
            "unit_code": r.unit.code,
            "unit_name": r.unit.name,
            "component_code": r.component_code,
            "component_name": localized_name(r.component) if r.component else "",
            "state": r.state,
            "value": rounded(r.value, d),
            "basis": r.basis,
            "decimals": d,
            "published_rank": None if r.basis == Basis.ILLUSTRATIVE else r.published_rank,
            "display_rank": r.display_rank,
            "rank_basis": r.rank_basis,
            "peer_count": r.peer_count,
            "group": r.group or r.published_group,
            "group_basis": r.group_basis,
            "leader_value": rounded(r.leader_value, d),
            "leader_basis": r.leader_basis,
            "mean_value": rounded(r.mean_value, d),
            "median_value": rounded(r.median_value, d),
            "gap_to_leader": rounded(r.gap_to_leader, d),
            "gap_basis": gap_basis,
            "gap_to_mean": rounded(r.gap_to_mean, d),
            "gap_to_median": rounded(r.gap_to_median, d),
            "analysis_basis": r.analysis_basis,
            "score_change": rounded(r.score_change, d),
            "rank_change": r.rank_change,
            "change_note": r.change_note,
        }


def _source_row(edition: IndexEdition, illustrative: int) -> dict[str, Any]:
    return {
        "index_code": edition.index.code,
        "index_name": localized_name(edition.index),
        "year": edition.year,
        "publisher": edition.index.publisher,
        "source": edition.source,
        "published_on": edition.published_on.isoformat() if edition.published_on else "",
        "methodology_version": edition.methodology_version,
        "legal_basis": edition.legal_basis,
        "decimals": edition.decimals,
        "total_min": format(edition.total_min.normalize(), "f"),
        "total_max": format(edition.total_max.normalize(), "f"),
        "breaks_comparability": "true" if edition.breaks_comparability else "false",
        "break_note": edition.break_note,
        "illustrative_rows": illustrative,
    }


def _dictionary_rows() -> list[dict[str, Any]]:
    general = {
        "file": "*",
        "column": "",
        "meaning": _(
            "Mọi tệp CSV: mã UTF-8 có BOM, phân cách bằng dấu phẩy; số thập phân dùng dấu "
            "chấm (.), ví dụ 66.24; ô trống là không có số. Văn bản bắt đầu bằng = + - @ có "
            "thêm dấu nháy đơn (') ở đầu để không thành công thức."
        ),
        "unit": "",
        "basis_values": _(
            "published: công bố; derived: cổng tính từ số công bố; internal: đánh giá nội bộ; "
            "illustrative: minh họa, không trích dẫn"
        ),
    }
    rows = [general]
    for name, columns in [*FILES.items(), (DICTIONARY_FILE, DICTIONARY_COLUMNS)]:
        rows.extend(
            {
                "file": name,
                "column": c.key,
                "meaning": _(c.meaning),
                "unit": _(c.unit) if c.unit else "",
                "basis_values": c.basis_values,
            }
            for c in columns
        )
    return rows


def _share(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}".replace(".", ",") if whole else "0"


def readme_text(*, results: list[dict[str, Any]], sources: list[dict[str, Any]]) -> str:
    """The package's README, Vietnamese then English (a reader of either language gets both,
    as the file travels without the portal): what the files are, how many rows are
    illustrative (and that those are no publisher's figures), and how to open the CSVs."""
    total = len(results)
    illustrative = sum(1 for row in results if row["basis"] == Basis.ILLUSTRATIVE)
    share_vi = _share(illustrative, total)
    share_en = share_vi.replace(",", ".")
    rows_of: dict[tuple[str, int], int] = {}
    for row in results:
        key = (row["index_code"], row["year"])
        rows_of[key] = rows_of.get(key, 0) + 1
    by_edition = []
    for row in sources:
        if row["illustrative_rows"]:
            whole = rows_of.get((row["index_code"], row["year"]), 0)
            share = _share(row["illustrative_rows"], whole)
            by_edition.append(
                f"  - {row['index_code']} {row['year']}: "
                f"{row['illustrative_rows']} / {whole} ({share}%)"
            )
    editions = "\n".join(by_edition) or "  -"
    return f"""DỮ LIỆU MỞ: CÁC CHỈ SỐ CẢI CÁCH HÀNH CHÍNH QUỐC GIA (Reform Portal)
=====================================================================

Các tệp trong gói
- {RESULTS_FILE}: điểm, thứ hạng và các phân tích của từng tỉnh trong mỗi kỳ công bố của các
  chỉ số quốc gia (PAR INDEX, PAPI, PCI, ICT INDEX, DTI); mỗi dòng là điểm tổng (cột
  component_code để trống) hoặc một thành phần, mỗi số có cột cơ sở (basis) bên cạnh.
- {SOURCES_FILE}: mỗi kỳ một dòng: cơ quan chủ trì, nguồn công bố, ngày công bố, phương pháp,
  thang điểm và số dòng minh họa của kỳ đó.
- {DICTIONARY_FILE}: ý nghĩa và đơn vị đo của từng cột trong các tệp trên.

SỐ LIỆU MINH HỌA: {illustrative} trên {total} dòng ({share_vi}%) của {RESULTS_FILE} có cơ sở
"illustrative" (minh họa). Đó là số do cổng tạo ra khi chưa có số thật, KHÔNG phải số do cơ
quan chủ trì công bố: không trích dẫn, không dùng để so sánh. Lọc cột basis để bỏ chúng.
Số dòng minh họa theo kỳ:
{editions}

Quy ước của các tệp CSV
- Mã UTF-8 có BOM; phân cách bằng dấu phẩy (,); số thập phân dùng dấu chấm (.), ví dụ 66.24;
  ô trống là không có số. Mọi số đã làm tròn nửa lên theo số chữ số cơ quan chủ trì dùng.
- Văn bản bắt đầu bằng = + - @ có thêm dấu nháy đơn (') ở đầu để không thành công thức.
- Mở bằng Excel cài tiếng Việt (dấu thập phân là dấu phẩy): đừng nhấp đúp vào tệp; vào
  Data > From Text/CSV (Dữ liệu > Từ Văn bản/CSV), chọn File Origin "65001: Unicode (UTF-8)",
  Delimiter "Comma", rồi Transform Data > Using Locale (Sử dụng vùng) "English (United States)"
  cho các cột số; hoặc tạm đặt dấu thập phân là "." trong File > Options > Advanced.
- Tên tệp zip không mang số phiên bản; ngày tải về là mốc của dữ liệu.


OPEN DATA: NATIONAL ADMINISTRATIVE-REFORM INDICES (Reform Portal)
=================================================================

Files
- {RESULTS_FILE}: every province's scores, ranks and analyses in each published edition of the
  national indices (PAR INDEX, PAPI, PCI, ICT INDEX, DTI); a row is a total (empty
  component_code) or a component; every figure has a basis column beside it.
- {SOURCES_FILE}: one row per edition: publisher, source, publication date, methodology, scale
  and the number of illustrative rows.
- {DICTIONARY_FILE}: the meaning and unit of every column of the files above.

ILLUSTRATIVE FIGURES: {illustrative} of {total} rows ({share_en}%) of {RESULTS_FILE} have the basis
"illustrative". They are generated by the portal where no real figure is held and are NOT
figures published by the index's publisher: do not cite or compare them. Filter the basis
column to leave them out. Illustrative rows by edition: see the list above (in the Vietnamese
part, "," is the decimal point of its percentages).

CSV conventions
- UTF-8 with a BOM; comma (,) separator; "." decimal point (66.24); an empty cell means no
  figure. Figures are rounded half-up to the publisher's decimals.
- Text starting with = + - @ has a leading apostrophe (') so that it is never a formula.
- In an Excel set to Vietnamese (decimal comma): do not double-click the file; use
  Data > From Text/CSV, File Origin "65001: Unicode (UTF-8)", Delimiter "Comma", then
  Transform Data > Using Locale "English (United States)" for the number columns.
- The zip's name carries no version number: the download date dates the data.
"""


def opendata_zip() -> bytes:
    """The package's bytes, built once per analytics generation (and language: the names and
    the dictionary's words) and then served from the cache."""

    def build() -> bytes:
        editions = national_editions()
        catalogue = {
            e.pk: e
            for e in IndexEdition.objects.filter(pk__in=[e.pk for e in editions]).select_related(
                "index"
            )
        }
        results: list[dict[str, Any]] = []
        sources = []
        for info in editions:
            rows = list(_result_rows(info))
            results.extend(rows)
            illustrative = sum(1 for row in rows if row["basis"] == Basis.ILLUSTRATIVE)
            sources.append(_source_row(catalogue[info.pk], illustrative))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            # First in the archive (and first by name), so that it is what a reader opens first.
            archive.writestr(
                README_FILE,
                "\ufeff" + readme_text(results=results, sources=sources).replace("\n", "\r\n"),
            )
            archive.writestr(RESULTS_FILE, table_csv(columns=_header(RESULT_COLUMNS), rows=results))
            archive.writestr(SOURCES_FILE, table_csv(columns=_header(SOURCE_COLUMNS), rows=sources))
            archive.writestr(
                DICTIONARY_FILE,
                table_csv(columns=_header(DICTIONARY_COLUMNS), rows=_dictionary_rows()),
            )
        return buffer.getvalue()

    return cached("opendata-zip", build)


def opendata_filename() -> str:
    """The package's name: no internal generation number (it meant nothing to a reader)."""
    return "du-lieu-mo-chi-so-quoc-gia.zip"


def opendata_summary() -> dict[str, Any]:
    """What the open-data page says about the package: the editions it holds by index."""
    editions = national_editions()
    by_index: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for e in editions:
        by_index.setdefault(e.index_code, []).append(e.year)
        names[e.index_code] = e.short_name
    return {
        "indices": [
            {"code": code, "name": names[code], "years": years} for code, years in by_index.items()
        ],
        "edition_count": len(editions),
        "files": [README_FILE, RESULTS_FILE, SOURCES_FILE, DICTIONARY_FILE],
    }

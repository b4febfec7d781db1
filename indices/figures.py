"""How a figure reads, everywhere: pages, chart hover text, downloads and commands.

One rounding rule (half-up with `Decimal`, at the precision the publisher prints for the edition),
one set of basis marks, and the words for ranks and for the base of every aggregate.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language, npgettext
from django.utils.translation import gettext as _

from indices.models import Basis


def to_decimal(value: Decimal | float | int | str | None) -> Decimal | None:
    """A number as an exact decimal. Floats go through their shortest repr, so 6.815 stored as
    the nearest binary float reads as 6.815 (and rounds to 6.82), never as 6.81499…"""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return Decimal(repr(value))
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def rounded(value: Decimal | float | int | str | None, decimals: int) -> Decimal | None:
    """Half-up rounding to `decimals` places (the publisher's convention), as a Decimal."""
    number = to_decimal(value)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def figure(
    value: Decimal | float | int | str | None, decimals: int = 2, *, signed: bool = False
) -> str:
    """A number as the reader sees it: rounded half-up, in the active language's format
    (66,24 in Vietnamese, 66.24 in English); "—" when there is none. `signed` adds "+"."""
    number = rounded(value, decimals)
    if number is None:
        return "—"
    if number == 0:
        number = abs(number)  # never "-0,00"
    text = number_format(number, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)
    if signed and number > 0:
        return f"+{text}"
    return text.replace("-", "−")


# Bases -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BasisMark:
    code: str
    mark: str
    label: str
    explanation: str


def basis_mark(basis: str | None) -> BasisMark:
    """The short mark shown beside a figure and the words that explain it."""
    marks = _basis_marks(get_language())
    return marks.get(basis or Basis.DERIVED, marks[Basis.DERIVED])


@functools.cache
def _basis_marks(language: str | None) -> dict[str, BasisMark]:
    """The four marks in one language, built once (a league table shows hundreds of them)."""
    return {
        Basis.PUBLISHED: BasisMark(
            Basis.PUBLISHED,
            _("CB"),
            _("Công bố"),
            _("Số do cơ quan chủ trì chỉ số công bố, lấy nguyên từ văn bản hoặc bảng công bố."),
        ),
        Basis.DERIVED: BasisMark(
            Basis.DERIVED,
            _("TT"),
            _("Tính từ số công bố"),
            _(
                "Cổng tính từ số công bố (thứ tự theo điểm, khoảng cách, trung bình, thay đổi); "
                "cơ quan chủ trì không công bố con số này."
            ),
        ),
        Basis.INTERNAL: BasisMark(
            Basis.INTERNAL,
            _("NB"),
            _("Đánh giá nội bộ"),
            _("Kết quả tỉnh tự chấm cho sở, ban, ngành và cấp huyện, hoặc tính từ các kết quả đó."),
        ),
        Basis.ILLUSTRATIVE: BasisMark(
            Basis.ILLUSTRATIVE,
            _("MH"),
            _("Minh họa"),
            _(
                "Số minh họa do cổng sinh ra khi chưa có số thật, hoặc tính từ một số minh họa. "
                "Không dùng để trích dẫn."
            ),
        ),
    }


def all_basis_marks() -> list[BasisMark]:
    return [basis_mark(b) for b in Basis.values]


# Ranks and bases of aggregates -------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How much of its normal field an edition covers, for the words of ranks and aggregates."""

    level: str
    expected: int  # units the publisher normally ranks (63 provinces before 2025)
    covered: int  # units with a row in this edition (a value, N/A or not published)
    top_n: int | None = None
    publishes_ranks: bool = True

    @property
    def partial(self) -> bool:
        return self.covered < self.expected

    def unit_word(self, count: int) -> str:
        if self.level == "province":
            return npgettext("units counted", "tỉnh", "tỉnh", count)
        return npgettext("units counted", "đơn vị", "đơn vị", count)

    def aggregate_base(self, peer_count: int) -> str:
        """What a mean, median or percentile is taken over: only a complete edition is
        "the whole country"."""
        if self.top_n:
            return _("của %(n)s %(unit)s được công bố") % {
                "n": peer_count,
                "unit": self.unit_word(peer_count),
            }
        if self.level == "province" and not self.partial and peer_count >= self.expected:
            return _("cả nước")
        return _("của %(n)s %(unit)s có số liệu") % {
            "n": peer_count,
            "unit": self.unit_word(peer_count),
        }

    def warning(self) -> str:
        if self.top_n:
            return _(
                "Kỳ này chỉ công bố điểm và thứ hạng của %(n)s tỉnh dẫn đầu: các tỉnh khác ở "
                "“ngoài top %(n)s”, trung bình và trung vị chỉ tính trên %(n)s tỉnh đó."
            ) % {"n": self.top_n}
        if self.partial:
            return _(
                "Kỳ này mới có số liệu của %(covered)s/%(expected)s %(unit)s: thứ hạng tính lại, "
                "trung bình và khoảng cách chỉ tính trên những %(unit)s này."
            ) % {
                "covered": self.covered,
                "expected": self.expected,
                "unit": self.unit_word(self.expected),
            }
        return ""


def rank_text(row: dict, coverage: Coverage, *, words: bool = True) -> str:
    """A rank with what it is out of, in the publisher's terms: "hạng 19/63",
    "hạng 27/30 tỉnh được công bố", "ngoài top 30", "thứ tự 44/61 (tính theo điểm, PAPI không
    xếp hạng chính thức)". Without `words`, the bare form for a table's rank column."""
    rank = row.get("display_rank")
    if rank is None:
        if coverage.top_n and row.get("state") == "not_published":
            return _("ngoài top %(n)s") % {"n": coverage.top_n}
        return "—"
    rank = int(rank)
    peer_count = int(row.get("peer_count") or 0)
    if coverage.top_n:
        text = _("%(r)s/%(n)s tỉnh được công bố") % {"r": rank, "n": coverage.top_n}
    elif row.get("rank_basis") == Basis.PUBLISHED:
        text = f"{rank}/{max(coverage.expected, peer_count)}"
    elif not coverage.publishes_ranks:
        text = f"{rank}/{peer_count}"
        if not words:
            return text
        return _("thứ tự %(rank)s (tính theo điểm; chỉ số này không xếp hạng chính thức)") % {
            "rank": text
        }
    elif coverage.level == "province" and peer_count < coverage.expected:
        text = _("%(r)s/%(n)s tỉnh có số liệu") % {"r": rank, "n": peer_count}
    else:
        text = f"{rank}/{peer_count}"
    return _("hạng %(rank)s") % {"rank": text} if words else text


def rank_base(row: dict, coverage: Coverage) -> int | None:
    """What a rank is out of, as `rank_text` says it: the provinces ranked (63, then 34), the
    publisher's field for a top-N edition, or the units with a figure for a computed order."""
    if row.get("display_rank") is None:
        return None
    peer_count = int(row.get("peer_count") or 0)
    if coverage.top_n or row.get("rank_basis") == Basis.PUBLISHED:
        return max(coverage.expected, peer_count)
    return peer_count or None


def top_share(row: dict, coverage: Coverage) -> int | None:
    """The rank as a share of what it is out of, in whole percent ("top 18%" for 6/34): the one
    way to set a rank out of 63 beside a rank out of 34. Rounded half up, as it is printed. None
    for an edition that publishes only its top N: its "27/30 tỉnh được công bố" has no share
    that reads true."""
    base = rank_base(row, coverage)
    if not base or coverage.top_n:
        return None
    share = Decimal(int(row["display_rank"]) * 100) / Decimal(base)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_text(row: dict, coverage: Coverage) -> str:
    """ "top 18%" in the upper half; "nhóm cuối 11%" in the lower one (55/61: among the last
    7 of 61), so a place near the bottom never reads like praise."""
    share = top_share(row, coverage)
    if share is None:
        return "—"
    if share <= 50:
        return _("top %(p)s%%") % {"p": share}
    base = rank_base(row, coverage) or 1
    last = Decimal((base - int(row["display_rank"]) + 1) * 100) / Decimal(base)
    return _("nhóm cuối %(p)s%%") % {"p": int(last.quantize(Decimal(1), rounding=ROUND_HALF_UP))}


# Downloads ---------------------------------------------------------------------------------------

FIGURE_KEYS = (
    "value",
    "leader_value",
    "mean_value",
    "median_value",
    "region_best",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "score_change",
    "cost",
    "cost_region",
)


def change_label(row: dict) -> str:
    note = row.get("change_note")
    if note == "break":
        return _("Đổi phương pháp: không so sánh với kỳ trước")
    if note == "illustrative" and row.get("score_change") is not None:
        return _("Thứ hạng không so sánh: thứ tự kỳ trước tính giữa các số minh họa")
    if note == "illustrative":
        return _("Không so sánh: một trong hai kỳ là số minh họa")
    if note == "no_previous":
        return _("Chưa có kỳ trước")
    if note == "field":
        return _("Thứ hạng không so sánh: kỳ trước xếp hạng trên số tỉnh khác (63 → 34)")
    return ""


def state_label(state: str | None) -> str:
    return {
        "value": _("Có giá trị"),
        "not_published": _("Không công bố"),
        "not_available": _("Không có dữ liệu"),
    }.get(state or "", "")


def export_figures(row: dict, decimals: int) -> dict:
    """A result row for a download: every figure rounded as on the page (a Decimal, so a
    spreadsheet keeps it a number) and the words of every basis."""
    out = dict(row)
    for key in FIGURE_KEYS:
        if key in out:
            out[key] = rounded(out[key], decimals)
    out["basis_label"] = basis_mark(row.get("basis")).label if row.get("value") is not None else ""
    for key in ("rank_basis", "analysis_basis", "gap_basis", "group_basis", "leader_basis"):
        out[f"{key}_label"] = basis_mark(row.get(key)).label if row.get(key) else ""
    if row.get("basis") == Basis.ILLUSTRATIVE:
        out["published_rank"] = None  # an illustrative row's "published" rank was never published
    out["state_label"] = state_label(row.get("state"))
    out["change_label"] = change_label(row)
    return out

"""The new Thành phố Đà Nẵng as the portal's home: its predecessors' series under their own names,
a pro-forma estimate for the years before it existed by the method the admin chose (always
derived, never published, never ranked), its own 34-province editions, and ranks across the
merger set side by side by what they are out of, never compared as ranks."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from indices.models import RankResult
from tests.leagues import analyse, edition_of, ladder, league_create
from units.models import ProformaSetting, ProformaWeight, Unit
from units.selectors import home_unit

SUCCESSOR = "48-2025"


def _text(html: str) -> str:
    text = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def _section(html: str, start: str, end: str = "</article>") -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


@pytest.fixture
def merger_par(reference_units, settings):
    """PAR INDEX 2024 ranks 63 provinces (Đà Nẵng 10th with 88,20, Quảng Nam 50th with 84,35),
    PAR INDEX 2025 ranks 34 (the new Đà Nẵng 9th with 89,10); every figure published."""
    settings.PORTAL_HOME_UNIT = SUCCESSOR
    before = edition_of("PAR", 2024)
    rows = ladder(before, home_place=50, home_value=Decimal("84.35"), step=Decimal("0.1"))
    # Đà Nẵng (48) at the 10th place, with its own total.
    rows = league_create(before, _with_place(rows, "48", 10, Decimal("88.20")))
    after = edition_of("PAR", 2025)
    league_create(
        after,
        ladder(
            after, home="48-2025", home_place=9, home_value=Decimal("89.10"), step=Decimal("0.2")
        ),
    )
    analyse(before, after)
    return {"before": rows}


def _with_place(rows: dict, code: str, place: int, value: Decimal) -> dict:
    """The rows with one unit moved to a place and given a total, the ranks renumbered."""
    order = [c for c in rows if c != code]
    order.insert(place - 1, code)
    values = sorted((r.value for r in rows.values()), reverse=True)
    out = {}
    for i, unit in enumerate(order, start=1):
        row = rows[unit]
        row.rank = i
        row.value = value if unit == code else values[i - 1]
        out[unit] = row
    # Keep a strict order around the moved unit.
    assert len({r.value for r in out.values()}) >= len(out) - 1
    return out


def _page(client, official) -> str:
    client.force_login(official)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return response.content.decode()


def _values(code: str) -> dict[str, Decimal]:
    rows = RankResult.objects.filter(
        edition__index__code="PAR", edition__year=2024, component__isnull=True, unit__code=code
    )
    return {code: Decimal(str(rows.get().value))}


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.django_db
def test_the_home_unit_is_named_by_code_or_by_name(reference_units, settings):
    settings.PORTAL_HOME_UNIT = "Đà Nẵng"
    assert home_unit().code == SUCCESSOR  # the province of that name today
    settings.PORTAL_HOME_UNIT = "Tỉnh Quảng Nam"
    assert home_unit().code == "49"  # ended, but no other unit has its name
    settings.PORTAL_HOME_UNIT = "49"
    assert home_unit().code == "49"
    settings.PORTAL_HOME_UNIT = "Atlantis"
    assert home_unit() is None


@pytest.mark.django_db
def test_successor_home_shows_predecessors_the_mean_estimate_and_its_own_editions(
    client, official, merger_par
):
    html = _page(client, official)
    text = _text(html)
    assert "Tổng quan: Thành phố Đà Nẵng" in text
    assert "Thành phố Đà Nẵng được thành lập ngày 01/07/2025" in text
    block = _text(_section(html, 'id="lineage-par"'))
    da_nang = _values("48")["48"]
    quang_nam = _values("49")["49"]
    mean = _rounded((da_nang + quang_nam) / 2)
    shown = lambda v: f"{v:.2f}".replace(".", ",")  # noqa: E731
    # Each predecessor under its own name, its rank out of 63 and its share.
    assert f"2024 Thành phố Đà Nẵng (đến 30/06/2025) {shown(da_nang)} CB 10/63 CB top 16%" in block
    # Near the bottom a share never reads like praise: 50/63 is among the last 14 of 63.
    assert (
        f"2024 Tỉnh Quảng Nam (đến 30/06/2025) {shown(quang_nam)} CB 50/63 CB nhóm cuối 22%"
        in block
    )
    # The estimate: derived (TT), never published, never ranked.
    assert (
        f"2024 Ước tính cho Thành phố Đà Nẵng (trung bình cộng các tỉnh cũ) {shown(mean)} TT "
        "không xếp hạng —"
    ) in block
    # The successor's own edition, ranked out of 34.
    assert "2025 Thành phố Đà Nẵng (từ 01/07/2025) 89,10 CB 9/34 CB top 26%" in block
    # The score across the merger, against the estimate, method unchanged; never a rank move.
    change = _rounded(Decimal("89.10") - mean)
    assert f"Điểm 2025 so với ước tính 2024: +{shown(change)} TT" in block
    assert "→" not in block
    method = _text(_section(html, 'id="proforma-method"', "</p>"))
    assert "ước tính theo phương pháp trung bình cộng các tỉnh cũ" in method
    assert "không phải số công bố" in method
    # The chart names every series; the estimate is dashed.
    chart = json.loads(re.search(r'id="lineage-data-par"[^>]*>(.*?)</script>', html, re.S)[1])
    lines = {t["name"]: t for t in chart["data"] if t.get("showlegend")}
    estimate = lines["Ước tính cho Thành phố Đà Nẵng (trung bình cộng các tỉnh cũ)"]
    assert estimate["line"]["dash"] == "dash"
    assert {"Tỉnh Quảng Nam (đến 30/06/2025)", "Thành phố Đà Nẵng (từ 01/07/2025)"} <= set(lines)


@pytest.mark.django_db
def test_a_weighted_estimate_uses_the_admins_weights_and_names_them(client, official, merger_par):
    setting = ProformaSetting.objects.create(
        successor=Unit.objects.get(code=SUCCESSOR),
        method=ProformaSetting.Method.WEIGHTED,
        weight_label="Dân số trung bình 2024 (nghìn người)",
    )
    ProformaWeight.objects.create(
        setting=setting, predecessor=Unit.objects.get(code="48"), weight=1250
    )
    ProformaWeight.objects.create(
        setting=setting, predecessor=Unit.objects.get(code="49"), weight=1500
    )
    html = _page(client, official)
    block = _text(_section(html, 'id="lineage-par"'))
    da_nang, quang_nam = _values("48")["48"], _values("49")["49"]
    weighted = _rounded((da_nang * 1250 + quang_nam * 1500) / 2750)
    shown = f"{weighted:.2f}".replace(".", ",")
    assert f"Ước tính cho Thành phố Đà Nẵng (trung bình có trọng số) {shown} TT" in block
    method = _text(_section(html, 'id="proforma-method"', "</p>"))
    assert (
        "ước tính theo phương pháp trung bình có trọng số (Dân số trung bình 2024 (nghìn người))"
        in method
    )
    # The weights themselves, with their shares.
    assert "Trọng số: Thành phố Đà Nẵng 1.250 (45%); Tỉnh Quảng Nam 1.500 (55%)" in method

    # Without Quảng Nam's weight there is no estimate, and the page says whose weight is missing.
    ProformaWeight.objects.filter(predecessor__code="49").delete()
    html = _page(client, official)
    assert "Ước tính cho" not in _text(_section(html, 'id="lineage-par"'))
    assert "thiếu trọng số của Tỉnh Quảng Nam" in _text(
        _section(html, 'id="proforma-method"', "</p>")
    )


@pytest.mark.django_db
def test_no_estimate_when_the_admin_chose_none(client, official, merger_par):
    ProformaSetting.objects.create(
        successor=Unit.objects.get(code=SUCCESSOR), method=ProformaSetting.Method.NONE
    )
    html = _page(client, official)
    block = _text(_section(html, 'id="lineage-par"'))
    assert "Ước tính" not in block
    assert "Tỉnh Quảng Nam (đến 30/06/2025)" in block  # the predecessors stay
    assert "Không so sánh điểm qua hợp nhất" in block
    assert "không lập" in _text(_section(html, 'id="proforma-method"', "</p>"))


@pytest.mark.django_db
def test_ranks_out_of_63_and_34_are_never_compared_as_ranks(client, official, merger_par):
    # Hà Nội is ranked in both editions: its score changes, its rank is not compared.
    hanoi = RankResult.objects.get(
        edition__index__code="PAR", edition__year=2025, component__isnull=True, unit__code="01"
    )
    assert hanoi.rank_change is None
    assert hanoi.change_note == "field"
    assert hanoi.score_change is not None
    client.force_login(official)
    league = client.get(reverse("dashboards:index", args=["PAR"]) + "?nam=2025").content.decode()
    row = _text(_section(league, 'data-unit="01"', "</tr>"))
    assert "Hà Nội" in row
    assert "thứ hạng: không so sánh (63 → 34 tỉnh)" in row
    assert "bậc" not in row


@pytest.mark.django_db
def test_the_ended_province_points_to_its_successor_and_opens_on_its_last_year(
    client, official, merger_par, settings
):
    settings.PORTAL_HOME_UNIT = "49"
    html = _page(client, official)
    text = _text(html)
    assert "Tỉnh Quảng Nam tồn tại đến 30/06/2025" in text
    assert "Đơn vị kế thừa: Thành phố Đà Nẵng (từ 01/07/2025)" in text
    assert 'id="lineage"' not in html
    page = client.get(reverse("dashboards:index", args=["PAR"]))
    assert page.context["edition"].year == 2024  # not 2025, where Quảng Nam is not ranked


@pytest.mark.django_db
def test_compare_opens_on_the_last_edition_that_ranks_the_provinces_compared(
    client, official, merger_par, settings
):
    # Quảng Nam and its region's peers of before the merger: PAR 2024, not the 2025 edition
    # of the 34 provinces, in which none of them has a row.
    settings.PORTAL_HOME_UNIT = "49"
    client.force_login(official)
    page = client.get(reverse("dashboards:compare") + "?chi_so=PAR")
    assert page.context["edition"].year == 2024
    # The successor's peers are ranked in 2025.
    settings.PORTAL_HOME_UNIT = SUCCESSOR
    page = client.get(reverse("dashboards:compare") + "?chi_so=PAR")
    assert page.context["edition"].year == 2025

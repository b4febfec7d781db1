"""A unit's page marks its scores, ranks, groups, strengths and weaknesses by their basis, lists
real figures before illustrative ones, and reads its targets in words."""

import re

import pytest
from django.urls import reverse

from dashboards.selectors import profile
from indices.models import Component, Score
from tests.dashboards.pages import (
    FIG,
    UNMARKED_FIG,
    json_script,
    section,
)


@pytest.mark.usefixtures("province_standing")
def test_unit_profile_marks_scores_ranks_strengths_and_weaknesses(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    for element in ('id="strengths"', 'id="weaknesses"'):
        items = re.findall(r"<li>(.*?)</li>", section(html, element, "</ul>"), re.S)
        assert items
        for item in items:
            assert FIG.search(item)
            assert not UNMARKED_FIG.search(item)
            assert item.count('<abbr class="basis') == 2  # the score and its order
    scores = section(html, 'id="scores-title"', "</section>")
    assert UNMARKED_FIG.findall(scores) == []
    papi = section(scores, ">PAPI</a></h3>", "</table>")
    assert "Hạng công bố" not in papi
    figure = json_script(html, "profile-data")
    names = {trace["name"] for trace in figure["data"]}
    assert "PAPI: thứ tự tính theo điểm" in names
    assert "PCI" in names
    assert any(name.endswith("(minh họa)") for name in names)
    assert figure["layout"]["yaxis"]["tickformat"] == "d"


@pytest.mark.usefixtures("province_standing")
def test_unit_page_marks_ranks_and_groups_by_their_basis(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    scores = section(html, 'id="scores-title"', "</section>")
    assert "Hạng công bố" not in scores
    par = section(scores, ">PAR INDEX</a></h3>", "</table>")
    ranks = section(par, '<tr class="ranks">', "</tr>")
    marks = re.findall(r'<span class="rank">\d+</span><abbr class="basis basis-(\w+)"', ranks)
    assert marks
    assert "illustrative" in marks
    stored = Score.objects.filter(
        unit__code="49", edition__index__code="PAR", component__isnull=True
    )
    expected = ["illustrative" if s.basis == "illustrative" else "published" for s in stored]
    assert sorted(marks) == sorted(
        b for b, s in zip(expected, stored, strict=True) if s.published_rank
    )
    # PAPI publishes no group: the row shows the group the portal computed, marked as such.
    papi = section(scores, ">PAPI</a></h3>", "</table>")
    groups = section(papi, '<tr class="groups">', "</tr>")
    assert "cổng tính" in groups
    assert re.findall(r"basis-(derived|illustrative)", groups)
    assert "basis-published" not in groups


@pytest.mark.usefixtures("home_targets")
def test_unit_targets_read_in_words_with_their_demo_badge(client, official):
    client.force_login(official)
    html = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    targets = section(html, 'id="unit-targets"', "</ul>")
    assert "Điểm số (≥)" not in targets
    assert "[3]" not in targets
    assert "điểm từ 85,00 trở lên" in targets
    # A component target names its component, never its number.
    component = Component.objects.filter(edition__index__code="PCI", code="3").latest(
        "edition__year"
    )
    assert f"{component.name}:" in targets
    assert "thành phần 3" not in targets
    assert "năm cơ sở 2020 → mục tiêu 2025" in targets
    assert "mục tiêu minh họa" in targets


def test_profile_lists_real_strengths_before_illustrative_ones(monkeypatch):
    def item(code: str, basis: str, percentile: float) -> dict:
        return {
            "component_code": code,
            "index_code": "PCI",
            "basis": basis,
            "rank_basis": basis if basis == "illustrative" else "derived",
            "percentile": percentile,
            "display_rank": 1,
            "peer_count": 63,
        }

    strengths = [
        item("1", "illustrative", 99),
        item("2", "published", 90),
        item("3", "published", 80),
    ]
    monkeypatch.setattr(
        profile,
        "unit_profile",
        lambda *, unit: {
            "series": {},
            "strengths": strengths,
            "weaknesses": strengths[::-1],
            "index_names": {},
        },
    )
    context = profile.profile_context(unit=None)
    assert [s["component_code"] for s in context["profile"]["strengths"]] == ["2", "3", "1"]
    assert [s["component_code"] for s in context["profile"]["weaknesses"]] == ["3", "2", "1"]

"""Every chart a dashboard page draws is a valid plotly figure: built from the page's embedded
JSON with plotly's own Python API, which refuses an unknown property or a wrong value."""

import json
import re

import plotly.graph_objects as go
import pytest
from django.core.cache import cache

from tests.dashboards.test_dashboards import PAGES

CHART = re.compile(r'data-chart="([^"]+)"')


def _figures(html: str) -> dict[str, dict]:
    figures = {}
    for script_id in CHART.findall(html):
        match = re.search(
            rf'<script id="{re.escape(script_id)}" type="application/json">(.*?)</script>',
            html,
            re.S,
        )
        if match and match.group(1).strip() not in ("", '""', "null"):
            figures[script_id] = json.loads(match.group(1))
    return figures


@pytest.mark.usefixtures("province_standing")
@pytest.mark.parametrize("url", PAGES)
def test_every_chart_is_a_valid_plotly_figure(client, official, url):
    client.force_login(official)
    cache.clear()
    html = client.get(url).content.decode()
    for name, figure in _figures(html).items():
        built = go.Figure(data=figure["data"], layout=figure["layout"])  # raises if invalid
        assert built.data, f"{url} {name}: a chart without traces"


@pytest.mark.usefixtures("province_standing")
def test_rank_axes_have_whole_number_ticks(client, official):
    """Every axis that carries ranks shows whole numbers, reversed (1 at the top)."""
    client.force_login(official)
    cache.clear()
    checked = 0
    for url in PAGES:
        for figure in _figures(client.get(url).content.decode()).values():
            if any(trace.get("type") == "heatmap" for trace in figure["data"]):
                continue  # its reversed axis lists units, not ranks
            layout = go.Figure(data=figure["data"], layout=figure["layout"]).layout
            for name in ("yaxis", "yaxis2"):
                axis = layout[name] if name in figure["layout"] else None
                if axis and axis.autorange == "reversed" and axis.visible is not False:
                    checked += 1
                    assert axis.tickformat == "d"
                    assert axis.dtick is not None
                    assert float(axis.dtick) == int(axis.dtick) >= 1
    assert checked >= 3

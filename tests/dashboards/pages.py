"""Reading the dashboards' HTML and downloads in tests: figures and their basis marks, ranks,
sections of a page, the JSON a chart is drawn from, CSV rows."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

LABELS = {"Công bố", "Tính từ số công bố", "Đánh giá nội bộ", "Minh họa"}
FIG = re.compile(r'<span class="fig fig-\w+">[^<]*</span>')
UNMARKED_FIG = re.compile(r'<span class="fig fig-\w+">[^<]*</span>(?!<abbr class="basis)')
RANK = re.compile(r'<span class="rank">([^<]*)</span>(<abbr class="basis basis-(\w+)")?')


def half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def json_script(html: str, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

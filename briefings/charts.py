"""The briefings' charts as inline SVG (vector in the PDF; no raster, no script): a horizontal bar
chart and a line chart, drawn from the same rows the tables and workbook sheets show."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from indices.figures import figure

WIDTH = 640
PALETTE = ("#1f5fa8", "#c0392b", "#7f8c8d", "#27ae60")


@dataclass(frozen=True)
class Chart:
    """`kind` "bar" (one bar per label, one colour per series) or "line" (one line per series;
    None leaves a gap, and a label in `breaks` starts a new line: methodology breaks are never
    joined). `invert` puts smaller values on top (ranks)."""

    kind: str
    title: str
    labels: list[str]
    series: list[tuple[str, list[Decimal | None]]]
    decimals: int = 2
    breaks: set[str] = field(default_factory=set)
    invert: bool = False
    highlight: str = ""


def _number(value: Decimal | None, decimals: int) -> str:
    return escape(figure(value, decimals))


def _bar(chart: Chart) -> str:
    row_h, label_w, pad = 16, 190, 6
    n_series = max(len(chart.series), 1)
    group_h = row_h * n_series + pad
    height = 28 + group_h * len(chart.labels) + 10
    values = [v for _name, vs in chart.series for v in vs if v is not None]
    top = max([abs(float(v)) for v in values] or [1.0]) or 1.0
    plot_w = WIDTH - label_w - 70
    parts = [_legend(chart, y=12)]
    for i, label in enumerate(chart.labels):
        y = 24 + i * group_h
        weight = "bold" if label == chart.highlight else "normal"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + group_h / 2:.1f}" font-size="9" '
            f'text-anchor="end" font-weight="{weight}">{escape(label[:42])}</text>'
        )
        for s, (_name, vs) in enumerate(chart.series):
            value = vs[i] if i < len(vs) else None
            by = y + s * row_h
            if value is None:
                parts.append(f'<text x="{label_w + 2}" y="{by + 11}" font-size="8">—</text>')
                continue
            w = max(abs(float(value)) / top * plot_w, 0.5)
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{row_h - 3}" '
                f'fill="{colour}"/>'
                f'<text x="{label_w + w + 3:.1f}" y="{by + 10}" font-size="8">'
                f"{_number(value, chart.decimals)}</text>"
            )
    parts.append(
        f'<line x1="{label_w}" y1="20" x2="{label_w}" y2="{height - 8}" stroke="#444" '
        'stroke-width="0.6"/>'
    )
    return _svg(chart, height, "".join(parts))


def _line(chart: Chart) -> str:
    height, left, right, top_pad, bottom = 220, 50, 20, 30, 30
    values = [float(v) for _name, vs in chart.series for v in vs if v is not None]
    if not values or not chart.labels:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    low, high = low - span * 0.1, high + span * 0.1
    plot_w = WIDTH - left - right
    plot_h = height - top_pad - bottom
    step = plot_w / max(len(chart.labels) - 1, 1)

    def y_of(v: float) -> float:
        share = (v - low) / (high - low)
        return top_pad + (share if chart.invert else 1 - share) * plot_h

    parts = [_legend(chart, y=12)]
    parts.append(
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{WIDTH - right}" '
        f'y2="{top_pad + plot_h}" stroke="#444" stroke-width="0.6"/>'
    )
    for i, label in enumerate(chart.labels):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" font-size="8" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        if label in chart.breaks:
            parts.append(
                f'<line x1="{x - step / 2:.1f}" y1="{top_pad}" x2="{x - step / 2:.1f}" '
                f'y2="{top_pad + plot_h}" stroke="#999" stroke-dasharray="3,3"/>'
            )
    for s, (_name, vs) in enumerate(chart.series):
        colour = PALETTE[s % len(PALETTE)]
        segment: list[str] = []
        segments = [segment]
        for i, value in enumerate(vs):
            if value is None or chart.labels[i] in chart.breaks:
                segment = []
                segments.append(segment)
            if value is None:
                continue
            x, y = left + i * step, y_of(float(value))
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>'
                f'<text x="{x:.1f}" y="{y - 5:.1f}" font-size="8" text-anchor="middle">'
                f"{_number(value, chart.decimals)}</text>"
            )
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    'stroke-width="1.5"/>'
                )
    return _svg(chart, height, "".join(parts))


def _legend(chart: Chart, *, y: int) -> str:
    parts = []
    x = 4
    for s, (name, _vs) in enumerate(chart.series):
        colour = PALETTE[s % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y - 8}" width="10" height="8" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y}" font-size="8">{escape(name)}</text>'
        )
        x += 20 + 6 * len(name)
    return "".join(parts)


def _svg(chart: Chart, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(chart.title)}" '
        f'font-family="DejaVu Sans">{body}</svg>'
    )


def chart_svg(chart: Chart) -> SafeString:
    """The chart as an SVG element, every text escaped (unit names are data)."""
    svg = _bar(chart) if chart.kind == "bar" else _line(chart)
    return mark_safe(svg)  # noqa: S308 - every interpolated text above is escaped

"""A briefing as a file: the workbook through the dashboards' writer (`workbook_response`, one
sheet per section, formula-safe), the PDF through WeasyPrint from `briefings/pdf.html` with the
charts inline as SVG. Rendering never reaches the network: the URL fetcher refuses everything
but data: URLs and files under the project's static folders, and fonts are the system's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from briefings.charts import chart_svg
from briefings.content import Briefing
from dashboards.downloads import is_basis_column, source_line, workbook_response
from indices.figures import all_basis_marks, figure


class FetchRefused(ValueError):
    """A report asked for a resource outside the local files it may read."""


class LocalURLFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to data: URLs and files inside the project: no HTTP, FTP or
    file outside it, whatever a template or a piece of data names."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file://"):
            path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
            if not path.is_relative_to(Path(settings.BASE_DIR).resolve()):
                raise FetchRefused(f"Refused {url!r}: outside the project.")
        elif not url.startswith("data:"):
            raise FetchRefused(f"Refused {url!r}: reports are rendered offline.")
        return super().fetch(url, headers)


def local_url_fetcher() -> LocalURLFetcher:
    return LocalURLFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def workbook_bytes(briefing: Briefing) -> bytes:
    response = workbook_response(
        title=briefing.title,
        sheets=[section.table for section in briefing.sections],
        filename=briefing.filename,
    )
    return bytes(response.content)


def _cell(value: Any) -> str:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return figure(value, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    if value is None or value == "":
        return ""
    return str(value)


def _table(section: Any) -> dict[str, Any]:
    """The section's table as the PDF shows it: each basis column's words become its mark (CB,
    TT, NB, MH) in a narrow column; `pdf_keys` trims a wide table."""
    marks = {m.label: m.mark for m in all_basis_marks()}
    keys = section.pdf_keys or [key for key, _label in section.table.columns]
    # A basis column goes with the figure column before it: kept only if that one is.
    columns = []
    previous_kept = False
    for k, label in section.table.columns:
        kept = k in keys and (not is_basis_column(k) or previous_kept)
        if kept:
            columns.append((k, label))
        previous_kept = kept
    headers = [
        {"label": _("CS") if is_basis_column(k) else label, "basis": is_basis_column(k)}
        for k, label in columns
    ]
    rows = []
    for row in section.table.rows:
        cells = []
        for key, _label in columns:
            value = row.get(key)
            if is_basis_column(key):
                cells.append({"text": marks.get(str(value or ""), str(value or "")), "basis": True})
            else:
                cells.append({"text": _cell(value), "number": isinstance(value, (Decimal, int))})
        rows.append(cells)
    return {"headers": headers, "rows": rows, "wide": len(columns) > 8}


def css_string(text: str) -> SafeString:
    """Text for a CSS string in the page's <style> (the running header): quotes and
    backslashes escaped, no line breaks, and no "<" that could close the element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return mark_safe(" ".join(escaped.split()))  # noqa: S308 - escaped for CSS just above


def pdf_html(briefing: Briefing) -> str:
    sections = [
        {
            "title": s.table.title,
            # Illustrative figures are never credited to the publisher (as in the workbook).
            "source": source_line(s.table),
            "note": s.table.note,
            "intro": s.intro,
            "charts": [{"title": c.title, "svg": chart_svg(c)} for c in s.charts],
            "table": _table(s),
        }
        for s in briefing.sections
    ]
    return render_to_string(
        "briefings/pdf.html",
        {
            "briefing": briefing,
            "running_title": css_string(briefing.title),
            "sections": sections,
            "marks": all_basis_marks(),
            "created": localtime().strftime("%d/%m/%Y %H:%M"),
        },
    )


def pdf_bytes(briefing: Briefing) -> bytes:
    html = HTML(
        string=pdf_html(briefing),
        base_url=str(Path(settings.BASE_DIR).resolve()) + "/",
        url_fetcher=local_url_fetcher(),
    )
    data = html.write_pdf()
    if data is None:  # only when a target is given; never here
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(data)

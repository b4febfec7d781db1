"""Reading a generated report's file back (asking for one: the `ask` fixture)."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from briefings.models import GeneratedReport
from dashboards.downloads import HEADER_ROW


def download(client: Any, report: GeneratedReport) -> bytes:
    response = client.get(reverse("briefings:download", args=[report.pk]))
    assert response.status_code == 200, (response.status_code, report.error)
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def sheet_rows(data: bytes, name: str) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(data))[name]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    return [
        dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]

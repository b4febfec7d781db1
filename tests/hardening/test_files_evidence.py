"""Evidence files that act when opened: a PDF with JavaScript, a launch action or embedded
files, a file that is also an HTML page, an Office file with macros. Each is refused, through
the service and the upload page, with the reason in Vietnamese (and in English)."""

import datetime as dt
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from reports.evidence import evidence_check
from reports.models import Evidence, Plan, ReportingWindow, Task
from reports.services import evidence_add, report_open
from units.models import Unit

FILES = Path(__file__).resolve().parent / "fixtures_files"
JAVASCRIPT = "tệp PDF chứa JavaScript"
EMBEDDED = "tệp PDF chứa tệp khác đính kèm bên trong"
MACROS = "tệp có chứa macro; hãy lưu lại dưới dạng tệp không có macro (.docx, .xlsx, .pptx)"

HOSTILE = [
    ("evidence_javascript.pdf", JAVASCRIPT),
    ("evidence_openaction_escaped.pdf", JAVASCRIPT),
    ("evidence_javascript_in_object_stream.pdf", JAVASCRIPT),
    ("evidence_launch.pdf", "tệp PDF chứa lệnh mở chương trình khác (/Launch)"),
    ("evidence_embedded_file.pdf", EMBEDDED),
    (
        "evidence_html_polyglot.pdf",
        "tệp có chứa mã trang web (<html): một trình duyệt có thể mở nó như một trang web",
    ),
    ("evidence_vba.docx", MACROS),
    ("evidence_macro_enabled.xlsx", MACROS),
]


@pytest.fixture
def progress(reference_units, db):
    """Sở Tài chính's progress on one task in an open quarter (no index or demo data needed)."""
    plan = Plan.objects.create(name="Đề án thử", province=Unit.objects.get(code="49"))
    Task.objects.create(
        plan=plan,
        code="1",
        title="Nhiệm vụ 1",
        responsible=Unit.objects.get(code="48-2025.STC"),
        start_date=dt.date(2021, 1, 1),
        due_date=dt.date(2030, 12, 31),
    )
    today = timezone.localdate()
    window = ReportingWindow.objects.create(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
    )
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=window)
    return report.progress.get()


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


@pytest.mark.parametrize(("name", "reason"), HOSTILE)
def test_active_evidence_is_refused_by_the_service(progress, head_khdt, name, reason):
    with pytest.raises(ValidationError) as refused:
        evidence_add(progress=progress, upload=_upload(name), user=head_khdt)
    assert refused.value.messages == [f"Tệp {name} bị từ chối: {reason}."]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("name", "reason"), HOSTILE)
def test_active_evidence_is_refused_on_the_upload_page(client, progress, head_khdt, name, reason):
    client.force_login(head_khdt)
    response = client.post(
        reverse("reports:evidence_upload", args=[progress.pk]), {"file": _upload(name)}, follow=True
    )
    assert response.status_code == 200
    assert escape(f"Tệp {name} bị từ chối: {reason}.") in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["evidence_clean.pdf", "evidence_clean.docx"])
def test_plain_evidence_is_kept(progress, head_khdt, name):
    evidence = evidence_add(progress=progress, upload=_upload(name), user=head_khdt)
    assert evidence.original_name == name


def test_reason_is_translated():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        evidence_check(name="a.pdf", data=(FILES / "evidence_javascript.pdf").read_bytes())
    assert refused.value.messages == ["a.pdf was refused: the PDF contains JavaScript."]


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        evidence_check(name=name, data=data)
    return refused.value.messages[0]


def test_html_in_an_image_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20 + b"tEXt<SCRIPT src=//x></script>"
    assert "(<SCRIPT)" in _refusal("anh.png", png)


def test_legacy_office_file_with_a_vba_project_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "_VBA_PROJECT".encode("utf-16-le")
    assert MACROS in _refusal("bao-cao.doc", ole)


def test_opendocument_with_basic_macros_is_refused():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("Basic/Standard/Module1.xml", "<script:module/>")
    assert MACROS in _refusal("bao-cao.odt", buffer.getvalue())


@pytest.mark.parametrize(
    "name",
    [b"/JSON", b"/JSX", b"/Javascripts", b"/EmbeddedFont", b"/Launcher"],
)
def test_pdf_names_that_only_look_alike_are_fine(name):
    data = b"%PDF-1.7\n1 0 obj << /Type /Catalog " + name + b" 1 >> endobj\n%%EOF\n"
    assert evidence_check(name="a.pdf", data=data) == "application/pdf"


def test_content_that_does_not_match_the_name_is_still_refused():
    assert "không phải PDF" in _refusal("a.pdf", b"MZ\x90\x00")

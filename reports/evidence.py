"""What an evidence file really is, and what it may not carry. Department heads upload evidence
that reviewers and officials then open: a file is taken for its content, not its name, and one
that can act when opened is refused with the reason. A PDF with JavaScript, a launch action or
embedded files; any file that is also an HTML page (a browser that sniffs it would run its
script); an Office or OpenDocument file with macros."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tabular.archive import ArchiveRefused, macro_markers, open_archive

OOXML_PARTS = {"word/": ".docx", "xl/": ".xlsx", "ppt/": ".pptx"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF = "application/pdf"
# Every VBA project in a legacy (OLE) Office file has this stream; OLE names are UTF-16.
OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")
# Decompressed PDF streams read in all, at most: a real evidence file is under 10 MB.
MAX_PDF_INFLATED = 64 * 1024 * 1024


def sniff_type(data: bytes) -> tuple[str, set[str]] | None:
    """The content type the bytes really are, and the extensions that may carry it."""
    if data.startswith(b"%PDF-"):
        return PDF, {".pdf"}
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", {".png"}
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", {".jpg", ".jpeg"}
    if data.startswith(OLE_SIGNATURE):
        return "application/x-ole-storage", {".doc", ".xls", ".ppt"}
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype")[:100].decode("ascii", "ignore")
                    if mimetype.startswith("application/vnd.oasis.opendocument"):
                        return mimetype, {".odt", ".ods", ".odp"}
                if "[Content_Types].xml" in names:
                    for prefix, extension in OOXML_PARTS.items():
                        if any(name.startswith(prefix) for name in names):
                            return "application/vnd.openxmlformats-officedocument", {extension}
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
            return None
    return None


# PDF --------------------------------------------------------------------------------------------


def _name_pattern(name: str) -> bytes:
    """A PDF name that also matches its #-escaped spellings (/J#61vaScript is /JavaScript),
    followed by a delimiter (so /JS is not /JSON)."""
    parts = []
    for char in name:
        code = f"{ord(char):02X}"
        parts.append(f"(?:{re.escape(char)}|#(?i:{code}))")
    return ("/" + "".join(parts) + r"(?![A-Za-z0-9#_.\-])").encode("ascii")


# Name → why it is refused. Names are case-sensitive in PDF.
_PDF_ACTIVE = {
    "JavaScript": "javascript",
    "JS": "javascript",
    "Launch": "launch",
    "EmbeddedFile": "embedded",
    "EmbeddedFiles": "embedded",
    "FileAttachment": "embedded",
    "RichMedia": "embedded",
}
_PDF_NAMES = re.compile(
    b"|".join(b"(?P<%s>%s)" % (name.encode(), _name_pattern(name)) for name in _PDF_ACTIVE)
)
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_STREAM_END = b"endstream"


def _inflated_streams(data: bytes) -> list[bytes]:
    """The Flate-compressed streams of a PDF, decompressed (within MAX_PDF_INFLATED in all):
    object streams pack dictionaries, actions included, where no byte of the file shows them."""
    streams: list[bytes] = []
    budget = MAX_PDF_INFLATED
    for match in _PDF_STREAM.finditer(data):
        end = data.find(_PDF_STREAM_END, match.end())
        if end < 0 or budget <= 0:
            break
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[match.end() : end], budget)
        except zlib.error:
            continue  # not Flate (an image, another filter): nothing to read in it
        budget -= len(inflated)
        streams.append(inflated)
    return streams


def _pdf_problem(data: bytes) -> str:
    """Why a PDF is refused, or ""."""
    for part in (data, *_inflated_streams(data)):
        match = _PDF_NAMES.search(part)
        if match is None:
            continue
        kind = _PDF_ACTIVE[match.lastgroup or "JS"]
        if kind == "javascript":
            return _("tệp PDF chứa JavaScript")
        if kind == "launch":
            return _("tệp PDF chứa lệnh mở chương trình khác (/Launch)")
        return _("tệp PDF chứa tệp khác đính kèm bên trong")
    return ""


# HTML inside any file ---------------------------------------------------------------------------

_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|meta)[\s>/]", re.IGNORECASE
)


def _html_problem(data: bytes) -> str:
    match = _HTML.search(data)
    if match is None:
        return ""
    tag = match.group(0)[:-1].decode("ascii", "replace")
    return _(
        "tệp có chứa mã trang web (%(tag)s): một trình duyệt có thể mở nó như một trang web"
    ) % {"tag": tag}


# Office and OpenDocument ----------------------------------------------------------------------


def _macro_problem(data: bytes, content_type: str) -> str:
    macros = _("tệp có chứa macro; hãy lưu lại dưới dạng tệp không có macro (.docx, .xlsx, .pptx)")
    if content_type == "application/x-ole-storage":
        return macros if OLE_VBA in data else ""
    try:
        with open_archive(data, "") as archive:
            return macros if macro_markers(archive) else ""
    except ArchiveRefused:
        return _("tệp Office bị hỏng hoặc có cấu trúc bất thường")


def evidence_check(*, name: str, data: bytes) -> str:
    """The content type of an evidence file that may be kept. Raises ValidationError whose
    message names the file and says why it is refused."""
    sniffed = sniff_type(data)
    if sniffed is None or PurePath(name).suffix.lower() not in sniffed[1]:
        raise ValidationError(
            _(
                "Tệp %(name)s không phải PDF, ảnh (PNG, JPEG) hay văn bản Office hợp lệ "
                "(nội dung tệp không khớp với phần mở rộng)."
            ),
            code="type",
            params={"name": name},
        )
    content_type = sniffed[0]
    if content_type == PDF or content_type.startswith("image/"):
        problem = _html_problem(data) or (_pdf_problem(data) if content_type == PDF else "")
    else:
        problem = _macro_problem(data, content_type) or (
            _html_problem(data) if content_type == "application/x-ole-storage" else ""
        )
    if problem:
        raise ValidationError(
            _("Tệp %(name)s bị từ chối: %(reason)s."),
            code="active_content",
            params={"name": name, "reason": problem},
        )
    return content_type

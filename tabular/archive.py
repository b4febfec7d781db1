"""Checks on a zip-packaged document (.xlsx, .docx, .ods…) before any parser opens it: its size
once unpacked and its compression ratio (a zip bomb), macros (VBA projects, macro-enabled
content types, OpenDocument Basic), and XML declarations that are never needed in these files
(DOCTYPE, ENTITY: entity expansion, external entities) anywhere in any part, read as a stream
so that a part of any size is checked in bounded memory."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

CHUNK = 1 << 20
# Case-insensitive: some XML readers accept "<!doctype" too. UTF-16 parts are refused first,
# so the ASCII form is the only one a reader could see.
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATION_TAIL = 16  # bytes kept between chunks: longer than any match
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_NOT_UTF8 = (b"\xfe\xff", b"\xff\xfe", b"\x00")
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "ms-office.activex")
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_FOLDERS = ("basic/", "scripts/")  # OpenDocument macros (StarBasic, scripts)
MAX_CONTENT_TYPES = 1 << 20  # bytes; a real [Content_Types].xml is a few kilobytes


class ArchiveRefused(ValueError):
    """The package is refused; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_uncompressed: int  # bytes
    max_ratio: int


def _open(data: bytes, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ArchiveRefused(
            f"Tệp không phải {label} hợp lệ (không đọc được cấu trúc tệp)."
        ) from error


def part_chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A part's bytes, uncompressed, a megabyte at a time."""
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, RuntimeError) as error:
        raise ArchiveRefused(f"Phần “{name}” của tệp bị hỏng, không đọc được.") from error


def looks_like_xml(name: str) -> bool:
    return name.lower().endswith(_XML_SUFFIXES) or name in {"content.xml", "mimetype"}


def xml_encoding_check(name: str, head: bytes) -> None:
    """Parts are UTF-8 (Excel and LibreOffice write nothing else): a UTF-16 part would hide its
    markup from byte-level checks."""
    if head.startswith(_NOT_UTF8) or b"\x00" in head[:4]:
        raise ArchiveRefused(f"Phần “{name}” của tệp không ở mã UTF-8; tệp không hợp lệ.")


def declarations_check(name: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Pass the chunks through, refusing a DOCTYPE or ENTITY declaration anywhere in them,
    across chunk boundaries too."""
    tail = b""
    first = True
    for chunk in chunks:
        if first and looks_like_xml(name):
            xml_encoding_check(name, chunk)
        first = False
        if _DECLARATION.search(tail + chunk):
            raise ArchiveRefused(
                f"Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY) trong phần “{name}”."
            )
        tail = chunk[-_DECLARATION_TAIL:]
        yield chunk


def _sizes_check(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    if total > limits.max_uncompressed:
        raise ArchiveRefused(
            f"Tệp giải nén ra {total // (1024 * 1024)} MB, vượt giới hạn "
            f"{limits.max_uncompressed // (1024 * 1024)} MB."
        )
    if total / compressed > limits.max_ratio:
        raise ArchiveRefused(
            f"Tỷ lệ nén {total / compressed:.0f}:1 bất thường (giới hạn {limits.max_ratio}:1); "
            "tệp có thể là một “zip bomb”."
        )


def macro_markers(archive: zipfile.ZipFile) -> list[str]:
    """What makes a package carry macros: the names of VBA, ActiveX or OpenDocument macro parts,
    and macro-enabled content types it declares. Empty for a package without any."""
    names = archive.namelist()
    found = [
        name
        for name in names
        if name.lower().endswith(MACRO_PARTS) or name.lower().startswith(MACRO_FOLDERS)
    ]
    if "[Content_Types].xml" not in names:
        return found
    if archive.getinfo("[Content_Types].xml").file_size > MAX_CONTENT_TYPES:
        raise ArchiveRefused("Tệp có phần mô tả nội dung quá lớn, không hợp lệ.")
    content_types = b"".join(
        declarations_check("[Content_Types].xml", part_chunks(archive, "[Content_Types].xml"))
    )
    try:
        root = SafeET.fromstring(content_types)
    except (DefusedXmlException, SafeET.ParseError) as error:
        raise ArchiveRefused("Tệp có phần mô tả nội dung không hợp lệ.") from error
    for element in root:
        content_type = element.get("ContentType") or ""
        if any(marker in content_type.lower() for marker in MACRO_CONTENT_TYPES):
            found.append(content_type)
    return found


def macros_check(archive: zipfile.ZipFile) -> None:
    """A VBA project, a macro-enabled content type, ActiveX or OpenDocument macros."""
    markers = macro_markers(archive)
    if markers:
        raise ArchiveRefused(
            f"Tệp có chứa macro ({markers[0]}); hãy lưu lại dưới dạng tệp thường, không có macro."
        )


def package_check(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Sizes and macros, from the archive's directory and its content types: what is known
    before any part is read through."""
    _sizes_check(archive, limits)
    macros_check(archive)


def declarations_scan(archive: zipfile.ZipFile, *, skip: Collection[str] = ()) -> None:
    """Every part read through for DOCTYPE and ENTITY declarations, but those in `skip` (which
    the caller reads through declarations_check itself, to read them once)."""
    for name in archive.namelist():
        if name not in skip:
            for _chunk in declarations_check(name, part_chunks(archive, name)):
                pass


def archive_check(archive: zipfile.ZipFile, *, limits: ArchiveLimits) -> None:
    """Sizes, macros, then every part read through: raises ArchiveRefused with a reason."""
    package_check(archive, limits)
    declarations_scan(archive)


def open_archive(data: bytes, label: str) -> zipfile.ZipFile:
    """The package, opened (its checks are archive_check's)."""
    return _open(data, label)

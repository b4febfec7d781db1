"""Builds the hostile files in this folder: small, hand-made packages that each break one
assumption of a reader (how far a sheet reaches, where a DOCTYPE hides, what a cell holds, what
rides inside an evidence file). Run from the project root:
`.venv/bin/python tests/hardening/fixtures_files/build.py`. The outputs are committed; the tests
read them and never rebuild them.

Spreadsheets are written by hand (zipfile and strings), not by openpyxl: a writer library
normalises exactly the odd shapes these files exist to have."""

from __future__ import annotations

import posixpath
import zlib
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

HERE = Path(__file__).resolve().parent
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def put(archive: ZipFile, name: str, data: str | bytes, compression: int = ZIP_DEFLATED) -> None:
    """A part with a fixed date, so that rebuilding changes no committed byte."""
    info = ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = compression
    archive.writestr(info, data)


def content_types(overrides: dict[str, str]) -> str:
    parts = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
    )
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{parts}</Types>'
    )


def xlsx(
    name: str,
    sheet_xml: str | bytes,
    *,
    sheet_name: str = "Dữ liệu",
    workbook_type: str = WORKBOOK_TYPE,
    extra: dict[str, bytes] | None = None,
    target: str = "worksheets/sheet1.xml",
) -> None:
    """A one-sheet workbook whose sheet part (`target`, from xl/) is `sheet_xml`, as given."""
    rels = (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/worksheet" Target="{target}"/></Relationships>'
    )
    part = posixpath.normpath(f"xl/{target}")
    types = content_types({"xl/workbook.xml": workbook_type, part: SHEET_TYPE})
    with ZipFile(HERE / name, "w", ZIP_DEFLATED) as archive:
        put(archive, "[Content_Types].xml", types)
        put(archive, "_rels/.rels", rels)
        put(archive, "xl/workbook.xml", workbook)
        put(archive, "xl/_rels/workbook.xml.rels", workbook_rels)
        put(archive, part, sheet_xml)
        for part, data in (extra or {}).items():
            put(archive, part, data)


def cell(reference: str, value: object) -> str:
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'
    return number(reference, str(value))


def number(reference: str, text: str) -> str:
    """A numeric cell holding `text` as written ("inf" and "NaN" read as floats)."""
    return f'<c r="{reference}"><v>{text}</v></c>'


def sheet(rows: list[tuple[int, list[str]]], *, dimension: str | None = None) -> str:
    """A worksheet: (row number, its cells' XML) in order, and the declared extent if any."""
    body = "".join(f'<row r="{number}">{"".join(cells)}</row>' for number, cells in rows)
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}">{declared}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def hostile_extents() -> None:
    # The files: a value in A1 and one in the last cell, as openpyxl declares them.
    for last in ("XFD1048576", "CV1048576", "J1048576"):
        row = int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        xlsx(
            f"extent_{last.lower()}.xlsx",
            sheet([(1, [cell("A1", 1)]), (row, [cell(last, 2)])], dimension=f"A1:{last}"),
        )
    # The same far cell with no <dimension>: only the scan of the cells finds it.
    xlsx(
        "extent_xfd1048576_undeclared.xlsx",
        sheet([(1, [cell("A1", 1)]), (1048576, [cell("XFD1048576", 2)])]),
    )
    # A declared extent alone, over cells that stay in A1:B2.
    xlsx(
        "extent_declared_only.xlsx",
        sheet([(1, [cell("A1", 1)]), (2, [cell("B2", 2)])], dimension="A1:XFD1048576"),
    )
    # Cells without references, numbered by their row (calamine reads this sheet as 1M rows).
    xlsx(
        "extent_unreferenced_cells.xlsx",
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetData><row><c><v>1</v></c></row>'
        '<row r="1048576"><c><v>2</v></c></row></sheetData></worksheet>',
    )
    # The far cell in a worksheet kept outside xl/worksheets/, where the workbook points.
    xlsx(
        "extent_sheet_outside_worksheets.xlsx",
        sheet([(1, [cell("A1", 1)]), (1048576, [cell("XFD1048576", 2)])]),
        target="hidden/data.xml",
    )
    # Namespace-prefixed elements: the same far cell, invisible to a search for "<c r=".
    xlsx(
        "extent_prefixed_cells.xlsx",
        f'{XML_HEAD}<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="1048576"><x:c r="XFD1048576">'
        "<x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>",
    )
    # An OpenDocument table whose one valued cell is repeated across 16,384 columns.
    ods(
        "extent_repeated_columns.ods",
        '<table:table table:name="Dữ liệu"><table:table-row>'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>',
    )


def ods(name: str, tables: str) -> None:
    content = (
        f"{XML_HEAD}<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        f"{XML_HEAD}<manifest:manifest "
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with ZipFile(HERE / name, "w") as archive:
        put(archive, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", ZIP_STORED)
        put(archive, "content.xml", content, ZIP_DEFLATED)
        put(archive, "META-INF/manifest.xml", manifest, ZIP_DEFLATED)


def hostile_declarations() -> None:
    entity = '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    comment = "<!--" + "x" * 5000 + "-->"
    body = (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{cell("A1", 1)}</row>'
        "</sheetData></worksheet>"
    )
    # The old check read the first 4,096 bytes of each part: a comment pushes the DOCTYPE past.
    xlsx("doctype_after_comment.xlsx", f"{XML_HEAD}{comment}{entity}{body}")
    # Lower case, which some XML readers accept as well.
    xlsx(
        "doctype_lower_case.xlsx",
        f"{XML_HEAD}{comment}{entity.replace('DOCTYPE', 'doctype')}{body}",
    )
    # A part in UTF-16, whose markup no byte search for ASCII would see.
    xlsx("part_in_utf16.xlsx", ("\ufeff" + f"{entity}{body}").encode("utf-16-le"))


HEADER = ["Tỉnh", "Điểm số", "Xếp hạng", "Xếp loại"]


def scores_csv(name: str, rows: list[list[str]]) -> None:
    lines = [",".join(HEADER), *(",".join(row) for row in rows)]
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def hostile_values() -> None:
    """Values that pass a first look and break at the database or in a template. Each file
    has a clean row (Đà Nẵng) beside the hostile one (Quảng Nam, row 2)."""
    clean = ["Đà Nẵng", "70", "1", "Tốt"]
    scores_csv("rank_40000.csv", [["Quảng Nam", "66", "40000", "Khá"], clean])
    scores_csv("rank_20_digits.csv", [["Quảng Nam", "66", "9" * 20, "Khá"], clean])
    scores_csv("rank_superscript.csv", [["Quảng Nam", "66", "²", "Khá"], clean])
    scores_csv("group_41_characters.csv", [["Quảng Nam", "66", "2", "K" * 41], clean])
    scores_csv("group_backslash_n.csv", [["Quảng Nam", "66", "2", "\\N"], clean])
    scores_csv("group_unknown.csv", [["Quảng Nam", "66", "2", "Xuất sắc nhất"], clean])
    scores_csv("number_too_large.csv", [["Quảng Nam", "1" + "0" * 40, "2", "Khá"], clean])
    # Numbers a spreadsheet stores as text in a numeric cell: infinity and not-a-number.
    rows = [(1, [cell(f"{c}1", h) for c, h in zip("ABCD", HEADER, strict=True)])]
    names = ["Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa"]
    values = [("inf", "2"), ("-inf", "3"), ("NaN", "4"), ("1e999", "5"), ("1e308", "6")]
    for line, (name, (value, rank)) in enumerate(zip(names, values, strict=True), start=2):
        rows.append(
            (line, [cell(f"A{line}", name), number(f"B{line}", value), number(f"C{line}", rank)])
        )
    rows.append((7, [cell("A7", "Đà Nẵng"), cell("B7", 70), cell("C7", 1)]))
    xlsx("numbers_not_finite.xlsx", sheet(rows))


# Evidence files ---------------------------------------------------------------------------------


def pdf(objects: list[bytes]) -> bytes:
    """A small well-formed PDF: the objects numbered from 1, a cross-reference table, a trailer
    whose root is object 1."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + (
        packed + b"\nendstream"
    )


PAGES = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def evidence() -> None:
    files = {
        "evidence_clean.pdf": pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES]),
        "evidence_javascript.pdf": pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                *PAGES,
                b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>",
            ]
        ),
        # /OpenAction straight to a JavaScript action, its name written with #-escapes.
        "evidence_openaction_escaped.pdf": pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x) >> >>",
                *PAGES,
            ]
        ),
        "evidence_launch.pdf": pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
                *PAGES,
            ]
        ),
        "evidence_embedded_file.pdf": pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
                *PAGES,
                b"<< /Names [(a.exe) 5 0 R] >>",
                b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
                stream(b"MZ", b"/Type /EmbeddedFile "),
            ]
        ),
        # The JavaScript action inside a compressed object stream, as PDF 1.5+ writers pack
        # objects: no byte of the file shows it.
        "evidence_javascript_in_object_stream.pdf": pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
                *PAGES,
                stream(
                    b"5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>",
                    b"/Type /ObjStm /N 1 /First 4 ",
                ),
            ]
        ),
        # A PDF that is also an HTML page: a browser sniffing it would run the script.
        "evidence_html_polyglot.pdf": pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                *PAGES,
                b"(<html><body><script>alert(document.cookie)</script></body></html>)",
            ]
        ),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    office()


def office() -> None:
    docx_types = {
        "word/document.xml": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        )
    }
    document = (
        f'{XML_HEAD}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
        'main"><w:body><w:p><w:r><w:t>Báo cáo</w:t></w:r></w:p></w:body></w:document>'
    )

    def docx(name: str, types: dict[str, str], extra: dict[str, bytes]) -> None:
        with ZipFile(HERE / name, "w", ZIP_DEFLATED) as archive:
            put(archive, "[Content_Types].xml", content_types(types))
            put(
                archive,
                "_rels/.rels",
                f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                f'Type="{REL_NS}/officeDocument" Target="word/document.xml"/></Relationships>',
            )
            put(archive, "word/document.xml", document)
            for part, data in extra.items():
                put(archive, part, data)

    docx("evidence_clean.docx", docx_types, {})
    docx(
        "evidence_vba.docx",
        docx_types | {"word/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
    )
    # No VBA part at all, only a workbook declared macro-enabled.
    xlsx(
        "evidence_macro_enabled.xlsx",
        sheet([(1, [cell("A1", 1)])]),
        workbook_type=MACRO_WORKBOOK_TYPE,
    )


def main() -> None:
    hostile_extents()
    hostile_declarations()
    hostile_values()
    evidence()


if __name__ == "__main__":
    main()

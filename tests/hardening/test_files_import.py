"""Every hostile spreadsheet in fixtures_files/, through the import service and through the
admin's import pages (upload, preview, commit): each ends in a clear error on the page, never a
500 or a crash, and nothing is written."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from indices.models import ImportBatch, Score
from indices.services.imports.service import ImportRejected, scores_import, scores_preview
from tests.factories import EditionFactory, IndexFactory

FILES = Path(__file__).resolve().parent / "fixtures_files"

HOSTILE = [
    ("extent_xfd1048576.xlsx", "khai báo vùng dữ liệu đến ô XFD1048576"),
    ("extent_cv1048576.xlsx", "khai báo vùng dữ liệu đến ô CV1048576"),
    ("extent_j1048576.xlsx", "khai báo vùng dữ liệu đến ô J1048576"),
    ("extent_declared_only.xlsx", "khai báo vùng dữ liệu đến ô XFD1048576"),
    ("extent_xfd1048576_undeclared.xlsx", "có dữ liệu ở ô XFD1048576"),
    ("extent_unreferenced_cells.xlsx", "có dữ liệu ở ô A1048576"),
    ("extent_prefixed_cells.xlsx", "có dữ liệu ở ô XFD1048576"),
    ("extent_sheet_outside_worksheets.xlsx", "có dữ liệu ở ô XFD1048576"),
    ("extent_repeated_columns.ods", "có dữ liệu ở ô XFD1"),
    ("doctype_after_comment.xlsx", "khai báo XML không được phép (DOCTYPE/ENTITY)"),
    ("doctype_lower_case.xlsx", "khai báo XML không được phép (DOCTYPE/ENTITY)"),
    ("part_in_utf16.xlsx", "không ở mã UTF-8"),
    ("evidence_macro_enabled.xlsx", "macro"),
    ("rank_40000.csv", "Thứ hạng 40000 vượt giới hạn 32767"),
    ("rank_20_digits.csv", "Thứ hạng 99999999999999999999 vượt giới hạn 32767"),
    ("rank_superscript.csv", "Thứ hạng phải là số nguyên dương"),
    ("group_41_characters.csv", "Xếp loại dài 41 ký tự, vượt giới hạn 40 ký tự"),
    ("number_too_large.csv", "Số quá lớn (quá 15 chữ số phần nguyên)"),
    ("numbers_not_finite.xlsx", "Giá trị vô cực hoặc NaN, không phải số"),
]


@pytest.fixture
def edition(reference_units):
    return EditionFactory(index=IndexFactory(code="HARDI"), year=2021)


def _nothing_written(edition) -> None:
    assert not Score.objects.filter(edition=edition).exists()
    assert not ImportBatch.objects.filter(
        edition=edition, status=ImportBatch.Status.COMMITTED
    ).exists()


@pytest.mark.parametrize(("name", "message"), HOSTILE)
def test_hostile_file_is_an_error_of_the_service(edition, name, message):
    data = (FILES / name).read_bytes()
    result = scores_preview(edition=edition, data=data, filename=name)
    assert any(message in problem.message for problem in result.errors)
    with pytest.raises(ImportRejected):
        scores_import(edition=edition, data=data, filename=name)
    _nothing_written(edition)


def _upload(client, edition, name: str):
    """The admin's upload, followed to the preview page."""
    upload = SimpleUploadedFile(name, (FILES / name).read_bytes())
    return client.post(
        reverse("indices:import_list"),
        {"index": edition.index.code, "year": edition.year, "level": "province", "file": upload},
        follow=True,
    )


@pytest.mark.parametrize(("name", "message"), HOSTILE)
def test_hostile_file_is_an_error_on_the_import_pages(client, admin_user, edition, name, message):
    client.force_login(admin_user)
    preview = _upload(client, edition, name)
    assert preview.status_code == 200
    assert escape(message) in preview.content.decode()
    batch = ImportBatch.objects.get(edition=edition)
    commit = client.post(reverse("indices:import_commit", args=[batch.pk]), follow=True)
    assert commit.status_code == 200
    assert "chưa ghi dữ liệu nào" in commit.content.decode()
    _nothing_written(edition)


@override_settings(IMPORT_MAX_ROWS=2_000_000, IMPORT_MAX_COLUMNS=20_000)
def test_file_that_overwhelms_the_parser_is_an_error_on_the_page(client, admin_user, edition):
    """With the extent limits lifted, the 549 GB sheet reaches calamine: the reading child
    aborts, the web process answers."""
    client.force_login(admin_user)
    preview = _upload(client, edition, "extent_xfd1048576.xlsx")
    assert preview.status_code == 200
    assert "Tệp vượt giới hạn bộ nhớ/thời gian đọc" in preview.content.decode()
    _nothing_written(edition)

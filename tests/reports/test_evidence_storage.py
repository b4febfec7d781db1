"""Evidence that cannot be written whole (the evidence folder full): the head is told why, the
typed text is kept, and nothing is left behind, neither a row nor a partly written file.

`make faults` does this on a real full filesystem (a 1 MiB tmpfs); here the upload itself fails
after its first chunk, with the error a full disk gives, while Django's storage writes it."""

import errno
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from reports.models import Evidence
from reports.services import evidence_add, report_open, report_save
from units.models import Unit

PDF = b"%PDF-1.4\n%" + b"x" * 200_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class FailingUpload(SimpleUploadedFile):
    """An upload whose writing fails with `error` after its first 64 KiB reached the file."""

    def __init__(self, name: str, content: bytes, error: int) -> None:
        super().__init__(name, content)
        self.error = error

    def chunks(self, chunk_size=None):
        yield self.read(64 * 1024)
        raise OSError(self.error, "simulated")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def _progress(open_window):
    report = report_open(unit=Unit.objects.get(code="48-2025.STC"), window=open_window)
    return report, report.progress.get()


def test_full_evidence_folder_is_named_and_leaves_no_partial_file(
    plan, open_window, head_khdt, media
):
    _report, progress = _progress(open_window)
    upload = FailingUpload("quyet-dinh.pdf", PDF, errno.ENOSPC)
    with pytest.raises(ValidationError) as refused:
        evidence_add(progress=progress, upload=upload, user=head_khdt)
    assert "quyet-dinh.pdf" in refused.value.messages[0]
    assert "hết dung lượng" in refused.value.messages[0]
    assert not Evidence.objects.exists()
    assert _files(media) == []


def test_unwritable_evidence_folder_gives_its_own_reason(plan, open_window, head_khdt, media):
    _report, progress = _progress(open_window)
    upload = FailingUpload("anh.pdf", PDF, errno.EACCES)
    with pytest.raises(ValidationError, match="không ghi được tệp"):
        evidence_add(progress=progress, upload=upload, user=head_khdt)
    assert _files(media) == []


def test_text_is_saved_when_the_evidence_folder_is_full(plan, open_window, head_khdt, media):
    report, progress = _progress(open_window)
    entry = {
        "id": progress.pk,
        "status": "in_progress",
        "percent_complete": 40,
        "done": "Đã gõ trước khi tải tệp",
        "difficulties": "",
        "proposals": "",
        "explanation": "",
    }
    with pytest.raises(ValidationError, match="hết dung lượng"):
        report_save(
            report=report,
            user=head_khdt,
            entries=[entry],
            values={},
            uploads={progress.pk: [FailingUpload("a.pdf", PDF, errno.ENOSPC)]},
        )
    progress.refresh_from_db()
    assert progress.done == "Đã gõ trước khi tải tệp"
    assert _files(media) == []


def test_stored_file_is_removed_when_its_row_cannot_be_written(
    plan, open_window, head_khdt, media, monkeypatch
):
    _report, progress = _progress(open_window)

    def refuse(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Evidence.objects, "create", refuse)
    with pytest.raises(IntegrityError):
        evidence_add(progress=progress, upload=SimpleUploadedFile("a.pdf", PDF), user=head_khdt)
    assert _files(media) == []

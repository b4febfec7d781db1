"""A file that leaves out a unit with stored values: a warning, and a commit that needs the
admin's confirmation, unless the unit was not published anyway."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from indices.models import ImportBatch, Score
from indices.services.imports.service import (
    ConfirmationRequired,
    import_restore,
    import_stage,
    scores_import,
    scores_preview,
)
from tests.indices.spreadsheets import FIXTURES, import_fixture, snapshot, values_of
from tests.leagues import edition_of

QUANG_NAM_WARNING = (
    "Quảng Nam có 11 giá trị đang lưu (tổng 66,24; 1: 7,05; 2: 7,16; 3: 5,32; 4: 7,79; "
    "5: 7,48; 6: 6,63; 7: 6,55; 8: 7,06; 9: 6,24; 10: 7,87) nhưng không có trong tệp mới: "
    "nếu ghi, các giá trị này sẽ bị xóa"
)


@pytest.mark.django_db
def test_dropping_a_unit_with_values_is_a_warning_and_needs_confirmation():
    import_fixture("pci_2021_published.xlsx")
    edition = edition_of("PCI", 2021)
    data = (FIXTURES / "pci_2021_without_quang_nam.xlsx").read_bytes()
    preview = scores_preview(edition=edition, data=data, filename="without.xlsx")
    assert preview.errors == []
    assert [p.message for p in preview.warnings] == [QUANG_NAM_WARNING]
    assert [d.unit.code for d in preview.dropped] == ["49"]

    before, batches = snapshot(edition), ImportBatch.objects.count()
    with pytest.raises(ConfirmationRequired) as refused:
        scores_import(edition=edition, data=data, filename="without.xlsx")
    assert str(refused.value) == (
        "Tệp mới không có 1 đơn vị đang có giá trị lưu trữ (Quảng Nam); cần xác nhận xóa giá trị "
        "của các đơn vị này trước khi ghi. Chưa ghi dữ liệu nào."
    )
    assert snapshot(edition) == before, "a refused commit changes nothing"
    assert ImportBatch.objects.count() == batches

    outcome = scores_import(edition=edition, data=data, filename="without.xlsx", allow_missing=True)
    assert outcome.committed
    assert not Score.objects.filter(edition=edition, unit__code="49").exists()
    assert Score.objects.filter(edition=edition, component__isnull=True).count() == 20


@pytest.mark.django_db
def test_restoring_a_batch_without_a_unit_needs_confirmation_too():
    older = import_fixture("pci_2021_without_quang_nam.xlsx")
    import_fixture("pci_2021_published.xlsx")
    with pytest.raises(ConfirmationRequired):
        import_restore(batch=older.batch)
    assert values_of(edition_of("PCI", 2021), "49")[None] == Decimal("66.24")
    assert import_restore(batch=older.batch, allow_missing=True).committed
    assert values_of(edition_of("PCI", 2021), "49") == {}


def test_top_n_file_needs_no_confirmation_for_units_already_not_published(pci_2023_top_30):
    edition = edition_of("PCI", 2023)
    top = Score.objects.filter(edition=edition, component__isnull=True, state="value")
    lines = ["Tỉnh,Điểm số PCI,Xếp hạng"] + [
        f"{s.unit.name},{s.value},{s.published_rank}" for s in top.select_related("unit")
    ]
    assert len(lines) == 31
    outcome = scores_import(edition=edition, data="\n".join(lines).encode(), filename="top.csv")
    assert outcome.committed
    assert outcome.result.dropped == []
    totals = Score.objects.filter(edition=edition, component__isnull=True)
    assert (totals.filter(state="value").count(), totals.count()) == (30, 63)


def test_top_n_file_without_a_unit_that_had_values_says_they_become_not_published(
    pci_2023_top_30,
):
    edition = edition_of("PCI", 2023)
    top = Score.objects.filter(edition=edition, component__isnull=True, state="value")
    kept, left_out = list(top.select_related("unit")[1:]), top.select_related("unit")[0]
    lines = ["Tỉnh,Điểm số PCI"] + [f"{s.unit.name},{s.value}" for s in kept]
    result = scores_preview(edition=edition, data="\n".join(lines).encode(), filename="t.csv")
    assert [d.unit.pk for d in result.dropped] == [left_out.unit_id]
    assert any(
        p.message.endswith("nếu ghi, các giá trị này sẽ được thay bằng “không công bố”")
        for p in result.warnings
    )


@pytest.mark.django_db
def test_import_command_refuses_to_drop_values_without_allow_missing(capsys):
    import_fixture("pci_2021_published.xlsx")
    before = snapshot(edition_of("PCI", 2021))
    arguments = [str(FIXTURES / "pci_2021_without_quang_nam.xlsx"), "--index", "PCI"]
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_scores", *arguments, "--year", "2021")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Quảng Nam: 11 giá trị đang lưu (tổng 66,24; 1: 7,05;" in err
    assert "Chạy lại với --allow-missing để xác nhận xóa các giá trị này." in err
    assert snapshot(edition_of("PCI", 2021)) == before
    out = io.StringIO()
    call_command("import_scores", *arguments, "--year", "2021", "--allow-missing", stdout=out)
    assert "Đã ghi lần nhập" in out.getvalue()
    assert values_of(edition_of("PCI", 2021), "49") == {}


@pytest.mark.django_db
def test_preview_page_asks_for_the_confirmation_and_commit_honours_it(client, admin_user):
    import_fixture("pci_2021_published.xlsx")
    client.force_login(admin_user)
    edition = edition_of("PCI", 2021)
    data = (FIXTURES / "pci_2021_without_quang_nam.xlsx").read_bytes()
    batch = import_stage(edition=edition, data=data, filename="without.xlsx", user=admin_user)
    page = client.get(reverse("indices:import_preview", args=[batch.pk]))
    assert page.context["result"].dropped[0].unit.code == "49"
    assert "Tôi xác nhận xóa giá trị của các đơn vị không có trong tệp mới" in page.content.decode()
    assert QUANG_NAM_WARNING in page.content.decode()

    before = snapshot(edition)
    refused = client.post(reverse("indices:import_commit", args=[batch.pk]), follow=True)
    assert "Đánh dấu ô xác nhận xóa" in refused.content.decode()
    assert snapshot(edition) == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED

    client.post(reverse("indices:import_commit", args=[batch.pk]), {"allow_missing": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert values_of(edition, "49") == {}


@pytest.mark.django_db
def test_a_file_shorter_than_the_published_top_n_is_a_warning():
    """Ranks of a top-N edition read "out of N": a file holding fewer units says so."""
    edition = edition_of("PCI", 2021)
    data = (FIXTURES / "pci_2021_published.xlsx").read_bytes()
    edition.published_top_n = 30
    edition.save(update_fields=["published_top_n"])
    preview = scores_preview(edition=edition, data=data, filename="pci.xlsx")
    held = len({r.unit.pk for r in preview.records})
    assert held < 30
    shorter = [p.message for p in preview.warnings if "ít hơn 30 đơn vị dẫn đầu" in p.message]
    assert shorter == [
        f"Tệp có {held} đơn vị, ít hơn 30 đơn vị dẫn đầu mà kỳ này công bố: thứ hạng sẽ được "
        "đọc là trên 30; hãy kiểm tra tệp có đủ bảng công bố không."
    ]
    edition.published_top_n = 10
    edition.save(update_fields=["published_top_n"])
    preview = scores_preview(edition=edition, data=data, filename="pci.xlsx")
    assert not [p for p in preview.warnings if "đơn vị dẫn đầu mà kỳ này công bố" in p.message]

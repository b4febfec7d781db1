"""Importing a publisher's table: the layouts it comes in, what a commit writes and replaces,
and the commands that import and export."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from indices.models import AnalysisRun, ImportBatch, Score
from indices.services.imports.service import import_restore, scores_import
from tests.indices.spreadsheets import FIXTURES, import_fixture, snapshot
from tests.leagues import edition_of


def test_published_pci_table_with_title_rows_imports(pci_2021_scored):
    outcome = import_fixture("pci_2021_published.xlsx")
    result = outcome.result
    assert (result.layout, result.sheet, result.header_row) == ("wide", "PCI 2021", 4)
    assert len(result.records) == 21
    assert result.value_count == 21 * 11
    edition = edition_of("PCI", 2021)
    quang_nam = Score.objects.get(edition=edition, unit__code="49", component__isnull=True)
    assert (quang_nam.value, quang_nam.decimals) == (Decimal("66.24"), 2)
    assert (quang_nam.published_rank, quang_nam.published_group) == (19, "Khá")
    transparency = Score.objects.get(edition=edition, unit__code="49", component__code="3")
    assert transparency.value == Decimal("5.32")
    assert outcome.batch.sha256
    assert outcome.batch.status == ImportBatch.Status.COMMITTED
    assert outcome.batch.file.name
    # The 42 provinces the table leaves out now have no score in this edition.
    assert Score.objects.filter(edition=edition, component__isnull=True).count() == 21


@pytest.mark.django_db
def test_ascii_names_and_english_headers_give_the_same_scores():
    import_fixture("pci_2021_published.xlsx")
    first = snapshot(edition_of("PCI", 2021))
    outcome = import_fixture("pci_2021_ascii_english.csv")
    assert outcome.committed
    assert snapshot(edition_of("PCI", 2021)) == first


@pytest.mark.django_db
def test_transposed_papi_sheet_imports_every_province():
    outcome = import_fixture("papi_2020_transposed.xlsx", "PAPI", 2020)
    assert outcome.result.layout == "transposed"
    assert len(outcome.result.records) == 63
    score = Score.objects.get(
        edition=edition_of("PAPI", 2020), unit__code="49", component__isnull=True
    )
    assert score.value == Decimal("43.2623")
    assert score.decimals == 4


@pytest.mark.django_db
def test_long_layout_with_decimal_commas_and_na():
    outcome = import_fixture("par_district_2023_long.csv", "PAR_DISTRICT", 2023)
    assert outcome.result.layout == "long"
    edition = edition_of("PAR_DISTRICT", 2023)
    assert Score.objects.get(
        edition=edition, unit__code="515", component__code="3"
    ).value == Decimal("16.9")
    na = Score.objects.get(edition=edition, unit__code="519", component__code="1")
    assert (na.state, na.value) == ("not_available", None)


@pytest.mark.django_db
def test_percentages_not_published_and_aliases_in_a_totals_only_file():
    outcome = import_fixture("par_2023_percent_totals.csv", "PAR", 2023)
    infos = [p.message for p in outcome.result.problems if p.severity == "info"]
    assert any("chỉ có điểm tổng" in m for m in infos)
    edition = edition_of("PAR", 2023)
    totals = {s.unit.code: s for s in Score.objects.filter(edition=edition).select_related("unit")}
    assert totals["79"].value == Decimal("89.50")  # TP.HCM
    assert totals["49"].value == Decimal("84.60")
    assert totals["77"].state == "not_published"  # BRVT: KCB
    assert totals["46"].state == "not_available"  # TT-Huế: N/A


@pytest.mark.django_db
def test_top_30_edition_records_missing_units_as_not_published():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,72,1\nĐà Nẵng,70,2\n"
    outcome = scores_import(
        edition=edition_of("PCI", 2023),
        data=csv_text.encode(),
        filename="t.csv",
        allow_missing=True,
    )
    totals = Score.objects.filter(edition=edition_of("PCI", 2023), component__isnull=True)
    assert totals.filter(state="value").count() == 2
    assert totals.filter(state="not_published").count() == 61
    assert outcome.committed


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing_and_says_so():
    first = import_fixture("pci_2021_published.xlsx")
    stored = snapshot(edition_of("PCI", 2021))
    again = import_fixture("pci_2021_published.xlsx")
    assert again.unchanged
    assert not again.committed
    assert again.batch.pk == first.batch.pk
    assert snapshot(edition_of("PCI", 2021)) == stored
    assert (
        ImportBatch.objects.filter(
            edition=edition_of("PCI", 2021), sha256=first.batch.sha256
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_a_new_file_replaces_and_the_old_batch_can_be_restored():
    first = import_fixture("pci_2021_published.xlsx")
    first_scores = snapshot(edition_of("PCI", 2021))
    second = import_fixture(
        "par_2023_percent_totals.csv", "PAR", 2023
    )  # another edition: untouched
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,73.02,1\n"
    replaced = scores_import(
        edition=edition_of("PCI", 2021),
        data=csv_text.encode(),
        filename="r.csv",
        allow_missing=True,
    )
    first.batch.refresh_from_db()
    assert first.batch.status == ImportBatch.Status.SUPERSEDED
    assert Score.objects.filter(edition=edition_of("PCI", 2021)).count() == 1
    restored = import_restore(batch=first.batch)
    assert restored.batch.pk == first.batch.pk
    assert snapshot(edition_of("PCI", 2021)) == first_scores
    replaced.batch.refresh_from_db()
    assert replaced.batch.status == ImportBatch.Status.SUPERSEDED
    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.COMMITTED


def test_dry_run_writes_nothing(pci_2021_scored):
    before = snapshot(edition_of("PCI", 2021))
    outcome = import_fixture("pci_2021_published.xlsx", dry_run=True)
    assert outcome.batch is None
    assert not outcome.committed
    assert snapshot(edition_of("PCI", 2021)) == before


@pytest.mark.django_db
def test_rebuild_is_queued_on_commit_not_before(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = import_fixture("pci_2021_published.xlsx")
    assert len(callbacks) == 1
    run = AnalysisRun.objects.get(batch=outcome.batch)
    assert run.status == AnalysisRun.Status.QUEUED
    assert run.scope == [edition_of("PCI", 2021).pk]
    callbacks[0]()  # eager in tests: the worker's task runs here
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED


@pytest.mark.django_db
def test_import_command_prints_errors_and_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_scores",
            str(FIXTURES / "pci_2021_unknown_province.xlsx"),
            "--index",
            "PCI",
            "--year",
            "2021",
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert 'dòng 7, cột "Tỉnh, thành phố": Không tìm thấy đơn vị "Quảng Nan"' in err


@pytest.mark.django_db
def test_import_and_export_commands_round_trip():
    out = io.StringIO()
    call_command(
        "import_scores",
        str(FIXTURES / "pci_2021_published.xlsx"),
        "--index",
        "PCI",
        "--year",
        "2021",
        "--allow-missing",
        stdout=out,
    )
    assert "21 đơn vị khớp, 231 giá trị" in out.getvalue()
    out = io.StringIO()
    call_command(
        "export_scores", "--index", "PCI", "--year", "2021", "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    total = next(r for r in rows if r["unit_code"] == "49" and r["component"] == "total")
    assert (
        total.items()
        >= {
            "unit_code": "49",
            "unit_name": "Tỉnh Quảng Nam",
            "component": "total",
            "value": "66.24",
            "state": "value",
            "published_rank": 19,
            "published_group": "Khá",
        }.items()
    )
    out = io.StringIO()
    call_command("export_scores", "--index", "PCI", "--year", "2021", stdout=out)
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    transparency = next(r for r in lines if r["unit_code"] == "49" and r["component"] == "3")
    assert (transparency["value"], transparency["state"]) == ("5.32", "value")

"""The new Đà Nẵng's departments (from 1/7/2025) and the merge of Quảng Nam's into them: loaded
idempotently, listed on the date, and followed through a unit's lineage."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from units.models import Succession, Unit
from units.selectors import lineage, predecessors_of, successors_of, units_filing_for
from units.services import units_load_reference

pytestmark = pytest.mark.django_db

NEW_DEPARTMENTS = {
    "48-2025.VPUBND",
    "48-2025.SNV",
    "48-2025.STC",
    "48-2025.SXD",
    "48-2025.SNNMT",
    "48-2025.SKHCN",
    "48-2025.STP",
    "48-2025.SYT",
    "48-2025.SGDDT",
    "48-2025.SCT",
    "48-2025.SDTTG",
    "48-2025.TTR",
}


def _listed(*args: str) -> dict[str, dict]:
    out = io.StringIO()
    call_command("list_units", *args, "--format", "json", stdout=out)
    return {row["code"]: row for row in json.loads(out.getvalue())}


def test_the_new_da_nang_departments_are_listed_from_1_july_2025(reference_units):
    on_merger = _listed("--on", "2025-07-01", "--level", "department")
    assert set(on_merger) == NEW_DEPARTMENTS
    stc = on_merger["48-2025.STC"]
    assert stc["name"] == "Sở Tài chính"
    assert stc["valid_from"] == "2025-07-01"
    assert [p["code"] for p in stc["predecessors"]] == ["49.STC"]
    assert [p["code"] for p in on_merger["48-2025.SKHCN"]["predecessors"]] == ["49.SKHCN"]
    before = _listed("--on", "2025-06-30", "--level", "department")
    assert not NEW_DEPARTMENTS & set(before)
    assert [s["code"] for s in before["49.STC"]["successors"]] == ["48-2025.STC"]


def test_every_quang_nam_department_with_a_counterpart_merges_into_it(reference_units):
    merges = Succession.objects.filter(date=dt.date(2025, 7, 1), successor__parent__code="48-2025")
    assert merges.count() == len(NEW_DEPARTMENTS)
    for succession in merges.select_related("predecessor", "successor"):
        assert succession.kind == Succession.Kind.MERGE
        assert succession.predecessor.valid_to == dt.date(2025, 6, 30)
        assert succession.predecessor.parent.code == "49"
        assert "NQ 202/2025/QH15" in succession.legal_basis
    assert Unit.objects.get(code="48-2025.STC").parent.code == "48-2025"


def test_loading_twice_changes_nothing(reference_units):
    units, successions = Unit.objects.count(), Succession.objects.count()
    units_load_reference()
    assert (Unit.objects.count(), Succession.objects.count()) == (units, successions)


def test_lineage_follows_a_department_both_ways(reference_units):
    skhdt, stc = Unit.objects.get(code="49.SKHDT"), Unit.objects.get(code="48-2025.STC")
    assert [u.code for u in predecessors_of(stc)] == ["49.STC", "49.SKHDT"]
    assert [u.code for u in successors_of(skhdt)] == ["49.STC", "48-2025.STC"]
    assert {u.code for u in lineage(skhdt)} == {"49.SKHDT", "49.STC", "48-2025.STC"}
    # A province: Quảng Nam with the new Đà Nẵng and the old Đà Nẵng that also went into it.
    assert {u.code for u in lineage(Unit.objects.get(code="49"))} == {"49", "48-2025", "48"}


def test_units_filing_for_a_day_are_those_of_the_lineage_valid_then(reference_units):
    skhdt, stc = Unit.objects.get(code="49.SKHDT"), Unit.objects.get(code="48-2025.STC")
    assert [u.code for u in units_filing_for(skhdt, dt.date(2025, 3, 31))] == ["49.STC"]
    assert [u.code for u in units_filing_for(skhdt, dt.date(2026, 12, 31))] == ["48-2025.STC"]
    assert [u.code for u in units_filing_for(stc, dt.date(2025, 3, 31))] == ["49.STC"]
    assert [u.code for u in units_filing_for(stc, dt.date(2024, 12, 31))] == [
        "49.STC",
        "49.SKHDT",
    ]
    assert units_filing_for(stc, dt.date(2026, 1, 1)) == [stc]

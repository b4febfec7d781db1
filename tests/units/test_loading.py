import datetime as dt

import pytest
from django.core.management import call_command

from units.models import Region, Succession, Unit, UnitAlias

BEFORE = dt.date(2025, 6, 30)
AFTER = dt.date(2025, 7, 1)


@pytest.mark.usefixtures("reference_units")
def test_loads_63_provinces_before_and_34_after_the_merger():
    provinces = Unit.objects.filter(kind=Unit.Kind.PROVINCE)
    assert provinces.valid_on(BEFORE).count() == 63
    assert provinces.valid_on(AFTER).count() == 34
    assert Region.objects.count() == 6


@pytest.mark.usefixtures("reference_units")
def test_quang_nam_has_18_districts_then_17_then_none():
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT, parent__code="49")
    assert districts.count() == 18
    assert districts.valid_on(dt.date(2024, 12, 31)).count() == 18
    assert districts.valid_on(dt.date(2025, 1, 1)).count() == 17
    assert districts.valid_on(AFTER).count() == 0


@pytest.mark.usefixtures("reference_units")
def test_quang_nam_merges_into_new_da_nang_on_1_july_2025():
    quang_nam = Unit.objects.get(code="49")
    assert quang_nam.valid_to == BEFORE
    succession = Succession.objects.get(predecessor=quang_nam)
    assert succession.kind == Succession.Kind.MERGE
    assert succession.date == AFTER
    assert succession.successor.gso_code == "48"
    assert succession.successor.name == "Thành phố Đà Nẵng"
    assert "202/2025/QH15" in succession.legal_basis
    # Both old Đà Nẵng and Quảng Nam flow into the new city; neither record is deleted.
    assert set(
        Succession.objects.filter(successor=succession.successor).values_list(
            "predecessor__code", flat=True
        )
    ) == {"48", "49"}
    assert Unit.objects.get(code="48").valid_to == BEFORE


@pytest.mark.usefixtures("reference_units")
def test_nong_son_merges_into_que_son_on_1_january_2025():
    succession = Succession.objects.get(predecessor__code="519")
    assert succession.successor.code == "509"
    assert succession.date == dt.date(2025, 1, 1)


@pytest.mark.usefixtures("reference_units")
def test_unchanged_province_continues_as_the_same_unit():
    hanoi = Unit.objects.get(code="01")
    assert hanoi.valid_to is None
    assert not Succession.objects.filter(predecessor=hanoi).exists()


@pytest.mark.usefixtures("reference_units")
def test_hue_rename_is_recorded_and_keeps_code_46():
    rename = Succession.objects.get(kind=Succession.Kind.RENAME, predecessor__code="46")
    assert rename.old_name == "Tỉnh Thừa Thiên Huế"
    assert rename.successor.code == "46"


@pytest.mark.usefixtures("reference_units")
def test_second_load_changes_nothing():
    counts = (
        Unit.objects.count(),
        Succession.objects.count(),
        UnitAlias.objects.count(),
        Region.objects.count(),
    )
    call_command("load_units", verbosity=0)
    assert counts == (
        Unit.objects.count(),
        Succession.objects.count(),
        UnitAlias.objects.count(),
        Region.objects.count(),
    )


@pytest.mark.usefixtures("reference_units")
def test_quang_nam_specialised_agencies_go_from_19_to_13_on_1_march_2025():
    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, parent__code="49")
    # Both days count the Economic Zones Authority, which is not a specialised agency.
    assert departments.valid_on(dt.date(2025, 2, 28)).count() == 19 + 1
    assert departments.valid_on(dt.date(2025, 3, 1)).count() == 13 + 1
    merged = Succession.objects.get(predecessor__code="49.SKHDT")
    assert (merged.successor.code, merged.kind, merged.date) == (
        "49.STC",
        Succession.Kind.MERGE,
        dt.date(2025, 3, 1),
    )
    assert Unit.objects.get(code="49.SKHDT").valid_to == dt.date(2025, 2, 28)
    # Sở Tài chính absorbed it and carries on as the same unit, to the province's end.
    assert Unit.objects.get(code="49.STC").valid_to == BEFORE
    assert set(
        Succession.objects.filter(successor__code="49.SNNMT").values_list(
            "predecessor__code", flat=True
        )
    ) == {"49.STNMT", "49.SNNPTNT"}
    assert Unit.objects.get(code="49.SNNMT").valid_from == dt.date(2025, 3, 1)

"""`list_units --on`: the units valid on a date, around the 2025 restructurings (departments on
1/3/2025; provinces 63 → 34 and districts abolished on 1/7/2025)."""

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UnitFactory
from tests.units.factories import SuccessionFactory
from units.management.commands.list_units import COLUMNS
from units.models import Succession, Unit
from units.selectors import units_on_date

pytestmark = pytest.mark.usefixtures("reference_units")

ROOT = Path(__file__).resolve().parents[2]


def list_units(*args: str) -> str:
    out = io.StringIO()
    call_command("list_units", *args, stdout=out)
    return out.getvalue()


def listed(*args: str) -> dict[str, dict]:
    return {row["code"]: row for row in json.loads(list_units(*args, "--format", "json"))}


def test_63_provinces_until_30_june_2025_and_34_from_1_july():
    before = listed("--on", "2025-06-30", "--level", "province")
    after = listed("--on", "2025-07-01", "--level", "province")
    assert len(before) == 63
    assert len(after) == 34
    assert "49" in before
    assert before["49"]["name"] == "Tỉnh Quảng Nam"
    assert before["49"]["valid_to"] == "2025-06-30"
    assert "49" not in after


def test_the_new_da_nang_lists_quang_nam_and_the_old_da_nang_as_predecessors():
    da_nang = listed("--on", "2025-07-01", "--level", "province")["48-2025"]
    assert da_nang["name"] == "Thành phố Đà Nẵng"
    assert da_nang["level"] == "province"
    assert (da_nang["valid_from"], da_nang["valid_to"]) == ("2025-07-01", None)
    assert [(p["code"], p["name"], p["kind"], p["date"]) for p in da_nang["predecessors"]] == [
        ("48", "Thành phố Đà Nẵng", "merge", "2025-07-01"),
        ("49", "Tỉnh Quảng Nam", "merge", "2025-07-01"),
    ]
    quang_nam = listed("--on", "2025-06-30", "--level", "province")["49"]
    assert [(s["code"], s["date"]) for s in quang_nam["successors"]] == [("48-2025", "2025-07-01")]


def test_a_province_that_continues_is_listed_on_both_sides_without_predecessors():
    before = listed("--on", "2025-06-30", "--level", "province")["01"]
    after = listed("--on", "2025-07-01", "--level", "province")["01"]
    assert before == after
    assert after["predecessors"] == []
    # Huế's rename on 1/1/2025 kept the unit: it is neither its own predecessor nor successor.
    hue = listed("--on", "2025-01-01", "--level", "province")["46"]
    assert hue["predecessors"] == hue["successors"] == []


def test_a_department_merged_on_1_march_2025_is_listed_before_and_not_after():
    before = listed("--on", "2025-02-28", "--level", "department")
    after = listed("--on", "2025-03-01", "--level", "department")
    assert before["49.SKHDT"]["name"] == "Sở Kế hoạch và Đầu tư"
    assert before["49.SKHDT"]["valid_to"] == "2025-02-28"
    assert [s["code"] for s in before["49.SKHDT"]["successors"]] == ["49.STC"]
    assert "49.SKHDT" not in after
    assert "49.STTTT" in before
    assert "49.STTTT" not in after
    # Sở Tài chính absorbed it: listed on both days, with its predecessor only from 1/3/2025.
    assert before["49.STC"]["predecessors"] == []
    assert [p["code"] for p in after["49.STC"]["predecessors"]] == ["49.SKHDT"]
    assert [p["code"] for p in after["49.SKHCN"]["predecessors"]] == ["49.STTTT"]
    assert "49.SNNMT" not in before
    assert {p["code"] for p in after["49.SNNMT"]["predecessors"]} == {"49.STNMT", "49.SNNPTNT"}
    # Central agencies located in the province are listed with the departments.
    assert after["49.CT"]["kind"] == "central_agency"
    assert after["49.CT"]["level"] == "department"


def test_districts_are_listed_until_30_june_2025_and_none_from_1_july():
    before = listed("--on", "2025-06-30", "--level", "district")
    assert len(before) == 17  # Nông Sơn merged into Quế Sơn on 1/1/2025
    assert "519" not in before
    assert [p["code"] for p in before["509"]["predecessors"]] == ["519"]
    assert before["502"]["successors"] == [
        {"code": None, "name": None, "kind": "abolish", "date": "2025-07-01"}
    ]
    assert listed("--on", "2025-07-01", "--level", "district") == {}
    assert listed("--on", "2024-12-31", "--level", "district").keys() >= {"519", "509"}


def test_every_level_is_listed_without_a_level_and_never_the_nation():
    everything = listed("--on", "2025-03-01")
    levels = {row["level"] for row in everything.values()}
    assert levels == {"province", "department", "district"}
    assert "VN" not in everything
    assert len(everything) == 63 + (14 + 7) + 17  # departments and central agencies


def test_csv_has_a_header_row_and_one_row_per_unit():
    rows = list(csv.DictReader(io.StringIO(list_units("--on", "2025-07-01", "--format", "csv"))))
    assert list(rows[0]) == COLUMNS
    # The 34 provinces and the new Đà Nẵng's 12 departments listed (all from 1/7/2025).
    assert len([row for row in rows if row["level"] == "province"]) == 34
    assert len(rows) == 34 + 12
    da_nang = next(row for row in rows if row["code"] == "48-2025")
    assert da_nang["predecessors"] == "48;49"
    assert da_nang["predecessor_names"] == "Thành phố Đà Nẵng;Tỉnh Quảng Nam"
    assert da_nang["valid_from"] == "2025-07-01"
    assert da_nang["valid_to"] == ""


def test_json_is_a_list_of_objects():
    data = json.loads(list_units("--on", "2025-07-01", "--level", "province", "--format", "json"))
    assert isinstance(data, list)
    assert set(data[0]) == {
        "code",
        "name",
        "level",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "predecessors",
        "successors",
    }
    assert data[0]["parent"] == "VN"


def test_the_default_table_is_readable():
    out = list_units("--on", "2025-07-01", "--level", "province")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Mã", "Tên", "Cấp"]
    da_nang = next(line for line in lines if line.startswith("48-2025"))
    assert "Thành phố Đà Nẵng" in da_nang
    assert "Tỉnh Quảng Nam (49)" in da_nang
    assert "2025-07-01" in da_nang
    assert lines[-1] == "34 đơn vị có hiệu lực ngày 01/07/2025."


@pytest.mark.parametrize(
    ("args", "named", "reason"),
    [
        (["--on", "2025-02-30"], "--on", "no such day"),
        (["--on", "30/06/2025"], "--on", "YYYY-MM-DD"),
        (["--on", "hôm qua"], "--on", "YYYY-MM-DD"),
        (["--on", "2025-07-01", "--level", "ward"], "--level", "province, department"),
        (["--on", "2025-07-01", "--format", "xml"], "--format", "table, csv, json"),
    ],
)
def test_a_bad_argument_is_refused_naming_it_and_why(args, named, reason):
    with pytest.raises(CommandError) as refused:
        list_units(*args)
    assert str(refused.value).startswith(named)
    assert reason in str(refused.value)


def test_a_bad_date_exits_non_zero_from_the_command_line():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "reform_portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "list_units", "--on", "2025-13-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "--on '2025-13-01'" in result.stderr
    assert "no such day" in result.stderr
    assert result.stdout == ""


def test_the_selector_reads_in_four_queries_however_many_units(django_assert_num_queries):
    on = dt.date(2025, 7, 1)
    with django_assert_num_queries(4):
        few = len(units_on_date(on_date=on).entries)
    for _ in range(20):
        SuccessionFactory(
            successor=UnitFactory(kind=Unit.Kind.COMMUNE, valid_from=on),
            predecessor=UnitFactory(kind=Unit.Kind.COMMUNE, valid_to=on - dt.timedelta(days=1)),
        )
    with django_assert_num_queries(4):
        directory = units_on_date(on_date=on)
    assert len(directory.entries) == few + 20
    assert directory.counts["commune"] == 20
    commune = directory.entries[-1]
    assert commune.level == "commune"
    assert [link.succession.kind for link in commune.predecessors] == [Succession.Kind.MERGE]
    assert commune.predecessors[0].shown_on == dt.date(2025, 6, 30)


def test_the_selector_refuses_an_unknown_level():
    with pytest.raises(ValueError, match="ward"):
        units_on_date(on_date=dt.date(2025, 7, 1), level="ward")

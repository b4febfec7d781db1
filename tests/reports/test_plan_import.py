import csv
import io

import pytest
from django.urls import reverse

from reports.models import Indicator, Task
from reports.plan_import import plan_import, plan_template_xlsx
from tests.factories import PlanFactory
from units.models import Unit


@pytest.fixture
def plan(reference_units):
    return PlanFactory(name="Kế hoạch thử", province=Unit.objects.get(code="49"))


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Mã nhiệm vụ",
            "Nhiệm vụ",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Chỉ số hướng tới",
            "Bắt đầu",
            "Hạn hoàn thành",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Chiều",
            "Giá trị cơ sở",
            "Mục tiêu mỗi quý",
        ]
    )
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_template_imports_as_is(plan):
    result = plan_import(plan=plan, data=plan_template_xlsx(), filename="mau.xlsx", commit=True)
    assert result.errors == []
    task = Task.objects.get(plan=plan, code="1")
    assert task.responsible.code == "49.SKHDT"
    assert [a.index.code for a in task.aims.all()] == ["PCI", "PCI"]
    indicator = Indicator.objects.get(task=task)
    assert indicator.direction == "lower"
    assert indicator.targets.filter(year=2023, quarter=2).get().value == 10


def test_every_bad_cell_is_reported_and_nothing_is_written(plan):
    data = _csv(
        [
            [
                "1",
                "Nhiệm vụ A",
                "Sở Không Có",
                "",
                "PCI:4",
                "01/01/2021",
                "31/12/2025",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "2",
                "Nhiệm vụ B",
                "Sở Nội vụ",
                "",
                "XYZ:1",
                "32/01/2021",
                "31/12/2025",
                "Tỷ lệ",
                "%",
                "Tăng",
                "N/A",
                "90",
            ],
            [
                "2",
                "Nhiệm vụ C",
                "Sở Tư pháp",
                "",
                "",
                "01/01/2021",
                "31/12/2020",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "3",
                "Nhiệm vụ D",
                "Sở Tư pháp",
                "",
                "PAR:2",
                "01/01/2021",
                "31/12/2025",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
    )
    result = plan_import(plan=plan, data=data, filename="kh.csv", commit=True)
    lines = [p.as_line() for p in result.errors]
    assert any(
        line.startswith('dòng 2, cột "Đơn vị chủ trì": Không tìm thấy đơn vị "Sở Không Có"')
        for line in lines
    )
    assert 'dòng 3, cột "Chỉ số hướng tới": Không có chỉ số “XYZ” (giá trị: "XYZ:1")' in lines
    assert (
        'dòng 3, cột "Bắt đầu": Ngày không hợp lệ (ghi dạng 31/12/2025) (giá trị: "32/01/2021")'
        in lines
    )
    assert 'dòng 3, cột "Giá trị cơ sở": Không phải số (giá trị: "N/A")' in lines
    assert 'dòng 4, cột "Mã nhiệm vụ": Mã nhiệm vụ trùng với dòng 3 (giá trị: "2")' in lines
    assert (
        'dòng 4, cột "Hạn hoàn thành": Hạn hoàn thành trước ngày bắt đầu (giá trị: "31/12/2020")'
        in lines
    )
    assert not Task.objects.filter(plan=plan).exists()


def test_preview_writes_nothing_and_reimport_updates(plan):
    data = _csv(
        [
            [
                "5",
                "Nhiệm vụ E",
                "Huyện Bắc Trà My",
                "Sở Nội vụ; Sở Tư pháp",
                "PAPI:2",
                "01/01/2022",
                "30/06/2025",
                "",
                "",
                "",
                "",
                "",
            ]
        ]
    )
    assert plan_import(plan=plan, data=data, filename="kh.csv", commit=False).errors == []
    assert not Task.objects.filter(plan=plan).exists()
    first = plan_import(plan=plan, data=data, filename="kh.csv", commit=True)
    again = plan_import(plan=plan, data=data, filename="kh.csv", commit=True)
    assert (first.created, again.created, again.updated) == (1, 0, 1)
    task = Task.objects.get(plan=plan)
    assert sorted(u.code for u in task.supporting.all()) == ["49.SNV", "49.STP"]


def test_plan_import_page_is_for_admins_and_reviewers(client, plan, head_khdt, reviewer):
    url = reverse("reports:plan_import", args=[plan.pk])
    client.force_login(head_khdt)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert client.get(url + "?mau=1")["Content-Type"].startswith("application/vnd.openxml")

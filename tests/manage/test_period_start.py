"""The "Mở giai đoạn mới" management page: the previous period's unmet targets and unfinished
tasks, each carried or closed with a note, the new period's unit and years."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indices.models import Index, Period, Target
from reports.models import Task
from tests.factories import PlanFactory, TargetFactory, TaskFactory, UnitFactory
from units.models import Unit

URL = reverse("manage:period_start")
NOTE = "Tỉnh Quảng Nam hợp nhất vào Thành phố Đà Nẵng từ 1/7/2025."


@pytest.fixture
def previous(reference_units):
    home = Unit.objects.get(code="49")
    period = Period.objects.create(unit=home, start_year=2021, end_year=2025)
    indices = {i.code: i for i in Index.objects.all()}
    papi = TargetFactory(
        unit=home, index=indices["PAPI"], period=period, kind="score", target_value=Decimal(45)
    )
    pci = TargetFactory(
        unit=home,
        index=indices["PCI"],
        period=period,
        kind="rank",
        target_value=None,
        target_rank=20,
    )
    task = TaskFactory(
        plan=PlanFactory(province=home, period=period),
        code="5",
        title="Cắt giảm thời gian thủ tục đất đai",
        responsible=UnitFactory(kind=Unit.Kind.DEPARTMENT, name="Văn phòng thử"),
    )
    return {"period": period, "papi": papi, "pci": pci, "task": task}


def _post(previous, **overrides: object) -> dict[str, object]:
    papi, pci, task = previous["papi"], previous["pci"], previous["task"]
    data = {
        "previous": previous["period"].pk,
        "unit": Unit.objects.get(code="48-2025").pk,
        "start_year": 2026,
        "end_year": 2030,
        "note": NOTE,
        f"decision_target_{papi.pk}": "carry",
        f"note_target_{papi.pk}": "Giữ mục tiêu PAPI.",
        f"decision_target_{pci.pk}": "carry",
        f"rank_target_{pci.pk}": "10",
        f"decision_task_{task.pk}": "close",
        f"note_task_{task.pk}": "Đã lồng vào nhiệm vụ thường xuyên.",
    }
    return data | overrides


def test_hub_links_to_the_page(admin_client):
    assert URL in admin_client.get(reverse("manage:hub")).content.decode()


def test_page_lists_unmet_targets_and_unfinished_tasks(admin_client, previous):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mở giai đoạn mới" in html
    assert f'id="item-target-{previous["papi"].pk}"' in html
    assert f'id="item-task-{previous["task"].pk}"' in html
    assert "Nhiệm vụ 5. Cắt giảm thời gian thủ tục đất đai" in html
    assert "Thứ hạng đặt trên 63 tỉnh; giai đoạn mới xếp hạng trên 34 tỉnh" in html
    # The new period's unit is the successor on 1/1/2026, its years the next five.
    form = response.context["form"]
    assert form.initial["unit"].code == "48-2025"
    assert (form.initial["start_year"], form.initial["end_year"]) == (2026, 2030)


def test_page_starts_the_period(admin_client, previous):
    response = admin_client.post(URL, _post(previous))
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:hub")
    period = Period.objects.get(unit__code="48-2025", start_year=2026)
    assert period.previous == previous["period"]
    carried = {t.carried_from_id: t for t in period.targets.all()}
    assert carried[previous["pci"].pk].target_rank == 10
    assert carried[previous["papi"].pk].note.endswith(": Giữ mục tiêu PAPI.")
    task = Task.objects.get(pk=previous["task"].pk)
    assert task.closing_note == "Đã lồng vào nhiệm vụ thường xuyên."


def test_page_needs_the_general_note_and_a_new_rank(admin_client, previous):
    pci = previous["pci"]
    response = admin_client.post(URL, _post(previous, note=""))
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    response = admin_client.post(URL, _post(previous, **{f"rank_target_{pci.pk}": ""}))
    assert response.status_code == 200
    assert "34 tỉnh" in response.content.decode()
    assert not Period.objects.filter(unit__code="48-2025").exists()
    assert not Target.objects.filter(closed_on__isnull=False).exists()


def test_page_is_for_admins_only(client, official, previous):
    client.force_login(official)
    assert client.get(URL).status_code == 403

"""Plans from the management page: create (then import its tasks), edit the basic fields."""

from django.urls import reverse

from reports.models import Plan
from tests.factories import PlanFactory, TaskFactory
from units.models import Unit


def test_plan_create_for_the_home_province_then_goes_to_task_import(admin_client):
    response = admin_client.post(
        reverse("manage:plan_create"),
        {
            "name": "Kế hoạch cải cách hành chính giai đoạn 2026 - 2030",
            "decision": "123/QĐ-UBND",
            "year_start": 2026,
            "year_end": 2030,
        },
    )
    plan = Plan.objects.get(decision="123/QĐ-UBND")
    assert response["Location"] == reverse("reports:plan_import", args=[plan.pk])
    assert plan.province == Unit.objects.get(code="49")
    assert (plan.year_start, plan.year_end) == (2026, 2030)
    assert not plan.is_demo


def test_plan_edit_changes_basic_fields_and_keeps_tasks(admin_client, reference_units):
    plan = PlanFactory(province=Unit.objects.get(code="49"))
    TaskFactory(plan=plan, code="1.1")
    response = admin_client.post(
        reverse("manage:plan_edit", args=[plan.pk]),
        {"name": "Kế hoạch đã sửa", "decision": "9/QĐ-UBND", "year_start": 2021, "year_end": 2026},
    )
    assert response["Location"] == reverse("manage:plan_list")
    plan.refresh_from_db()
    assert (plan.name, plan.decision, plan.year_end) == ("Kế hoạch đã sửa", "9/QĐ-UBND", 2026)
    assert plan.tasks.count() == 1


def test_plan_edit_names_years_in_the_wrong_order(admin_client, reference_units):
    plan = PlanFactory(province=Unit.objects.get(code="49"))
    response = admin_client.post(
        reverse("manage:plan_edit", args=[plan.pk]),
        {"name": "X", "decision": "", "year_start": 2026, "year_end": 2021},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year_end"] == [
        "Năm kết thúc phải sau hoặc bằng năm bắt đầu."
    ]


def test_plan_list_links_edit_and_task_import(admin_client, reference_units):
    plan = PlanFactory(province=Unit.objects.get(code="49"))
    TaskFactory(plan=plan)
    html = admin_client.get(reverse("manage:plan_list")).content.decode()
    assert reverse("manage:plan_edit", args=[plan.pk]) in html
    assert reverse("reports:plan_import", args=[plan.pk]) in html
    assert plan.name in html


def test_plan_list_queries_do_not_grow_with_plans(
    admin_client, reference_units, django_assert_max_num_queries
):
    for _ in range(10):
        TaskFactory(plan=PlanFactory(province=Unit.objects.get(code="49")))
    with django_assert_max_num_queries(6):
        assert admin_client.get(reverse("manage:plan_list")).status_code == 200

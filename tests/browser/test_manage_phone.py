"""Every management page fits a 390 px phone: no horizontal scroll of the page (wide tables
scroll inside their own box)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import Plan, ReportingWindow
from tests.browser.conftest import PageWatch, login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

pytestmark = pytest.mark.browser

PHONE = 390


@pytest.fixture
def phone_world(transactional_db):
    if not Unit.objects.filter(code="49").exists():
        call_command("load_units", verbosity=0)
    admin = UserFactory(username="phone-admin")
    MembershipFactory(user=admin, role=Membership.Role.ADMIN)
    head = UserFactory(username="phone-head", first_name="Nguyễn Văn Trưởng Phòng Rất Dài Tên")
    MembershipFactory(
        user=head,
        role=Membership.Role.DEPARTMENT_HEAD,
        unit=Unit.objects.get(code="48-2025.STC"),
    )
    window = ReportingWindow.objects.create(
        year=2026, quarter=4, opens_on=dt.date(2026, 12, 20), deadline=dt.date(2027, 1, 10)
    )
    plan = Plan.objects.create(
        name="Kế hoạch cải cách hành chính nhà nước tỉnh Quảng Nam giai đoạn 2021 - 2025",
        decision="1234/QĐ-UBND ngày 15/12/2020",
        province=Unit.objects.get(code="49"),
    )
    return {"admin": admin, "head": head, "window": window, "plan": plan}


def test_management_pages_fit_a_phone(live_server, chromium, phone_world):
    context = chromium.new_context(viewport={"width": PHONE, "height": 844})
    watch = PageWatch(context.new_page())
    try:
        login(watch, live_server.url, "phone-admin")
        urls = [
            reverse("manage:hub"),
            reverse("manage:window_list"),
            reverse("manage:window_create"),
            reverse("manage:window_edit", args=[phone_world["window"].pk]),
            reverse("manage:plan_list"),
            reverse("manage:plan_edit", args=[phone_world["plan"].pk]),
            reverse("manage:user_list"),
            reverse("manage:user_create"),
            reverse("manage:user_edit", args=[phone_world["head"].pk]),
            reverse("manage:alias_list"),
            reverse("manage:alias_create"),
        ]
        for url in urls:
            watch.page.goto(live_server.url + url)
            width = watch.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE, (url, width)
        assert watch.console_errors == []
    finally:
        context.close()

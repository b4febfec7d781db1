"""Compare: a leader picks provinces from a checkbox list, narrowed by typing, on a phone."""

import pytest

from tests.browser.conftest import PageWatch, login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.demo]


def test_leader_types_to_find_provinces_and_compares_them(live_server, chromium, browser_demo):
    MembershipFactory(user=UserFactory(username="lanhdao"), role=Membership.Role.OFFICIAL)
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    watch = PageWatch(context.new_page())
    page = watch.page
    login(watch, live_server.url, "lanhdao")
    page.goto(live_server.url + "/chi-so/so-sanh/?chi_so=PCI&nam=2021")
    page.fill("#don-vi-tim", "đà")
    assert page.locator("#don-vi-list li:visible").filter(has_text="Đà Nẵng").count() == 1
    assert page.locator("#don-vi-list li:visible").filter(has_text="Gia Lai").count() == 0
    page.check("#don-vi-list input[value='48']")
    page.fill("#don-vi-tim", "")
    assert page.locator("#don-vi-list li:visible").filter(has_text="Gia Lai").count() == 1
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    chosen = page.locator("#don-vi-selected").inner_text()
    assert "Đà Nẵng" in chosen
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    watch.screenshot("compare-picker-phone")
    assert not watch.console_errors
    context.close()

from pathlib import Path

import pytest

from indices.models import ImportBatch, Score
from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_admin_uploads_fixes_mapping_commits_and_sees_history(
    live_server, watched_page, browser_demo
):
    MembershipFactory(user=UserFactory(username="admin"), role=Membership.Role.ADMIN)
    page = watched_page.page
    login(watched_page, live_server.url, "admin")
    page.get_by_role("link", name="Nhập dữ liệu").click()
    page.select_option("#id_index", "PCI")
    page.fill("#id_year", "2021")
    page.select_option("#id_level", "province")
    page.set_input_files("#id_file", str(FIXTURES / "pci_2021_unrecognised_column.csv"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    problems = page.locator("#problems")
    assert "Không nhận ra cột này" in problems.inner_text()
    assert "CS3 (2021)" in problems.inner_text()
    assert page.locator("#commit-button").is_disabled()
    watched_page.screenshot("import-preview-error")

    select = page.get_by_label("CS3 (2021)")
    select.select_option("component:3")
    page.click("button[name=apply_mapping]")
    page.wait_for_load_state("networkidle")
    assert page.locator("tr.problem-error").count() == 0
    assert not page.locator("#commit-button").is_disabled()
    watched_page.screenshot("import-preview-fixed")

    page.click("#commit-button")
    page.wait_for_load_state("networkidle")
    assert "Đã ghi 231 giá trị" in page.locator(".messages").inner_text()
    history = page.locator("#batch-history")
    assert "pci_2021_unrecognised_column.csv" in history.inner_text()
    assert "Đã ghi" in history.inner_text()
    watched_page.screenshot("import-history")

    batch = ImportBatch.objects.get(original_name="pci_2021_unrecognised_column.csv")
    assert batch.status == ImportBatch.Status.COMMITTED
    transparency = Score.objects.get(edition=batch.edition, unit__code="49", component__code="3")
    assert str(transparency.value) == "5.3200"
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []

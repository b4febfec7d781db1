from decimal import Decimal
from pathlib import Path

import pytest

from indices.models import ImportBatch, Score
from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory
from tests.leagues import edition_of, ladder, league_create
from units.models import Membership

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UPLOAD = "pci_2021_unrecognised_column.csv"


def test_admin_uploads_fixes_mapping_commits_and_sees_history(
    live_server, watched_page, browser_reference
):
    # Every province has PCI 2021 scores; this file has 21: the other 42 would lose theirs.
    edition = edition_of("PCI", 2021)
    league_create(edition, ladder(edition, home_place=30, home_value=Decimal(60), step=Decimal(1)))
    MembershipFactory(user=UserFactory(username="admin"), role=Membership.Role.ADMIN)
    page = watched_page.page
    login(watched_page, live_server.url, "admin")
    page.get_by_role("link", name="Nhập dữ liệu").click()
    page.select_option("#id_index", "PCI")
    page.fill("#id_year", "2021")
    page.select_option("#id_level", "province")
    page.set_input_files("#id_file", str(FIXTURES / UPLOAD))
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

    dropped = page.locator("#dropped-units")
    assert "42 đơn vị đang có giá trị lưu trữ không có trong tệp này" in dropped.inner_text()
    page.click("#commit-button")
    page.wait_for_load_state("networkidle")
    assert "Đánh dấu ô xác nhận xóa" in page.locator(".messages").inner_text()
    assert ImportBatch.objects.get(original_name=UPLOAD).status == ImportBatch.Status.PREVIEWED
    page.get_by_label("Tôi xác nhận xóa giá trị của các đơn vị không có trong tệp mới").check()
    watched_page.screenshot("import-preview-confirm")
    page.click("#commit-button")
    page.wait_for_load_state("networkidle")
    assert "Đã ghi 231 giá trị" in page.locator(".messages").inner_text()
    history = page.locator("#batch-history")
    assert UPLOAD in history.inner_text()
    assert "Đã ghi" in history.inner_text()
    watched_page.screenshot("import-history")

    batch = ImportBatch.objects.get(original_name=UPLOAD)
    assert batch.status == ImportBatch.Status.COMMITTED
    transparency = Score.objects.get(edition=batch.edition, unit__code="49", component__code="3")
    assert str(transparency.value) == "5.3200"
    assert watched_page.outside_requests() == []
    assert watched_page.console_errors == []

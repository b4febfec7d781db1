import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from indices.models import ImportBatch, IndexEdition, Score
from tests.browser.conftest import PageWatch, fits_and_names, login
from tests.factories import MembershipFactory, UserFactory
from tests.leagues import edition_of, ladder, league_create
from units.models import Membership, UnitAlias

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UPLOAD = "pci_2021_unrecognised_column.csv"
PCI_2025 = "pci_2025_one_unmatched.csv"  # PCI 2025's top six, one written "Đà Nẵg"
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Internal codes a page must never show in place of a name.
CODES = re.compile(r"PAR_DEPT|PAR_DISTRICT|48-2025|\(\d\d\)")


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


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_admin_starts_pci_2025_resolves_a_name_and_commits(
    live_server, chromium, browser_reference, device, language
):
    def t(text: str, plural: str = "", count: int = 1, **values: object) -> str:
        """What the page reads in its language: the message catalogue's own translation."""
        with translation.override(language):
            said = ngettext(text, plural, count) if plural else gettext(text)
        return said % values if values else said

    viewport = VIEWPORTS[device]
    suffix = f"{device}-{language}"
    # The journey creates the edition the file needs: the catalogue's own PCI 2025 goes first.
    IndexEdition.objects.filter(index__code="PCI", year=2025).delete()
    MembershipFactory(user=UserFactory(username="admin"), role=Membership.Role.ADMIN)
    context = chromium.new_context(viewport=viewport)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    watch = PageWatch(context.new_page())
    page = watch.page
    page.set_default_timeout(15000)
    login(watch, live_server.url, "admin")

    # The file is chosen for an edition the catalogue does not hold yet.
    page.goto(live_server.url + "/chi-so/nhap-du-lieu/")
    assert page.get_by_role("heading", name=t("Nhập dữ liệu chỉ số")).is_visible()
    page.select_option("#id_index", "PCI")
    page.fill("#id_year", "2025")
    page.select_option("#id_level", "province")
    page.set_input_files("#id_file", str(FIXTURES / PCI_2025))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("#upload-errors")
    missing = t(
        "Chưa có kỳ %(index)s %(year)s trong danh mục; hãy tạo kỳ trước khi nhập.",
        index="PCI",
        year=2025,
    )
    assert errors.inner_text().count(missing) == 1
    assert page.get_by_text(missing).count() == 1
    held = t("Đã giữ tệp %(name)s: bấm", name=PCI_2025) if language == "vi" else PCI_2025
    assert held.split(":")[0] in page.locator("#held-file").inner_text()
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"import-new-edition-missing-{suffix}")

    # The edition is created from there, with PCI 2024's methodology and its top 30.
    page.locator("#create-edition-link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=t("Tạo kỳ đánh giá mới")).is_visible()
    copied = page.locator("#copied-methodology")
    assert "PCI 2024" in copied.inner_text()
    entry = {"vi": "Gia nhập thị trường", "en": "Entry costs"}[language]
    assert entry in copied.inner_text()
    assert page.locator("#id_reference_date").input_value() == "2025-12-31"
    assert page.locator("#id_published_top_n").input_value() == "30"
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"import-new-edition-form-{suffix}")
    page.click("#edition-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # Back on the import form: the edition chosen, the file still held.
    created = t(
        "Đã tạo kỳ %(edition)s với phương pháp sao chép từ kỳ %(previous)s.",
        edition="PCI 2025",
        previous="PCI 2024",
    )
    assert created in page.locator(".messages").inner_text()
    assert page.locator("#id_index").input_value() == "PCI"
    assert page.locator("#id_year").input_value() == "2025"
    assert PCI_2025 in page.locator("#held-file").inner_text()
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"import-new-edition-back-{suffix}")
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # One name is not recognised: choosing the suggested unit resolves it.
    preview = t("Xem trước %(name)s → %(edition)s", name=PCI_2025, edition="PCI 2025")
    assert page.get_by_role("heading", name=preview).is_visible()
    unmatched = page.locator("#unmatched-names")
    assert t("Tên đơn vị chưa nhận ra") in unmatched.inner_text()
    name_rows = t(
        "“%(name)s” (dòng %(rows)s)", "“%(name)s” (các dòng %(rows)s)", 1, name="Đà Nẵg", rows=6
    )
    assert name_rows in unmatched.inner_text()
    assert page.locator("#commit-button").is_disabled()
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"import-new-edition-unmatched-{suffix}")
    unmatched.get_by_label("Thành phố Đà Nẵng").check()
    page.click("#unmatched-form button[name=resolve_units]")
    page.wait_for_load_state("networkidle")
    saved = t(
        "Đã lưu %(n)s tên gọi khác; tệp đã được kiểm tra lại và các lần nhập sau sẽ tự "
        "nhận tên này.",
        "Đã lưu %(n)s tên gọi khác; tệp đã được kiểm tra lại và các lần nhập sau sẽ tự "
        "nhận các tên này.",
        1,
        n=1,
    )
    assert saved in page.locator(".messages").inner_text()
    assert page.locator("tr.problem-error").count() == 0
    assert page.locator("#unmatched-names").count() == 0
    assert not page.locator("#commit-button").is_disabled()
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"import-new-edition-resolved-{suffix}")

    page.click("#commit-button")
    page.wait_for_load_state("networkidle")
    written = t(
        "Đã ghi %(n)s giá trị vào %(edition)s; đang tính lại xếp hạng.", n=6, edition="PCI 2025"
    )
    assert written in page.locator(".messages").inner_text()
    assert PCI_2025 in page.locator("#batch-history").inner_text()
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"import-new-edition-committed-{suffix}")

    edition = IndexEdition.objects.get(index__code="PCI", year=2025)
    assert edition.status == IndexEdition.Status.PUBLISHED
    assert edition.published_top_n == 30
    total = Score.objects.get(edition=edition, unit__code="48-2025", component__isnull=True)
    assert total.value == Decimal("70.42")
    assert UnitAlias.objects.filter(unit__code="48-2025", normalized="da nag").exists()
    assert watch.outside_requests() == []
    assert watch.console_errors == []
    page.context.close()

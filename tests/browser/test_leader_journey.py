"""The leader's journey in a browser, on a desktop and on a phone, in Vietnamese and in
English: the home page answers where the province stands (a card per index: its value, its
rank out of the provinces, its trend), the leader follows a weak component to the task aimed
at it and that task's latest report, then to the index page, and downloads the league table."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from indices.figures import figure
from indices.models import RankResult
from indices.selectors_analytics import current_editions, current_results
from reports.models import TaskProgress
from tests.browser.conftest import PageWatch, fits_and_names, login
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

pytestmark = [pytest.mark.browser, pytest.mark.demo]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Internal codes a reader must never see in place of a name.
CODES = re.compile(r"PAR_DEPT|PAR_DISTRICT|Thành phần \d|\[\d+\]")


@pytest.fixture
def leader_world(browser_demo):
    """The demo's scores and analysis, the plan's tasks and their quarterly progress, and a
    leader (an official who reads everything)."""
    if not TaskProgress.objects.exists():
        call_command("load_progress_demo", stdout=io.StringIO())
    MembershipFactory(user=UserFactory(username="lanhdao_tinh"), role=Membership.Role.OFFICIAL)


def _standing(code: str) -> tuple[int, RankResult]:
    """Quảng Nam's total in the index's latest edition with a result, as the analysis holds it."""
    editions = current_editions([code])
    rows = current_results(
        RankResult.objects.filter(unit=Unit.objects.get(code="49"), component_code=""), editions
    )
    years = {e.pk: e.year for e in editions}
    row = max(rows, key=lambda r: years[r.edition_id])
    return years[row.edition_id], row


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_leader_reads_a_card_follows_a_weak_component_to_its_task_and_downloads_the_league(
    live_server, chromium, leader_world, device, language
):
    viewport = VIEWPORTS[device]
    context = chromium.new_context(viewport=viewport, accept_downloads=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    watch = PageWatch(context.new_page())
    page = watch.page
    page.set_default_timeout(20000)
    login(watch, live_server.url, "lanhdao_tinh")
    name = f"leader-{device}-{language}"

    # Home: the PAR INDEX card says where the province stands, in the page's language.
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == language
    year, par = _standing("PAR")
    with translation.override(language):
        value = figure(par.value, par.decimals)
        rank = gettext("hạng %(rank)s") % {"rank": f"{par.display_rank}/63"}
        ribbon = gettext("Số liệu minh họa")
    card = page.locator('#index-cards article[data-index="PAR"]')
    assert card.locator("h2").inner_text().split() == ["PAR", "INDEX", str(year)]
    kpi = card.locator(".kpi").inner_text()
    assert value in kpi
    assert rank in kpi
    # The demo's PAR 2024 is illustrative: the card says so before anything else.
    assert par.basis == "illustrative"
    assert card.locator(".ribbon-illustrative").inner_text().startswith(ribbon)
    assert card.locator(".ribbon-illustrative").is_visible()
    # Its trend is drawn, without a toolbar, and its figures are a click away.
    page.wait_for_selector("#spark-PAR .main-svg")
    traces = page.evaluate("document.querySelector('#spark-PAR').data.length")
    assert traces > 0
    # Every card's sparkline stays inside its card, on a phone too (it grew to 356 px there).
    heights = page.evaluate(
        "[...document.querySelectorAll('.spark')].map(e => [e.getBoundingClientRect().height,"
        " e.querySelector('.main-svg').getBoundingClientRect().height])"
    )
    assert heights
    assert all(svg <= box + 1 for box, svg in heights), heights
    page.hover("#spark-PAR")  # a sparkline is read, not worked: no toolbar even on hover
    assert not page.locator("#spark-PAR .modebar").is_visible()
    assert card.locator(".change-line").inner_text().strip()
    fits_and_names(watch, viewport["width"], CODES)
    watch.screenshot(f"{name}-home")

    # A weak component with a task aimed at it: the task's latest report, at the task.
    weak = card.locator("li.weak").filter(has=page.locator("a.task-link")).first
    component = weak.locator("a.component-link").inner_text().strip()
    task_link = weak.locator("a.task-link").first
    title = task_link.inner_text().strip()
    status_text = weak.locator(".progress-status").first.inner_text()
    progress = (
        TaskProgress.objects.filter(task__title=title)
        .select_related("report__window")
        .order_by("-report__window__year", "-report__window__quarter")
        .first()
    )
    assert progress is not None
    with translation.override(language):
        assert str(progress.get_status_display()) in status_text
    assert f"{progress.percent_complete}%" in status_text
    task_link.click()
    page.wait_for_load_state("networkidle")
    assert f"/bao-cao/{progress.report_id}/" in page.url
    block = page.locator(f"#task-{progress.task.code}")
    assert block.locator("h2").inner_text() == f"{progress.task.code}. {title}"
    watch.screenshot(f"{name}-task")

    # Back home, the component's own page: the index, at its components.
    page.go_back()
    page.wait_for_load_state("networkidle")
    card.locator("li.weak a.component-link", has_text=component).first.click()
    page.wait_for_load_state("networkidle")
    assert "/chi-so/PAR/" in page.url
    assert "PAR INDEX" in page.locator("h1").inner_text()
    assert component in page.locator("#components").inner_text()

    # The league table, downloaded from the index page.
    with page.expect_download() as download_info:
        page.click("#download-csv")
    download = download_info.value
    assert download.suggested_filename == f"PAR-{year}-bang-xep-hang.csv"
    watch.screenshot(f"{name}-index")
    assert watch.outside_requests() == []
    assert watch.console_errors == []
    context.close()

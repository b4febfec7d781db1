"""Playwright for Python driving Debian's chromium (never a downloaded browser)."""

import io
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from indices.models import IndexEdition, Score
from units.models import Unit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots")).resolve()


def pytest_configure(config):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"Browser screenshots: {SCREENSHOT_DIR}")


@pytest.fixture(scope="session")
def chromium():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageWatch:
    """Records every request a page makes and every console error it prints."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlparse(url).scheme in {"http", "https", "ws", "wss"}
            and urlparse(url).hostname not in {"127.0.0.1", "localhost"}
        ]

    def screenshot(self, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def watched_page(chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield PageWatch(page)
    context.close()


@pytest.fixture
def browser_units(transactional_db):
    if not Unit.objects.filter(code="49").exists():
        call_command("load_units", verbosity=0)


@pytest.fixture
def browser_reference(browser_units):
    """Units and index definitions, as `load_reference_data` leaves them."""
    if not IndexEdition.objects.exists():
        call_command("load_index_definitions", stdout=io.StringIO())


@pytest.fixture
def browser_demo(browser_units):
    if not Score.objects.exists():
        call_command("load_index_definitions", stdout=io.StringIO())
        call_command("load_demo_data", stdout=io.StringIO())
        call_command("rebuild_analytics", stdout=io.StringIO())


def fits_and_names(watch: PageWatch, width: int, codes: re.Pattern[str]) -> None:
    """What a journey checks on each page: no horizontal page scroll at this width, and names
    instead of internal codes in the page's main text."""
    page = watch.page
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    found = codes.search(page.locator("main").inner_text())
    assert not found, found


def login(watch: PageWatch, base_url: str, username: str, password: str = "demo12345") -> None:
    page = watch.page
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")

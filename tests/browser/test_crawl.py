"""Every page as every role, on a 390 px phone, in Vietnamese and in English: following the
links each role sees from its home page, at most two pages of each kind. See `crawl` for what
each page is checked for."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.browser.conftest import SCREENSHOT_DIR, PageWatch, login
from tests.browser.crawl import Crawl
from units.models import Unit, UnitAlias

pytestmark = [pytest.mark.browser, pytest.mark.demo]

ROLES = ["lanhdao", "admin", "thamdinh", "truongso_stc"]
PHONE = 390


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    code = match.kwargs.get("code", "")
    return (
        f"{match.view_name}:{code}"
        if match.view_name.startswith(("dashboards:index",))
        else (match.view_name)
    )


def _proper_words() -> set[str]:
    """Words of proper names: units (and their recorded variants) and people."""
    names = [n for pair in Unit.objects.values_list("name", "short_name") for n in pair]
    names += list(UnitAlias.objects.values_list("name", flat=True))
    names += [f"{user.first_name} {user.last_name}" for user in get_user_model().objects.all()]
    return {word.lower().strip(".,:;()") for name in names for word in name.split()}


@pytest.fixture
def crawl_world(browser_demo):
    call_command("create_demo_accounts", stdout=io.StringIO())
    call_command("load_progress_demo", stdout=io.StringIO())


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_a_phone_names_things_and_passes_axe(
    live_server, chromium, crawl_world, username, language
):
    # bypass_csp lets the test inject axe-core; the pages' own scripts are static files.
    context = chromium.new_context(viewport={"width": PHONE, "height": 844}, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    watch = PageWatch(context.new_page())
    watch.page.set_default_timeout(20000)
    login(watch, live_server.url, username)
    crawl = Crawl(base_url=live_server.url, proper_words=_proper_words())
    crawl.run(watch.page, "/", route_of=_route, english=language == "en", width=PHONE)
    watch.screenshot(f"crawl-{username}-{language}-last")
    context.close()
    assert len(crawl.visited) >= 8, crawl.visited
    report = "\n".join(str(finding) for finding in crawl.findings)
    (SCREENSHOT_DIR / f"crawl-{username}-{language}.txt").write_text(
        "\n".join(crawl.visited) + "\n\n" + report + "\n"
    )
    assert not crawl.findings, f"{len(crawl.findings)} findings:\n{report}"

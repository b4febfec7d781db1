"""Every management page is the portal admins' only: others get 403, anonymous visitors the
login page; each page keeps wide tables in their own scrolling box and shows no internal code."""

import re

import pytest
from django.urls import reverse

from reports.models import Plan, ReportingWindow
from units.models import Unit, UnitAlias

GET_PAGES = [
    "manage:hub",
    "manage:window_list",
    "manage:window_create",
    "manage:plan_list",
    "manage:plan_create",
    "manage:user_list",
    "manage:user_create",
    "manage:alias_list",
    "manage:alias_create",
]


@pytest.fixture
def objects(reference_units, head_khdt):
    window = ReportingWindow.objects.create(
        year=2026, quarter=1, opens_on="2026-03-20", deadline="2026-04-10"
    )
    plan = Plan.objects.create(name="Kế hoạch CCHC 2026-2030", province=Unit.objects.get(code="49"))
    alias = UnitAlias.objects.filter(unit__code="46").first()
    return {
        "manage:window_edit": ("get", [window.pk]),
        "manage:plan_edit": ("get", [plan.pk]),
        "manage:user_edit": ("get", [head_khdt.pk]),
        "manage:user_deactivate": ("post", [head_khdt.pk]),
        "manage:user_activate": ("post", [head_khdt.pk]),
        "manage:alias_delete": ("post", [alias.pk]),
    }


OBJECT_PAGES = [
    "manage:window_edit",
    "manage:plan_edit",
    "manage:user_edit",
    "manage:user_deactivate",
    "manage:user_activate",
    "manage:alias_delete",
]


def _call(client, name, objects):
    method, args = objects.get(name, ("get", []))
    return getattr(client, method)(reverse(name, args=args))


@pytest.mark.parametrize("name", GET_PAGES + OBJECT_PAGES)
@pytest.mark.parametrize("role", ["official", "reviewer", "head_khdt"])
def test_management_pages_refuse_other_roles(client, request, objects, name, role):
    client.force_login(request.getfixturevalue(role))
    assert _call(client, name, objects).status_code == 403


@pytest.mark.parametrize("name", GET_PAGES + OBJECT_PAGES)
def test_management_pages_send_anonymous_visitors_to_login(client, objects, name):
    response = _call(client, name, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", GET_PAGES + OBJECT_PAGES[:3])
@pytest.mark.parametrize("who", ["admin_user", "superuser"])
def test_management_pages_open_for_admins_and_superusers(client, request, objects, name, who):
    client.force_login(request.getfixturevalue(who))
    response = _call(client, name, objects)
    assert response.status_code == 200
    html = response.content.decode()
    # Every table scrolls inside its own box on a phone.
    assert html.count("<table") == html.count('<div class="table-wrap"><table')


def test_hub_links_every_routine_task(admin_client):
    html = admin_client.get(reverse("manage:hub")).content.decode()
    for name in (
        "indices:edition_create",
        "indices:import_list",
        "indices:list",
        "indices:target_create",
        "manage:plan_list",
        "manage:window_list",
        "manage:user_list",
        "manage:alias_list",
    ):
        assert f'href="{reverse(name)}"' in html, name
    assert "Quản lý" in html


def _current_nav(html: str) -> list[str]:
    nav = html[
        html.index('class="main-nav"') : html.index("</nav>", html.index('class="main-nav"'))
    ]
    return re.findall(r'aria-current="page">([^<]+)<', nav)


def test_navigation_shows_management_to_admins_only(client, admin_user, reviewer):
    client.force_login(admin_user)
    html = client.get(reverse("manage:user_list")).content.decode()
    assert f'href="{reverse("manage:hub")}"' in html
    assert _current_nav(html) == ["Quản lý"]
    client.force_login(reviewer)
    html = client.get(reverse("dashboards:home")).content.decode()
    assert f'href="{reverse("manage:hub")}"' not in html


@pytest.mark.parametrize("name", GET_PAGES + OBJECT_PAGES[:3])
def test_management_pages_open_in_english(client, admin_user, objects, name):
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    response = _call(client, name, objects)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()

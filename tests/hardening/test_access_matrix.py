"""Every URL pattern, called as every role against another unit's objects, with the expected
answer of each in ONE table (`EXPECTED`). The patterns are walked from the URL configuration: a
pattern missing from the table fails `test_every_url_pattern_is_in_the_table`, so a new view must
be added here with who may open it. Every GET view is also called with malformed query strings:
never a 500.

The world is built here (`access_world`), not taken from the demo dataset: unit A is the
department head's own (Sở Kế hoạch và Đầu tư), unit B another department (Sở Thông tin và
Truyền thông) whose report, evidence, scores and contact page the head of A must not reach."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from briefings.models import GeneratedReport
from indices.analytics.runs import analysis_rebuild
from indices.models import ImportBatch, IndexEdition, Score, Target
from indices.services.imports.service import import_stage
from reports import services as report_services
from reports.models import (
    Evidence,
    Plan,
    QuarterlyReport,
    ReopenRequest,
    ReportingWindow,
    Task,
)
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit, UnitAlias

ROLES = ["admin", "reviewer", "official", "head_a", "anonymous"]
FIXTURE = "pci_2021_published.xlsx"


@dataclass
class World:
    users: dict[str, Any]
    unit_a: Unit
    unit_b: Unit
    published: IndexEdition
    draft: IndexEdition
    draft_score_text: str
    report_b: QuarterlyReport
    evidence_b: Evidence
    window: ReportingWindow
    plan: Plan
    batch: ImportBatch
    target: Target


def _member(username: str, role: str, unit: Unit | None = None, **fields: Any):
    user = UserFactory(username=username, **fields)
    MembershipFactory(user=user, role=role, unit=unit)
    return user


def _internal_scores(edition: IndexEdition, values: dict[Unit, str]) -> None:
    Score.objects.bulk_create(
        Score(
            edition=edition,
            unit=unit,
            component=None,
            state="value",
            value=Decimal(value),
            basis="internal",
        )
        for unit, value in values.items()
    )


@pytest.fixture
def access_world(db) -> World:
    if not IndexEdition.objects.filter(index__code="PAR_DEPT").exists():
        call_command("load_reference_data", stdout=io.StringIO())
    unit_a = Unit.objects.get(code="49.SKHDT")
    unit_b = Unit.objects.get(code="49.STTTT")
    users = {
        # The demo's `admin` is a superuser with the admin role: object rules bind it too.
        "admin": _member("m-admin", Membership.Role.ADMIN, is_superuser=True, is_staff=True),
        "reviewer": _member(
            "m-reviewer", Membership.Role.REVIEWER, Unit.objects.get(code="49.SNV")
        ),
        "official": _member("m-official", Membership.Role.OFFICIAL),
        "head_a": _member("m-head-a", Membership.Role.DEPARTMENT_HEAD, unit_a),
        "anonymous": None,
    }
    editions = IndexEdition.objects.filter(index__code="PAR_DEPT").order_by("year")
    published, draft = editions.get(year=2023), editions.get(year=2024)
    IndexEdition.objects.filter(pk=published.pk).update(published_internally=True)
    IndexEdition.objects.filter(pk=draft.pk).update(published_internally=False)
    published.refresh_from_db()
    draft.refresh_from_db()
    # Its own figures only, whether or not the session loaded the demo dataset.
    Score.objects.filter(edition__in=[published, draft]).delete()
    _internal_scores(published, {unit_a: "81.25", unit_b: "77.5"})
    _internal_scores(draft, {unit_a: "83.75", unit_b: "64.13"})
    analysis_rebuild(edition_ids=[published.pk, draft.pk], trigger="admin")

    today = timezone.localdate()
    # Open now, for a quarter units A and B still existed at the end of (they merged on
    # 1/3/2025): a quarter's report is filed by the unit that existed at its end.
    window = ReportingWindow.objects.create(
        year=2024,
        quarter=4,
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
    )
    plan = Plan.objects.create(name="Kế hoạch thử", province=Unit.objects.get(code="49"))
    for code, unit in (("A1", unit_a), ("B1", unit_b)):
        Task.objects.create(
            plan=plan,
            code=code,
            title=f"Nhiệm vụ {code}",
            responsible=unit,
            start_date=dt.date(2024, 1, 1),
            due_date=today + dt.timedelta(days=400),
        )
    report_b = report_services.report_open(unit=unit_b, window=window)
    head_b = _member("m-head-b", Membership.Role.DEPARTMENT_HEAD, unit_b)
    evidence_b = report_services.evidence_add(
        progress=report_b.progress.get(),
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 unit B", content_type="application/pdf"),
        user=head_b,
    )
    pci = IndexEdition.objects.get(index__code="PCI", year=2021)
    data = (Path(__file__).resolve().parents[1] / "fixtures" / FIXTURE).read_bytes()
    batch = import_stage(edition=pci, data=data, filename=FIXTURE, user=users["admin"])
    target = Target.objects.create(
        unit=Unit.objects.get(code="49"),
        index=pci.index,
        kind=Target.Kind.SCORE,
        target_value=Decimal("70"),
        baseline_year=2020,
    )
    return World(
        users=users,
        unit_a=unit_a,
        unit_b=unit_b,
        published=published,
        draft=draft,
        draft_score_text="64,13",
        report_b=report_b,
        evidence_b=evidence_b,
        window=window,
        plan=plan,
        batch=batch,
        target=target,
    )


# The table: for each URL pattern, the method it is called with and the expected status for each
# role, in the order of ROLES: admin (a superuser with the admin role, like the demo's), reviewer,
# official, the head of unit A, anonymous. Objects are unit B's where a pattern takes one.
# A pattern of the admin site taking arguments is called with none of them: such patterns are
# listed by the wildcard rows at the end, so that a new one still needs a row.
EXPECTED: dict[str, tuple[str, tuple[int, int, int, int, int]]] = {
    "healthz": ("get", (200, 200, 200, 200, 200)),
    "login": ("get", (200, 200, 200, 200, 200)),
    "logout": ("post", (302, 302, 302, 302, 302)),
    "set_language": ("post", (302, 302, 302, 302, 302)),
    "javascript-catalog": ("get", (200, 200, 200, 200, 200)),
    "units:list": ("get", (200, 200, 200, 200, 302)),
    "units:on_date": ("get", (200, 200, 200, 200, 302)),
    "units:contact": ("get", (200, 403, 403, 403, 302)),  # unit B's contact details
    "indices:list": ("get", (200, 200, 200, 200, 302)),
    "indices:import_list": ("get", (200, 403, 403, 403, 302)),
    "indices:edition_create": ("get", (200, 403, 403, 403, 302)),
    "indices:import_preview": ("get", (200, 403, 403, 403, 302)),
    "indices:import_commit": ("post", (302, 403, 403, 403, 302)),
    # Only a superseded batch is restored: the staged one is refused even to the admin.
    "indices:import_restore": ("post", (403, 403, 403, 403, 302)),
    "indices:import_download": ("get", (200, 403, 403, 403, 302)),
    "indices:run_list": ("get", (200, 200, 200, 200, 302)),
    "indices:template": ("get", (200, 403, 403, 403, 302)),
    "indices:target_create": ("get", (200, 200, 403, 403, 302)),
    "indices:target_edit": ("get", (200, 200, 403, 403, 302)),
    "indices:target_history": ("get", (200, 200, 200, 200, 302)),
    "indices:methodology": ("get", (200, 200, 200, 200, 302)),  # PAR_DEPT: drafts' league hidden
    "reports:home": ("get", (200, 200, 200, 200, 302)),
    "reports:start": ("post", (403, 403, 403, 302, 302)),  # a head opens its own unit's report
    "reports:report": ("get", (200, 200, 200, 403, 302)),  # unit B's report
    "reports:evidence_upload": ("post", (403, 403, 403, 403, 302)),  # only B's head writes B's
    "reports:evidence": ("get", (200, 200, 200, 403, 302)),  # unit B's evidence file
    "reports:reopen_request": ("post", (403, 403, 403, 403, 302)),  # only B's head asks
    "reports:reopen_decide": ("post", (302, 302, 403, 403, 302)),  # reviewers and admins decide
    "reports:unit": ("get", (200, 200, 200, 403, 302)),
    "reports:plan_import": ("get", (200, 200, 403, 403, 302)),
    # The management pages: the portal's admins only.
    "manage:hub": ("get", (200, 403, 403, 403, 302)),
    "manage:window_list": ("get", (200, 403, 403, 403, 302)),
    "manage:window_create": ("get", (200, 403, 403, 403, 302)),
    "manage:window_edit": ("get", (200, 403, 403, 403, 302)),
    "manage:plan_list": ("get", (200, 403, 403, 403, 302)),
    "manage:plan_create": ("get", (200, 403, 403, 403, 302)),
    "manage:period_start": ("get", (200, 403, 403, 403, 302)),
    "manage:plan_edit": ("get", (200, 403, 403, 403, 302)),
    "manage:user_list": ("get", (200, 403, 403, 403, 302)),
    "manage:user_create": ("get", (200, 403, 403, 403, 302)),
    "manage:user_edit": ("get", (200, 403, 403, 403, 302)),  # the head of B's account
    "manage:user_deactivate": ("post", (302, 403, 403, 403, 302)),
    "manage:user_activate": ("post", (302, 403, 403, 403, 302)),
    "manage:alias_list": ("get", (200, 403, 403, 403, 302)),
    "manage:alias_create": ("get", (200, 403, 403, 403, 302)),
    "manage:alias_delete": ("post", (302, 403, 403, 403, 302)),
    # The audit log: the portal's admins only.
    "audit:list": ("get", (200, 403, 403, 403, 302)),
    "dashboards:home": ("get", (200, 200, 200, 200, 302)),
    "dashboards:compare": ("get", (200, 200, 200, 200, 302)),
    "dashboards:basis_legend": ("get", (200, 200, 200, 200, 302)),
    "dashboards:internal": ("get", (200, 200, 200, 200, 302)),  # the latest edition one may read
    "dashboards:map": ("get", (200, 200, 200, 200, 302)),
    "dashboards:index": ("get", (302, 302, 302, 302, 302)),  # PAR_DEPT: to the internal league
    "dashboards:unit": ("get", (200, 200, 200, 403, 302)),  # unit B's page
    # Whole-page workbooks: the same readers as their pages; the open-data zip: every role.
    "dashboards:home_workbook": ("get", (200, 200, 200, 200, 302)),
    "dashboards:index_workbook": ("get", (200, 200, 200, 200, 302)),  # PCI
    "dashboards:unit_workbook": ("get", (200, 200, 200, 403, 302)),  # unit B's page
    "dashboards:opendata": ("get", (200, 200, 200, 200, 302)),
    "dashboards:opendata_download": ("get", (200, 200, 200, 200, 302)),
    # The read API (/api/v1/): every portal role reads, each what its rules allow; anonymous
    # callers get a 401 with a Bearer challenge (no login redirect for a machine client).
    "api:root": ("get", (200, 200, 200, 200, 401)),
    "api:schema": ("get", (200, 200, 200, 200, 401)),
    "api:docs": ("get", (200, 200, 200, 200, 401)),
    "api:unit-list": ("get", (200, 200, 200, 200, 401)),
    "api:unit-detail": ("get", (200, 200, 200, 403, 401)),  # unit B
    "api:succession-list": ("get", (200, 200, 200, 200, 401)),
    "api:index-list": ("get", (200, 200, 200, 200, 401)),
    "api:index-detail": ("get", (200, 200, 200, 200, 401)),
    "api:edition-list": ("get", (200, 200, 200, 200, 401)),
    "api:edition-detail": ("get", (200, 200, 403, 403, 401)),  # PAR_DEPT's draft
    "api:component-list": ("get", (200, 200, 200, 200, 401)),
    "api:score-list": ("get", (200, 200, 200, 200, 401)),
    "api:result-list": ("get", (200, 200, 200, 200, 401)),
    "api:target-list": ("get", (200, 200, 200, 200, 401)),
    "api:target-detail": ("get", (200, 200, 200, 200, 401)),  # the province's, public
    "api:target-status-list": ("get", (200, 200, 200, 200, 401)),
    "api:progress-list": ("get", (200, 200, 200, 200, 401)),
    "api:progress-detail": ("get", (200, 200, 200, 403, 401)),  # unit B's report
    "api:progress-completeness": ("get", (200, 200, 200, 403, 401)),  # every unit's quarter
    # Generated reports: every portal role asks for what its pages show; a report is only ever
    # its requester's (here the head of B's: not found for everyone else).
    "briefings:list": ("get", (200, 200, 200, 200, 302)),
    "briefings:create": ("get", (200, 200, 200, 200, 302)),  # the chooser
    "briefings:detail": ("get", (404, 404, 404, 404, 302)),
    "briefings:status": ("get", (404, 404, 404, 404, 302)),
    "briefings:download": ("get", (404, 404, 404, 404, 302)),
    # The API's call log is written by the portal only.
    "admin:api_apicall_add": ("get", (403, 302, 302, 302, 302)),
    "admin:index": ("get", (200, 302, 302, 302, 302)),
    "admin:login": ("get", (302, 200, 200, 200, 200)),
    "admin:logout": ("post", (302, 302, 302, 302, 302)),
    "admin:password_change": ("get", (200, 302, 302, 302, 302)),
    "admin:password_change_done": ("get", (200, 302, 302, 302, 302)),
    "admin:jsi18n": ("get", (200, 302, 302, 302, 302)),
    "admin:autocomplete": ("get", (403, 302, 302, 302, 302)),  # needs its query parameters
    # A report's content is read-only in the admin site, superusers included.
    "admin:reports_evidence_add": ("get", (403, 302, 302, 302, 302)),
    "admin:reports_indicatorvalue_add": ("get", (403, 302, 302, 302, 302)),
    "admin:reports_reopenrequest_add": ("get", (403, 302, 302, 302, 302)),
    # The audit log is written by the portal only.
    "admin:audit_auditevent_add": ("get", (403, 302, 302, 302, 302)),
    # django-axes keeps its records read-only.
    "admin:axes_accessattempt_add": ("get", (403, 302, 302, 302, 302)),
    "admin:axes_accesslog_add": ("get", (403, 302, 302, 302, 302)),
    "admin:axes_accessfailurelog_add": ("get", (403, 302, 302, 302, 302)),
    "admin:*_changelist": ("get", (200, 302, 302, 302, 302)),
    "admin:*_add": ("get", (200, 302, 302, 302, 302)),
    "admin:*(arguments)": ("", (0, 0, 0, 0, 0)),  # the admin's object and app pages
}


def _patterns(patterns: list[Any], namespace: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            found += _patterns(pattern.url_patterns, inner)
        else:
            found.append((namespace + (pattern.name or ""), pattern))
    return found


def _row(name: str, pattern: URLPattern) -> str:
    """The table's row for a pattern: its own, else the admin site's wildcard."""
    if name in EXPECTED or not name.startswith("admin:"):
        return name
    if pattern.pattern.regex.groups:
        return "admin:*(arguments)"
    for suffix in ("_changelist", "_add"):
        if name.endswith(suffix):
            return f"admin:*{suffix}"
    return name


ALL_PATTERNS = _patterns(get_resolver().url_patterns)
CALLED = [name for name, pattern in ALL_PATTERNS if EXPECTED.get(_row(name, pattern), ("",))[0]]


def test_every_url_pattern_is_in_the_table():
    missing = sorted(name for name, pattern in ALL_PATTERNS if _row(name, pattern) not in EXPECTED)
    assert missing == [], f"add these URL patterns to EXPECTED with who may open them: {missing}"
    assert len(ALL_PATTERNS) > 40


def _url(name: str, world: World) -> str:
    """The pattern's URL, on unit B's objects where it takes one."""
    progress = world.report_b.progress.get()
    head_b = get_user_model().objects.get(username="m-head-b").pk
    briefing_b = GeneratedReport.objects.get_or_create(
        user_id=head_b,
        kind="index",
        fmt="xlsx",
        defaults={"expires": timezone.now() + dt.timedelta(days=30)},
    )[0].pk
    arguments: dict[str, list[Any]] = {
        "units:contact": [world.unit_b.code],
        "indices:import_preview": [world.batch.pk],
        "indices:import_commit": [world.batch.pk],
        "indices:import_restore": [world.batch.pk],
        "indices:import_download": [world.batch.pk],
        "indices:template": ["PCI", 2021],
        "indices:target_edit": [world.target.pk],
        "indices:target_history": [world.target.pk],
        "indices:methodology": ["PAR_DEPT"],
        "reports:start": [world.window.pk],
        "reports:report": [world.report_b.pk],
        "reports:evidence_upload": [progress.pk],
        "reports:evidence": [world.evidence_b.pk],
        "reports:reopen_request": [world.report_b.pk],
        "reports:reopen_decide": [
            ReopenRequest.objects.get_or_create(report=world.report_b, reason="Bổ sung")[0].pk
        ],
        "reports:unit": [world.unit_b.code],
        "reports:plan_import": [world.plan.pk],
        "manage:window_edit": [world.window.pk],
        "manage:plan_edit": [world.plan.pk],
        "manage:user_edit": [head_b],
        "manage:user_deactivate": [head_b],
        "manage:user_activate": [head_b],
        "manage:alias_delete": [
            UnitAlias.objects.get_or_create(
                unit=world.unit_b, normalized="so tt tt thu", defaults={"name": "Sở TT TT thử"}
            )[0].pk
        ],
        "dashboards:index": ["PAR_DEPT"],
        "dashboards:unit": [world.unit_b.code],
        "dashboards:index_workbook": ["PCI"],
        "dashboards:unit_workbook": [world.unit_b.code],
        "api:unit-detail": [world.unit_b.code],
        "api:index-detail": ["PCI"],
        "api:edition-detail": [world.draft.pk],
        "api:target-detail": [world.target.pk],
        "api:progress-detail": [world.report_b.pk],
        "briefings:detail": [briefing_b],
        "briefings:status": [briefing_b],
        "briefings:download": [briefing_b],
    }
    return reverse(name, args=arguments.get(name, []))


@pytest.mark.parametrize("name", CALLED)
def test_access_matrix(client, access_world: World, name: str):
    """The pattern called as each role in turn (the admin first: what it changes is what the
    others would then meet)."""
    pattern = dict(ALL_PATTERNS)[name]
    method, expected = EXPECTED[_row(name, pattern)]
    answers = []
    for role in ROLES:
        client.logout()
        user = access_world.users[role]
        if user is not None:
            client.force_login(user)
        answers.append(getattr(client, method)(_url(name, access_world)).status_code)
    assert tuple(answers) == expected, name


MALFORMED = [
    "nam=abc",
    "nam=%00",
    "nam=2021%00",
    "nam=-1",
    "nam=99999999999999999999",
    "quy=-",
    "quy=abc-x",
    "quy=2024-%00",
    "page=-1",
    "page=abc",
    "page=99999999",
    "chi_so=%00",
    "chi_so=" + "X" * 5000,
    "don_vi=" + "&don_vi=".join(["%00", "49", "x" * 3000]),
    "tai=csv&nam=abc",
    "vung=%00&theo=%00",
    "q=" + "ạ" * 3000,
    "kind=%00&on=abc&cha=%00",
    "mau=1",
    "index=%00",
]
GET_VIEWS = [
    name
    for name, pattern in ALL_PATTERNS
    if not name.startswith("admin:") and EXPECTED[_row(name, pattern)][0] == "get"
]


@pytest.mark.parametrize("name", GET_VIEWS)
def test_malformed_query_strings_never_answer_500(client, access_world: World, name):
    client.raise_request_exception = False
    url = _url(name, access_world)
    for role in ("admin", "head_a"):
        client.force_login(access_world.users[role])
        for query in MALFORMED:
            status = client.get(f"{url}?{query}").status_code
            assert status < 500, (name, role, query, status)

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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from indices.analytics.runs import analysis_rebuild
from indices.models import ImportBatch, IndexEdition, Score, Target
from indices.services.imports.service import import_stage
from reports import services as report_services
from reports.models import Evidence, Plan, QuarterlyReport, ReportingWindow, Task
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

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
    _internal_scores(published, {unit_a: "81.25", unit_b: "77.5"})
    _internal_scores(draft, {unit_a: "83.75", unit_b: "64.13"})
    analysis_rebuild(edition_ids=[published.pk, draft.pk], trigger="admin")

    today = timezone.localdate()
    window = ReportingWindow.objects.create(
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
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
            start_date=today - dt.timedelta(days=400),
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

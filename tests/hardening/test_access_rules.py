"""The access rules: one rule for internal results on every page and download, object rules
that bind superusers too, and who edits targets. Built on its own data (`access_world`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indices.models import IndexEdition, Target
from reports.models import Evidence, QuarterlyReport, TaskProgress
from tests.hardening.test_access_matrix import World
from tests.hardening.test_access_matrix import access_world as access_world  # the fixture

INTERNAL = reverse("dashboards:internal")


@pytest.fixture
def world(access_world: World) -> World:
    return access_world


def _get(client, user, url: str):
    client.force_login(user)
    return client.get(url)


# Internal results: published ones for every portal user, drafts for admins and reviewers.


@pytest.mark.parametrize("role", ["head_a", "official"])
def test_draft_internal_results_are_kept_from_heads_and_officials_everywhere(
    client, world: World, role
):
    user = world.users[role]
    draft = f"?chi_so=PAR_DEPT&nam={world.draft.year}"
    assert _get(client, user, INTERNAL + draft).status_code == 403
    assert _get(client, user, INTERNAL + draft + "&tai=csv").status_code == 403
    assert _get(client, user, INTERNAL + draft + "&tai=xlsx").status_code == 403
    methodology = reverse("indices:methodology", args=["PAR_DEPT"])
    page = _get(client, user, f"{methodology}?nam={world.draft.year}")
    assert page.status_code == 200
    assert page.context["league"] == []  # the draft's scores are not listed
    assert world.draft_score_text not in page.content.decode()
    redirect = _get(client, user, reverse("dashboards:index", args=["PAR_DEPT"]))
    assert f"nam={world.published.year}" in redirect.url  # the latest it may read


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_admins_and_reviewers_read_draft_internal_results(client, world: World, role):
    user = world.users[role]
    draft = f"?chi_so=PAR_DEPT&nam={world.draft.year}"
    page = _get(client, user, INTERNAL + draft)
    assert page.status_code == 200
    assert world.unit_b in [entry["unit"] for entry in page.context["league"]]
    assert _get(client, user, INTERNAL + draft + "&tai=csv").status_code == 200
    methodology = reverse("indices:methodology", args=["PAR_DEPT"])
    league = _get(client, user, f"{methodology}?nam={world.draft.year}").context["league"]
    assert {row["unit"] for row in league} == {world.unit_a, world.unit_b}


@pytest.mark.parametrize("role", ["head_a", "official", "reviewer", "admin"])
def test_published_internal_results_are_read_by_every_portal_user(client, world: World, role):
    user = world.users[role]
    published = f"?chi_so=PAR_DEPT&nam={world.published.year}"
    page = _get(client, user, INTERNAL + published)
    assert page.status_code == 200
    assert world.unit_b in [entry["unit"] for entry in page.context["league"]]
    download = _get(client, user, INTERNAL + published + "&tai=csv")
    assert download.status_code == 200
    assert world.unit_b.name in download.content.decode("utf-8-sig")


def test_head_gets_the_latest_published_edition_by_default(client, world: World):
    page = _get(client, world.users["head_a"], INTERNAL + "?chi_so=PAR_DEPT")
    assert page.status_code == 200
    assert page.context["edition"] == world.published


def test_publishing_a_draft_opens_it_to_every_portal_user(client, world: World):
    draft = f"?chi_so=PAR_DEPT&nam={world.draft.year}"
    IndexEdition.objects.filter(pk=world.draft.pk).update(published_internally=True)
    assert _get(client, world.users["head_a"], INTERNAL + draft).status_code == 200


def test_unit_page_shows_no_draft_internal_figure_to_its_own_head(client, world: World):
    url = reverse("dashboards:unit", args=[world.unit_a.code])
    head = _get(client, world.users["head_a"], url)
    assert head.status_code == 200
    cells = [c for s in head.context["score_series"] for c in s.cells]
    assert world.published.pk in {c.edition.pk for c in cells}
    assert world.draft.pk not in {c.edition.pk for c in cells}
    series = [p for points in head.context["profile"]["series"].values() for p in points]
    assert world.draft.pk not in {p["edition_id"] for p in series}
    reviewer = _get(client, world.users["reviewer"], url)
    cells = [c for s in reviewer.context["score_series"] for c in s.cells]
    assert world.draft.pk in {c.edition.pk for c in cells}


# Object rules bind superusers: the admin reopens a department's report, never writes it.


def test_superuser_cannot_write_a_departments_progress(client, world: World):
    root = world.users["admin"]
    assert root.is_superuser
    report = world.report_b
    progress = report.progress.get()
    client.force_login(root)
    page = client.get(reverse("reports:report", args=[report.pk]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    saved = client.post(
        reverse("reports:report", args=[report.pk]),
        {"action": "save", f"p{progress.pk}-status": "done", f"p{progress.pk}-done": "admin"},
    )
    assert saved.status_code == 403
    progress.refresh_from_db()
    assert progress.done != "admin"
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 admin", content_type="application/pdf")
    evidence = client.post(reverse("reports:evidence_upload", args=[progress.pk]), {"file": upload})
    assert evidence.status_code == 403
    assert not Evidence.objects.filter(progress=progress, uploaded_by=root).exists()


def test_superuser_reopens_a_departments_report(client, world: World):
    report = world.report_b
    QuarterlyReport.objects.filter(pk=report.pk).update(status=QuarterlyReport.Status.APPROVED)
    client.force_login(world.users["admin"])
    response = client.post(reverse("reports:report", args=[report.pk]), {"action": "reopen"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.reopened_until is not None


def test_superuser_sees_a_reports_content_read_only_in_the_admin_site(client, world: World):
    client.force_login(world.users["admin"])
    progress = TaskProgress.objects.filter(report=world.report_b).get()
    evidence = world.evidence_b
    change = client.post(
        reverse("admin:reports_evidence_change", args=[evidence.pk]),
        {"original_name": "renamed.pdf"},
    )
    assert change.status_code == 403
    assert client.post(
        reverse("admin:reports_evidence_delete", args=[evidence.pk])
    ).status_code in (403,)
    page = client.get(reverse("admin:reports_quarterlyreport_change", args=[progress.report_id]))
    assert page.status_code == 200  # the report itself: reassign, reopen


# Targets: admins and reviewers edit them; officials and department heads read them.


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("reviewer", 200)])
def test_admins_and_reviewers_edit_targets(client, world: World, role, status):
    user = world.users[role]
    target = world.target
    assert _get(client, user, reverse("indices:target_edit", args=[target.pk])).status_code == (
        status
    )
    response = client.post(
        reverse("indices:target_edit", args=[target.pk]),
        {
            "unit": target.unit_id,
            "index": target.index_id,
            "kind": "score",
            "target_value": "71",
            "baseline_year": 2020,
            "target_year": 2025,
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.target_value == Decimal("71")


@pytest.mark.parametrize("role", ["official", "head_a"])
def test_officials_and_heads_do_not_edit_targets(client, world: World, role):
    user = world.users[role]
    target = world.target
    assert _get(client, user, reverse("indices:target_edit", args=[target.pk])).status_code == 403
    assert client.post(reverse("indices:target_create"), {}).status_code == 403
    assert Target.objects.get(pk=target.pk).target_value == target.target_value

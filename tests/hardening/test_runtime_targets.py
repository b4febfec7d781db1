"""Every change to a target (illustrative ones too; through the form or the admin site; create,
edit, delete) rebuilds the editions of its index, so dashboards never keep an old target."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from indices.models import AnalysisRun, IndexEdition, Target, TargetResult
from indices.services.imports.service import scores_import
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def pci_2021(db):
    """PCI 2021 as published (Quảng Nam 66,24, 19th), imported; its rebuild left queued."""
    edition = IndexEdition.objects.get(index__code="PCI", year=2021)
    scores_import(
        edition=edition,
        data=(FIXTURES / "pci_2021_published.xlsx").read_bytes(),
        filename="pci_2021_published.xlsx",
        allow_missing=True,
    )
    return edition


@pytest.fixture
def superuser(db):
    return UserFactory(username="targets-root", is_superuser=True, is_staff=True)


@pytest.fixture
def province_admin(db):
    user = UserFactory(username="targets-admin")
    MembershipFactory(user=user, role=Membership.Role.ADMIN)
    return user


def _target(*, is_demo: bool, value: str = "70") -> Target:
    return Target.objects.create(
        unit=Unit.objects.get(code="49"),
        index=IndexEdition.objects.get(index__code="PCI", year=2021).index,
        kind=Target.Kind.SCORE,
        target_value=Decimal(value),
        baseline_year=2020,
        is_demo=is_demo,
    )


def _form(target: Target, value: str) -> dict[str, object]:
    return {
        "unit": target.unit_id,
        "index": target.index_id,
        "kind": "score",
        "target_value": value,
        "baseline_year": 2020,
        "target_year": 2025,
    }


def _target_runs() -> list[AnalysisRun]:
    """The target runs this test requested (the session may hold the demo's)."""
    return list(AnalysisRun.objects.filter(trigger=AnalysisRun.Trigger.TARGET, pk__gt=_FIRST[0]))


_FIRST = [0]


@pytest.fixture(autouse=True)
def _runs_before(db):
    _FIRST[0] = AnalysisRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _status(target: Target, edition: IndexEdition) -> str:
    pointer = edition.analysis
    pointer.refresh_from_db()
    return TargetResult.objects.get(run_id=pointer.run_id, target=target, edition=edition).status


def test_editing_an_illustrative_target_rebuilds_its_index(
    client, pci_2021, province_admin, django_capture_on_commit_callbacks
):
    target = _target(is_demo=True)
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indices:target_edit", args=[target.pk]), _form(target, "60")
        )
    assert response.status_code == 302
    (run,) = _target_runs()
    assert pci_2021.pk in run.scope
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED  # eager in the suite: executed on commit
    assert _status(target, pci_2021) == TargetResult.Status.ACHIEVED  # 66,24 ≥ 60

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indices:target_edit", args=[target.pk]), _form(target, "70"))
    assert _status(target, pci_2021) != TargetResult.Status.ACHIEVED  # 66,24 < 70


def test_creating_a_target_in_the_admin_site_rebuilds_its_index(
    client, pci_2021, superuser, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    index = pci_2021.index
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:indices_target_add"),
            {
                "unit": Unit.objects.get(code="49").pk,
                "index": index.pk,
                "component_code": "",
                "kind": "score",
                "target_value": "60",
                "baseline_year": 2020,
                "period_start": 2021,
                "period_end": 2025,
                "target_year": 2025,
                "milestones-TOTAL_FORMS": 0,
                "milestones-INITIAL_FORMS": 0,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    target = Target.objects.filter(index=index).latest("pk")
    (run,) = _target_runs()
    assert pci_2021.pk in run.scope
    assert _status(target, pci_2021) == TargetResult.Status.ACHIEVED


def test_deleting_a_target_in_the_admin_site_rebuilds_its_index(
    client, pci_2021, superuser, django_capture_on_commit_callbacks
):
    target = _target(is_demo=True)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:indices_target_delete", args=[target.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    (run,) = _target_runs()
    assert pci_2021.pk in run.scope
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED


def test_moving_a_target_to_another_index_rebuilds_both(
    client, pci_2021, province_admin, django_capture_on_commit_callbacks
):
    target = _target(is_demo=False)
    papi = IndexEdition.objects.filter(index__code="DTI", status="published").first()
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("indices:target_edit", args=[target.pk]),
            {**_form(target, "40"), "index": papi.index_id},
        )
    (run,) = _target_runs()
    assert {pci_2021.pk, papi.pk} <= set(run.scope)

from decimal import Decimal

import pytest
from django.urls import reverse

from indices.models import Target
from tests.factories import IndexFactory, TargetFactory
from tests.leagues import HOME
from units.models import Unit


@pytest.mark.usefixtures("province_standing")
@pytest.mark.parametrize(
    "url",
    [
        reverse("indices:list"),
        reverse("indices:methodology", args=["PCI"]),
        reverse("indices:methodology", args=["PCI"]) + "?nam=2023",
        reverse("indices:methodology", args=["PAPI"]) + "?nam=2018",
        reverse("indices:methodology", args=["ICT"]) + "?nam=2021",
        reverse("indices:methodology", args=["PAR_DISTRICT"]),
        reverse("dashboards:unit", args=["49"]),
        reverse("units:list"),
    ],
)
def test_catalogue_pages_stay_within_query_budget(
    client, official, url, django_assert_max_num_queries
):
    client.force_login(official)
    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.usefixtures("pci_later", "home_targets")
def test_index_page_marks_not_published_and_breaks(client, official):
    client.force_login(official)
    body = client.get(reverse("indices:methodology", args=["PCI"]) + "?nam=2023").content.decode()
    assert "KCB" in body
    assert "chỉ công bố 30 tỉnh dẫn đầu" in body
    assert "Tính minh bạch" in body
    assert "trọng số 20%" in body
    body = client.get(reverse("indices:methodology", args=["PAPI"])).content.decode()
    assert "Thay đổi phương pháp" in body
    assert "Dữ liệu minh họa" in body  # Quảng Nam's PAPI target is illustrative


def test_not_run_edition_is_shown_as_such(client, official):
    client.force_login(official)
    body = client.get(reverse("indices:methodology", args=["ICT"]) + "?nam=2021").content.decode()
    assert "Năm này không tổ chức đánh giá." in body


def test_unit_page_lists_scores_by_index_and_year(client, official, province_standing):
    assert province_standing.pci[2021][HOME].value == Decimal("66.24")
    assert province_standing.par[2023][HOME].value == Decimal("84.60")
    client.force_login(official)
    body = client.get(reverse("dashboards:unit", args=["49"])).content.decode()
    assert "66,24" in body  # PCI 2021, Vietnamese decimal comma
    assert "84,60" in body  # PAR INDEX 2023
    assert "không tổ chức" in body  # ICT 2021
    assert "Từ 2018 PAPI có 8 nội dung" in body


@pytest.mark.usefixtures("home_targets")
def test_admin_edits_a_target_and_history_is_kept(client, admin_user):
    client.force_login(admin_user)
    target = Target.objects.get(unit__code="49", index__code="PAR", kind="score")
    response = client.post(
        reverse("indices:target_edit", args=[target.pk]),
        {
            "unit": target.unit_id,
            "index": target.index_id,
            "kind": "score",
            "target_value": "86,5",
            "baseline_year": 2020,
            "target_year": 2025,
            "milestones": "2024 = 85\n2025 = 86,5",
            "component_code": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    target.refresh_from_db()
    assert str(target.target_value) == "86.5000"
    body = client.get(reverse("indices:target_history", args=[target.pk])).content.decode()
    assert "admin-test" in body
    assert "86,5" in body or "86.5" in body


@pytest.mark.parametrize("who", ["head_khdt", "official"])
def test_only_admins_edit_targets(client, request, who):
    client.force_login(request.getfixturevalue(who))
    target = TargetFactory(
        unit=Unit.objects.get(code="49"), index=IndexFactory(code="TGT", short_name="TGT")
    )
    assert client.get(reverse("indices:target_edit", args=[target.pk])).status_code == 403
    assert client.post(reverse("indices:target_create"), {}).status_code == 403


@pytest.mark.usefixtures("home_targets")
def test_malformed_milestones_are_refused_with_the_line(client, admin_user):
    client.force_login(admin_user)
    target = Target.objects.filter(unit__code="49", kind="score").first()
    response = client.post(
        reverse("indices:target_edit", args=[target.pk]),
        {
            "unit": target.unit_id,
            "index": target.index_id,
            "kind": "score",
            "target_value": "85",
            "baseline_year": 2020,
            "target_year": 2025,
            "milestones": "2024 = N/A",
        },
    )
    assert response.status_code == 200
    assert "Dòng 1" in response.content.decode()

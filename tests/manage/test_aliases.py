"""Unit name variants from the management page: the import's name lookup uses what is added."""

import datetime as dt

import pytest
from django.urls import reverse

from units.models import Unit, UnitAlias
from units.selectors import UnitNameError, unit_matcher_build


def test_alias_added_on_the_page_is_used_by_the_import_name_lookup(admin_client):
    skhdt = Unit.objects.get(code="49.SKHDT")
    with pytest.raises(UnitNameError):
        unit_matcher_build(on_date=dt.date(2024, 12, 31)).resolve("Sở KHĐT Quảng Nam")
    response = admin_client.post(
        reverse("manage:alias_create"),
        {"unit": skhdt.pk, "name": "Sở KHĐT Quảng Nam", "source": "Báo cáo PAR 2024"},
    )
    assert response.status_code == 302
    alias = UnitAlias.objects.get(unit=skhdt, name="Sở KHĐT Quảng Nam")
    assert alias.source == "Báo cáo PAR 2024"
    matcher = unit_matcher_build(on_date=dt.date(2024, 12, 31))
    assert matcher.resolve("SỞ KHĐT - Quảng Nam") == skhdt


def test_alias_create_names_a_variant_the_unit_already_has(admin_client):
    hue = Unit.objects.get(code="46")
    response = admin_client.post(reverse("manage:alias_create"), {"unit": hue.pk, "name": "tt hue"})
    assert response.status_code == 200
    assert "Đơn vị Thành phố Huế đã có cách viết này." in response.content.decode()


def test_alias_create_refuses_a_blank_variant(admin_client):
    hue = Unit.objects.get(code="46")
    response = admin_client.post(reverse("manage:alias_create"), {"unit": hue.pk, "name": " - "})
    assert response.status_code == 200
    assert "Tên gọi khác không được để trống." in response.content.decode()


def test_alias_list_search_finds_by_variant_without_diacritics_and_by_unit(admin_client):
    html = admin_client.get(reverse("manage:alias_list"), {"q": "tt hue"}).content.decode()
    assert "TT-Huế" in html
    assert "Thành phố Huế" in html
    html = admin_client.get(reverse("manage:alias_list"), {"q": "Huế"}).content.decode()
    assert "TT-Huế" in html
    html = admin_client.get(reverse("manage:alias_list"), {"q": "không có đơn vị này"}).content
    assert "Không có cách viết nào khớp." in html.decode()


def test_alias_delete(admin_client):
    alias = UnitAlias.objects.get(unit__code="46", name="TT-Huế")
    response = admin_client.post(reverse("manage:alias_delete", args=[alias.pk]))
    assert response.status_code == 302
    assert not UnitAlias.objects.filter(pk=alias.pk).exists()


def test_alias_delete_refuses_get(admin_client):
    alias = UnitAlias.objects.get(unit__code="46", name="TT-Huế")
    assert admin_client.get(reverse("manage:alias_delete", args=[alias.pk])).status_code == 405
    assert UnitAlias.objects.filter(pk=alias.pk).exists()


def test_alias_list_shows_unit_names_not_codes(admin_client):
    html = admin_client.get(reverse("manage:alias_list"), {"q": "hue"}).content.decode()
    table = html[html.index('id="aliases"') :]
    assert ">46<" not in table


def test_alias_list_queries_do_not_grow_with_aliases(admin_client, django_assert_max_num_queries):
    assert UnitAlias.objects.count() > 5
    with django_assert_max_num_queries(8):
        assert admin_client.get(reverse("manage:alias_list")).status_code == 200

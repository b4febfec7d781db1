"""The Django admin site, kept for rare repairs, reads in Vietnamese: every model of ours has a
Vietnamese plural (Vietnamese has no plural "s"), django-axes' records have Vietnamese names."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

ENGLISH_NAMES = [
    "Access attempts",
    "Access logs",
    "Access failures",
    "Access attempt expirations",
    "Axes",
    "Django administration",
    "Model name",
    "Add link",
]


@pytest.fixture
def index_html(client, superuser):
    assert "django_language" not in client.cookies
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def _model_names(html: str) -> list[str]:
    rows = re.findall(r'<th scope="row" id="[^"]+">(.*?)</th>', html, re.S)
    return [re.sub(r"<[^>]+>", "", row).strip() for row in rows]


def test_admin_index_names_every_model_in_vietnamese(index_html):
    names = _model_names(index_html)
    assert len(names) == len(admin.site._registry)
    for model in admin.site._registry:
        if model._meta.app_label in ("units", "indices", "reports"):
            # The plural is the singular: "Giá trị chỉ tiêu", never "Giá trị chỉ tiêus".
            singular = str(model._meta.verbose_name)
            assert singular[:1].upper() + singular[1:] in names
    for name in names:
        assert not re.search(r"[^\x00-\x7f][a-z]*s$", name), name  # a Vietnamese word + "s"
    assert "Lần đăng nhập sai" in names


@pytest.mark.parametrize("english", ENGLISH_NAMES)
def test_admin_index_shows_no_english_names(index_html, english):
    assert english not in index_html


def test_every_model_of_ours_has_a_vietnamese_plural():
    with translation.override("vi"):
        for app_label in ("units", "indices", "reports"):
            for model in apps.get_app_config(app_label).get_models():
                if model.__name__.startswith("Historical"):
                    continue
                meta = model._meta
                assert "verbose_name_plural" in meta.original_attrs, model.__name__
                assert str(meta.verbose_name_plural) == str(meta.verbose_name), model.__name__


def test_axes_records_have_vietnamese_names():
    with translation.override("vi"):
        config = apps.get_app_config("axes")
        assert str(config.verbose_name) == "Bảo vệ đăng nhập"
        names = {str(model._meta.verbose_name_plural) for model in config.get_models()}
        assert not any(name.lower().startswith("access") for name in names)


def test_admin_index_links_the_management_hub(index_html):
    assert f'href="{reverse("manage:hub")}"' in index_html

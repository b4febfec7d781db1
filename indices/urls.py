from django.urls import path

from . import views, views_imports

app_name = "indices"

urlpatterns = [
    path("", views.index_list, name="list"),
    path("nhap-du-lieu/", views_imports.import_list, name="import_list"),
    path("nhap-du-lieu/ky-moi/", views_imports.edition_create, name="edition_create"),
    path("nhap-du-lieu/<int:pk>/", views_imports.import_preview, name="import_preview"),
    path("nhap-du-lieu/<int:pk>/ghi/", views_imports.import_commit, name="import_commit"),
    path(
        "nhap-du-lieu/<int:pk>/khoi-phuc/",
        views_imports.import_restore_action,
        name="import_restore",
    ),
    path("nhap-du-lieu/<int:pk>/tai-ve/", views_imports.import_download, name="import_download"),
    path("phan-tich/", views_imports.run_list, name="run_list"),
    path("<str:code>/<int:year>/mau-nhap.xlsx", views_imports.edition_template, name="template"),
    path("muc-tieu/moi/", views.target_edit, name="target_create"),
    path("muc-tieu/<int:pk>/sua/", views.target_edit, name="target_edit"),
    path("muc-tieu/<int:pk>/", views.target_history, name="target_history"),
    path("<str:code>/phuong-phap/", views.index_detail, name="methodology"),
]

"""The dashboards' paths, under the site root. The root URLconf includes these after `indices`,
so the catch-all `chi-so/<code>/` never shadows an `indices` page such as `chi-so/phan-tich/`."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("tai-ca-trang/", views.home_workbook, name="home_workbook"),
    path("du-lieu-mo/", views.opendata, name="opendata"),
    path("du-lieu-mo/tai-ve/", views.opendata_download, name="opendata_download"),
    path("chi-so/so-sanh/", views.compare, name="compare"),
    path("chi-so/co-so-so-lieu/", views.basis_legend, name="basis_legend"),
    path("chi-so/noi-bo/", views.internal, name="internal"),
    path("chi-so/ban-do/", views.tile_map, name="map"),
    path("chi-so/<str:code>/", views.index_dashboard, name="index"),
    path("chi-so/<str:code>/tai-ca-trang/", views.index_workbook, name="index_workbook"),
    path("don-vi/<str:code>/", views.unit_page, name="unit"),
    path("don-vi/<str:code>/tai-ca-trang/", views.unit_workbook, name="unit_workbook"),
]

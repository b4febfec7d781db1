"""The portal's management pages (admins only), under /quan-ly/: the hub, reporting windows,
plans, people and name variants. Routed here, in the highest app of the two, so that `units`
never imports `reports`."""

from django.urls import path

from reports import views_admin as reports_views
from reports import views_periods
from units import views_admin as units_views

app_name = "manage"

urlpatterns = [
    path("", units_views.hub, name="hub"),
    path("ky-bao-cao/", reports_views.window_list, name="window_list"),
    path("ky-bao-cao/them/", reports_views.window_edit, name="window_create"),
    path("ky-bao-cao/<int:pk>/", reports_views.window_edit, name="window_edit"),
    path("ke-hoach/", reports_views.plan_list, name="plan_list"),
    path("ke-hoach/them/", reports_views.plan_edit, name="plan_create"),
    path("ke-hoach/<int:pk>/", reports_views.plan_edit, name="plan_edit"),
    path("giai-doan-moi/", views_periods.period_start, name="period_start"),
    path("nguoi-dung/", units_views.user_list, name="user_list"),
    path("nguoi-dung/them/", units_views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", units_views.user_edit, name="user_edit"),
    path("nguoi-dung/<int:pk>/ngung/", units_views.user_deactivate, name="user_deactivate"),
    path("nguoi-dung/<int:pk>/mo-lai/", units_views.user_activate, name="user_activate"),
    path("ten-goi-khac/", units_views.alias_list, name="alias_list"),
    path("ten-goi-khac/them/", units_views.alias_create, name="alias_create"),
    path("ten-goi-khac/<int:pk>/xoa/", units_views.alias_delete, name="alias_delete"),
]

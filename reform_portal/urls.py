from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import views

handler500 = "reform_portal.views.server_error"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("dang-nhap/", views.PortalLoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("don-vi/", include("units.urls")),
    path("chi-so/", include("indices.urls")),
    path("tien-do/", include("reports.urls")),
    path("quan-ly/", include("reports.urls_manage")),
    path("nhat-ky/", include("audit.urls")),
    path("api/v1/", include("api.urls")),
    path("bao-cao-cua-toi/", include("briefings.urls")),
    # After indices: the dashboards' `chi-so/<code>/` would otherwise shadow `chi-so/phan-tich/`.
    path("quan-tri/", admin.site.urls),
    path("", include("dashboards.urls")),
]

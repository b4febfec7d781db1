from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.progress_home, name="home"),
    path("ky/<int:window_pk>/mo/", views.report_start, name="start"),
    path("bao-cao/<int:pk>/", views.report_view, name="report"),
    path("bao-cao/<int:pk>/de-nghi-mo-lai/", views.reopen_request, name="reopen_request"),
    path("de-nghi-mo-lai/<int:pk>/", views.reopen_decide, name="reopen_decide"),
    path("tien-do/<int:progress_pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence"),
    path("don-vi/<str:code>/", views.unit_progress, name="unit"),
    path("ke-hoach/<int:pk>/nhap/", views.plan_import_view, name="plan_import"),
]

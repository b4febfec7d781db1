from django.urls import path

from . import views

app_name = "briefings"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("tao/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/trang-thai/", views.status, name="status"),
    path("<int:pk>/tai/", views.download, name="download"),
]

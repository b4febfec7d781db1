from django.urls import path

from . import views

app_name = "indices"

urlpatterns = [
    path("", views.index_list, name="list"),
    path("muc-tieu/moi/", views.target_edit, name="target_create"),
    path("muc-tieu/<int:pk>/sua/", views.target_edit, name="target_edit"),
    path("muc-tieu/<int:pk>/", views.target_history, name="target_history"),
    path("<str:code>/", views.index_detail, name="detail"),
]

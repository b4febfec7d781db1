from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("danh-muc/", views.units_on_date, name="on_date"),
    path("<str:code>/lien-he/", views.unit_contact_edit, name="contact"),
]

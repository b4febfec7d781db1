from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("successions", views.SuccessionViewSet, basename="succession")
router.register("indices", views.IndexViewSet, basename="index")
router.register("editions", views.EditionViewSet, basename="edition")
router.register("components", views.ComponentViewSet, basename="component")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("results", views.ResultViewSet, basename="result")
router.register("targets", views.TargetViewSet, basename="target")
router.register("target-statuses", views.TargetStatusViewSet, basename="target-status")
router.register("progress", views.ProgressViewSet, basename="progress")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", views.RootView.as_view(), name="root"),
    path("", include(router.urls)),
]

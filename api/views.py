"""The read API's endpoints. Each resolves what it may show through `api.selectors` (the
portal's selectors and rules), validates its query with `api.filters`, and serializes; every
call is recorded (`api.services.api_call_record`)."""

from __future__ import annotations

import time
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from indices.models import IndexEdition, Target
from indices.selectors_analytics import with_figures
from reform_portal.permissions import has_perm
from reports.models import QuarterlyReport
from units.models import Unit
from units.selectors import unit_history

from . import filters as q
from . import selectors, serializers
from .models import ApiToken
from .services import api_call_record


class CallLogMixin:
    # Every call recorded with its account, token, status and duration, refused ones too. (A
    # comment, not a docstring: the schema would describe every endpoint with it.)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self._started = time.monotonic()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        auth = getattr(request, "_auth", None)
        api_call_record(
            request=request,
            user=getattr(request, "_user", None),
            token=auth if isinstance(auth, ApiToken) else None,
            status_code=response.status_code,
            duration_ms=int(
                (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
            ),
        )
        return response


class ReadViewSet(CallLogMixin, viewsets.GenericViewSet):
    query: type[q._Query] = q._Query

    def filters(self) -> selectors.Filters:
        return q.filters_from(self.request, self.query)

    def page(self, queryset: Any, serializer: type[Any], *, shape: Any = None) -> Response:
        rows = self.paginate_queryset(queryset)
        rows = list(rows) if rows is not None else []
        if shape is not None:
            rows = shape(rows)
        return self.get_paginated_response(serializer(rows, many=True).data)


class UnitViewSet(ReadViewSet):
    """Administrative units with their validity dates; a unit's page adds its successions."""

    query = q.UnitQuery
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = serializers.UnitSerializer

    @extend_schema(parameters=[q.UnitQuery])
    def list(self, request: Request) -> Response:
        units = selectors.units_for_reader(user=request.user, filters=self.filters())
        return self.page(units, serializers.UnitSerializer)

    @extend_schema(responses=serializers.UnitDetailSerializer)
    def retrieve(self, request: Request, code: str) -> Response:
        unit = get_object_or_404(Unit.objects.select_related("region", "parent"), code=code)
        if not has_perm(request.user, "units.view_unit", unit):
            raise PermissionDenied
        unit.succession_history = unit_history(unit=unit)  # type: ignore[attr-defined]
        return Response(serializers.UnitDetailSerializer(unit).data)


class SuccessionViewSet(ReadViewSet):
    """Mergers, splits, renames and abolitions of the units the reader may open."""

    query = q.SuccessionQuery
    serializer_class = serializers.SuccessionSerializer

    @extend_schema(parameters=[q.SuccessionQuery])
    def list(self, request: Request) -> Response:
        f = self.filters()
        successions = selectors.successions_for_reader(user=request.user, unit=f.unit)
        return self.page(successions, serializers.SuccessionSerializer)


class IndexViewSet(ReadViewSet):
    """The indices in the catalogue the reader may read, with their publishers."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = serializers.IndexSerializer

    def list(self, request: Request) -> Response:
        return self.page(
            selectors.indices_for_reader(user=request.user), serializers.IndexSerializer
        )

    def retrieve(self, request: Request, code: str) -> Response:
        index = get_object_or_404(selectors.indices_for_reader(user=request.user), code=code)
        return Response(serializers.IndexSerializer(index).data)


class EditionViewSet(ReadViewSet):
    """Editions whose results the reader may read (internal drafts: admins and reviewers)."""

    query = q.EditionQuery
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = serializers.EditionSerializer
    queryset = IndexEdition.objects.none()  # the schema's path type; reads go through selectors

    @extend_schema(parameters=[q.EditionQuery])
    def list(self, request: Request) -> Response:
        editions = selectors.editions_for_reader(user=request.user, filters=self.filters())
        return self.page(editions, serializers.EditionSerializer)

    def retrieve(self, request: Request, pk: str) -> Response:
        edition = get_object_or_404(IndexEdition.objects.select_related("index"), pk=pk)
        if not has_perm(request.user, "indices.view_edition", edition):
            raise PermissionDenied
        return Response(serializers.EditionSerializer(edition).data)


class ComponentViewSet(ReadViewSet):
    """Each edition's components (sub-indices and criteria) with their weights."""

    query = q.ComponentQuery
    serializer_class = serializers.ComponentSerializer

    @extend_schema(parameters=[q.ComponentQuery])
    def list(self, request: Request) -> Response:
        components = selectors.components_for_reader(user=request.user, filters=self.filters())
        return self.page(components, serializers.ComponentSerializer)


class ScoreViewSet(ReadViewSet):
    """Scores as imported, each with its basis, at the edition's published precision."""

    query = q.FigureQuery
    serializer_class = serializers.ScoreSerializer

    @extend_schema(parameters=[q.FigureQuery])
    def list(self, request: Request) -> Response:
        scores = selectors.scores_for_reader(user=request.user, filters=self.filters())
        return self.page(scores, serializers.ScoreSerializer)


class ResultViewSet(ReadViewSet):
    """The current analysis: ranks, groups, gaps, changes and priorities, each with its basis."""

    query = q.FigureQuery
    serializer_class = serializers.ResultSerializer

    @extend_schema(parameters=[q.FigureQuery])
    def list(self, request: Request) -> Response:
        results = selectors.results_for_reader(user=request.user, filters=self.filters())
        return self.page(
            results,
            serializers.ResultSerializer,
            shape=lambda rows: with_figures(rows, priorities=True),
        )


class TargetViewSet(ReadViewSet):
    """The province's targets on the indices, with their milestones and baselines."""

    query = q.TargetQuery
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = serializers.TargetSerializer
    queryset = Target.objects.none()  # the schema's path type; reads go through selectors

    @extend_schema(parameters=[q.TargetQuery])
    def list(self, request: Request) -> Response:
        targets = selectors.targets_for_reader(user=request.user, filters=self.filters())
        return self.page(
            targets, serializers.TargetSerializer, shape=selectors.targets_with_precision
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        targets = selectors.targets_for_reader(user=request.user, filters=selectors.Filters())
        target = get_object_or_404(targets, pk=pk)
        selectors.targets_with_precision([target])
        return Response(serializers.TargetSerializer(target).data)


class TargetStatusViewSet(ReadViewSet):
    """Each target's status in each edition, from the current analysis."""

    query = q.TargetStatusQuery
    serializer_class = serializers.TargetStatusSerializer

    @extend_schema(parameters=[q.TargetStatusQuery])
    def list(self, request: Request) -> Response:
        statuses = selectors.target_statuses_for_reader(user=request.user, filters=self.filters())
        return self.page(statuses, serializers.TargetStatusSerializer)


class ProgressViewSet(ReadViewSet):
    """Quarterly progress reports: a department head reads only their own unit's."""

    query = q.ProgressQuery
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = serializers.ProgressSerializer
    queryset = QuarterlyReport.objects.none()  # the schema's path type

    @extend_schema(parameters=[q.ProgressQuery])
    def list(self, request: Request) -> Response:
        reports = selectors.progress_for_reader(user=request.user, filters=self.filters())
        return self.page(
            reports, serializers.ProgressSerializer, shape=selectors.progress_with_state
        )

    @extend_schema(responses=serializers.ProgressDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        report = get_object_or_404(QuarterlyReport, pk=pk)
        if not has_perm(request.user, "reports.view_report", report):
            raise PermissionDenied
        readable = selectors.progress_for_reader(user=request.user, filters=selectors.Filters())
        report = selectors.progress_detail(report=readable.get(pk=report.pk))
        return Response(serializers.ProgressDetailSerializer(report).data)

    @extend_schema(parameters=[q.WindowQuery], responses=serializers.CompletenessSerializer)
    @action(detail=False, url_path="completeness")
    def completeness(self, request: Request) -> Response:
        """Every unit that leads a task, with its report's state for one quarter and whether
        it is late (the roles that read every unit's progress)."""
        try:
            found = selectors.completeness_for_reader(
                user=request.user, filters=q.filters_from(request, q.WindowQuery)
            )
        except PermissionError as error:
            raise PermissionDenied from error
        if found is None:
            raise NotFound
        return Response(serializers.CompletenessSerializer(found).data)


ENDPOINTS = [
    "unit",
    "succession",
    "index",
    "edition",
    "component",
    "score",
    "result",
    "target",
    "target-status",
    "progress",
]


class RootView(CallLogMixin, APIView):
    """Where to start: the documentation, the schema and every list endpoint."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        links = {
            "docs": reverse("api:docs", request=request),
            "schema": reverse("api:schema", request=request),
        }
        for name in ENDPOINTS:
            links[name.replace("-", "_")] = reverse(f"api:{name}-list", request=request)
        return Response(links)


class SchemaView(CallLogMixin, SpectacularAPIView):
    pass


class DocsView(CallLogMixin, SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package's files on our own origin; its start script is a
    file of its own (the split view), so the portal's CSP (`script-src 'self'`) holds."""

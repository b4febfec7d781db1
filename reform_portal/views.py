"""Infrastructure endpoints that belong to no domain app."""

import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache

from reform_portal.celery import app


def _check(probe: Callable[[], dict[str, object]]) -> dict[str, object]:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **(detail or {})}


def _database() -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _cache() -> dict[str, object]:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value it stored")
    return {"backend": str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]}


def _broker() -> dict[str, object]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager"}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"mode": "worker"}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


class PortalLoginView(auth_views.LoginView):
    """Sign-in. Without a page to return to, each role lands where its work is: a department
    head on their quarterly reports (a returned report is at the top), everyone else on the
    overview."""

    def get_default_redirect_url(self) -> str:
        membership = getattr(self.request.user, "membership", None)
        if membership is not None and membership.role == "department_head":
            return reverse("reports:home")
        return super().get_default_redirect_url()


# Errors that mean the database cannot be reached (a restart, a network cut, a crashed server):
# the request is answered 503 with a page saying so, not a bare 500. psycopg reports a dropped
# connection as OperationalError or InterfaceError.
DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Rendered without the request's context: context processors, the session and
    the signed-in user all read the database, which may be the very thing that failed."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string("500.html"))

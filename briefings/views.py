"""Generated reports: the form (reached from the index, internal league and progress pages), the
reader's list ("Báo cáo của tôi"), a report's page with its progress, a small status endpoint
the page polls, and the download. A report is only ever its requester's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from audit.services import AuditKind, audit_record
from briefings import selectors, services
from briefings.forms import BriefingForm
from briefings.models import GeneratedReport
from briefings.tasks import briefing_dispatch
from reform_portal.permissions import require_perm

Kind = GeneratedReport.Kind


def _scope(request: HttpRequest, data: Any) -> tuple[str, dict[str, Any], str]:
    """The kind asked for, its parameters and title, checked as the source page checks."""
    kind = data.get("loai") or Kind.INDEX
    if kind == Kind.INTERNAL:
        return kind, *selectors.internal_scope(user=request.user, year=data.get("nam"))
    if kind == Kind.PROGRESS:
        return kind, *selectors.progress_scope(user=request.user, window_pk=data.get("ky"))
    if kind != Kind.INDEX:
        raise Http404
    return kind, *selectors.index_scope(
        user=request.user, code=data.get("chi_so") or "", year=data.get("nam") or None
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """The form, opened from a page's "Bản tin" link (GET); POST asks for the report and goes
    to its page (its file is there at once when small, or when the worker is done)."""
    require_perm(request, "indices.view_dashboards")
    data = request.POST if request.method == "POST" else request.GET
    if request.method != "POST" and "loai" not in data:
        # No page named what to report on: offer what this reader may ask for.
        choices = selectors.choices_for(user=request.user)
        return render(request, "briefings/choose.html", choices)
    kind, parameters, title = _scope(request, data)
    form = BriefingForm(
        request.POST if request.method == "POST" else None,
        initial={**data.dict(), "loai": kind, "dinh_dang": GeneratedReport.Format.PDF},
    )
    if form.is_bound and form.is_valid():
        report = services.report_request(
            user=request.user,
            kind=kind,
            fmt=form.cleaned_data["dinh_dang"],
            parameters=parameters,
            title=title,
            language=get_language() or "vi",
            dispatch=briefing_dispatch,
        )
        return redirect("briefings:detail", pk=report.pk)
    context = {
        "form": form,
        "title": title,
        "kind": kind,
        "background": {
            fmt: services.runs_in_background(kind=kind, fmt=fmt)
            for fmt in GeneratedReport.Format.values
        },
        "keep_days": services.keep_days(),
    }
    return render(request, "briefings/create.html", context)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    # Expired files go when the list is read, as well as in the nightly beat purge.
    services.reports_purge()
    return render(
        request,
        "briefings/list.html",
        {"reports": selectors.reports_of(user=request.user), "keep_days": services.keep_days()},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_of(user=request.user, pk=pk)
    return render(request, "briefings/detail.html", {"report": report})


@login_required
@require_GET
def status(request: HttpRequest, pk: int) -> JsonResponse:
    report = selectors.report_of(user=request.user, pk=pk)
    done = report.status == GeneratedReport.Status.DONE
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "error": report.error,
            "download": reverse("briefings:download", args=[report.pk]) if done else "",
        }
    )


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    report = selectors.report_of(user=request.user, pk=pk)
    if report.status != GeneratedReport.Status.DONE or not report.file:
        return render(request, "briefings/detail.html", {"report": report}, status=409)
    audit_record(kind=AuditKind.EXPORT, obj=report, description=report.filename)
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename or "bao-cao"
    )

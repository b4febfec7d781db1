from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reform_portal.permissions import has_perm, require_perm
from reports import selectors, services
from reports.forms import (
    EvidenceForm,
    IndicatorValueField,
    ProgressForm,
    ReopenDecisionForm,
    ReopenRequestForm,
    ReviewForm,
)
from reports.models import (
    Evidence,
    Plan,
    QuarterlyReport,
    ReopenRequest,
    ReportingWindow,
    TaskProgress,
)
from reports.plan_import import plan_import, plan_template_xlsx
from units.models import Unit


def _window(request: HttpRequest) -> ReportingWindow | None:
    key = request.GET.get("quy", "")
    if key:
        year, _sep, quarter = key.partition("-")
        if not (year.isascii() and year.isdecimal() and quarter.isascii() and quarter.isdecimal()):
            raise Http404  # "?quy=abc", "?quy=-": no such quarter, never a 500
        window = ReportingWindow.objects.filter(year=int(year), quarter=int(quarter)).first()
        if window is None:
            raise Http404
        return window
    return selectors.current_window()


@login_required
def progress_home(request: HttpRequest) -> HttpResponse:
    require_perm(request, "reports.view_progress_area")
    window = _window(request)
    membership = getattr(request.user, "membership", None)
    context: dict[str, Any] = {"window": window, "windows": selectors.windows()}
    if membership and membership.role == "department_head":
        context["own"] = selectors.head_home(unit=membership.unit)
        context["own_unit"] = membership.unit
        context["earlier"] = selectors.predecessor_reports(unit=membership.unit)
    if has_perm(request.user, "reports.decide_reopen"):
        context["reopen_requests"] = selectors.reopen_requests_pending()
    if has_perm(request.user, "reports.import_plan"):
        context["plans"] = Plan.objects.all()
    if has_perm(request.user, "reports.view_overview") and window:
        context["completeness"] = selectors.completeness(window=window)
        context["tasks"] = selectors.task_progress_table(window=window)
        context["coverage"] = selectors.component_coverage(window=window)
    return render(request, "reports/progress_home.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, window_pk: int) -> HttpResponse:
    membership = getattr(request.user, "membership", None)
    if not membership or membership.role != "department_head":
        raise PermissionDenied
    window = get_object_or_404(ReportingWindow, pk=window_pk)
    try:
        report = services.report_open(unit=membership.unit, window=window)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:home")
    return redirect("reports:report", pk=report.pk)


def _typed(raw: Any) -> str:
    """A stored value as a person would type it (9,5 not 9.5000); typed text as it was."""
    if raw is None:
        return ""
    if isinstance(raw, Decimal):
        text = f"{raw.normalize():f}"
        return text.replace(".", ",") if get_language() == "vi" else text
    return str(raw)


def _forms(
    report: QuarterlyReport, detail: dict[str, Any], data: Any = None
) -> list[dict[str, Any]]:
    rows = []
    for progress in detail["progress"]:
        form = ProgressForm(
            data,
            prefix=f"p{progress.pk}",
            initial={
                "status": progress.status,
                "percent_complete": progress.percent_complete,
                "done": progress.done,
                "difficulties": progress.difficulties,
                "proposals": progress.proposals,
                "explanation": progress.explanation,
            },
        )
        indicators = []
        for indicator in progress.task.indicators.all():
            field = IndicatorValueField(required=False, label=indicator.name)
            name = f"i{indicator.pk}"
            raw = data.get(name) if data is not None else detail["values"].get(indicator.pk)
            error = None
            value = detail["values"].get(indicator.pk)
            if data is not None:
                try:
                    value = field.clean(raw)
                except ValidationError as exc:
                    error = exc.messages[0]
            target = next(
                (t.value for t in indicator.targets.all() if t.quarter == report.window.quarter),
                None,
            )
            indicators.append(
                {
                    "indicator": indicator,
                    "name": name,
                    "raw": _typed(raw),
                    "value": value,
                    "error": error,
                    "target": target,
                }
            )
        rows.append(
            {
                "progress": progress,
                "form": form,
                "indicators": indicators,
                "aims": detail["aims"].get(progress.task_id, []),
            }
        )
    return rows


def _rows_valid(rows: list[dict[str, Any]]) -> bool:
    return all(row["form"].is_valid() for row in rows) and not any(
        i["error"] for row in rows for i in row["indicators"]
    )


def _uploads(request: HttpRequest, rows: list[dict[str, Any]]) -> dict[int, list[Any]]:
    """The evidence files chosen inside each task's block of the report's form."""
    return {
        row["progress"].pk: files
        for row in rows
        if (files := request.FILES.getlist(f"evidence-{row['progress'].pk}"))
    }


def _report_save(
    request: HttpRequest, report: QuarterlyReport, rows: list[dict[str, Any]], *, submit: bool
) -> bool:
    """Save the validated rows (and submit the report): False, with the reasons as messages,
    when the service refuses."""
    entries = [{"id": row["progress"].pk, **row["form"].cleaned_data} for row in rows]
    values = {i["indicator"].pk: i["value"] for row in rows for i in row["indicators"]}
    try:
        added = services.report_save(
            report=report,
            user=request.user,
            entries=entries,
            values=values,
            uploads=_uploads(request, rows),
        )
        if added:
            messages.success(
                request,
                _("Đã lưu minh chứng: %(names)s.")
                % {"names": ", ".join(e.original_name for e in added)},
            )
        if submit:
            services.report_submit(report=report, user=request.user)
            messages.success(request, _("Đã gửi báo cáo để thẩm định."))
        else:
            messages.success(request, _("Đã lưu bản nháp."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True


def _report_review(request: HttpRequest, report: QuarterlyReport, *, approve: bool) -> None:
    """Approve or return the report; the reasons as messages when the service refuses."""
    review = ReviewForm(request.POST)
    review.is_valid()
    try:
        if approve:
            services.report_approve(report=report, user=request.user)
            messages.success(request, _("Đã duyệt báo cáo."))
        else:
            services.report_return(
                report=report, user=request.user, comment=review.cleaned_data.get("comment", "")
            )
            messages.success(request, _("Đã trả lại báo cáo kèm ý kiến."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)


@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        QuarterlyReport.objects.select_related("unit", "window", "reviewed_by", "submitted_by"),
        pk=pk,
    )
    require_perm(request, "reports.view_report", report)
    can_edit = has_perm(request.user, "reports.edit_report", report) and services.report_is_open(
        report
    )
    can_review = has_perm(request.user, "reports.review_report", report)
    detail = selectors.report_detail(report=report)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("save", "submit"):
        if not can_edit:
            raise PermissionDenied
        rows = _forms(report, detail, request.POST)
        if _rows_valid(rows):
            if _report_save(request, report, rows, submit=action == "submit"):
                return redirect("reports:report", pk=report.pk)
            # The text was saved even if a file was refused or the submission was: reload it.
            report.refresh_from_db()
            detail = selectors.report_detail(report=report)
            rows = _forms(report, detail, request.POST)
        else:
            # Nothing of this post was written: say so at the top, not only beside the field.
            messages.error(
                request,
                _(
                    "Chưa lưu: báo cáo còn ô có lỗi (đánh dấu bên dưới). Nội dung bạn nhập vẫn "
                    "còn trên trang; sửa lỗi rồi bấm lưu lại."
                ),
            )
            if request.FILES:
                messages.error(
                    request,
                    _("Tệp đã chọn chưa được lưu vì báo cáo còn lỗi: sửa lỗi rồi chọn lại tệp."),
                )
    elif action in ("approve", "return"):
        if not can_review:
            raise PermissionDenied
        _report_review(request, report, approve=action == "approve")
        return redirect("reports:report", pk=report.pk)
    elif action == "reopen":
        require_perm(request, "reports.reopen_report", report)
        services.report_reopen(report=report, user=request.user)
        messages.success(request, _("Đã mở lại báo cáo trong 7 ngày."))
        return redirect("reports:report", pk=report.pk)
    else:
        rows = _forms(report, detail)
    history = report.history.select_related("history_user").order_by("-history_date")[:20]
    reopen_requests = list(report.reopen_requests.select_related("requested_by", "decided_by"))
    pending = next((r for r in reopen_requests if r.status == ReopenRequest.Status.PENDING), None)
    lock_reason = services.report_lock_reason(report)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "rows": rows,
            "can_edit": can_edit,
            "can_review": can_review,
            "can_reopen": has_perm(request.user, "reports.reopen_report", report),
            "problems": services.report_problems(report) if can_edit else [],
            "history": history,
            "review_form": ReviewForm(),
            "is_open": not lock_reason,
            "lock_reason": lock_reason,
            "reopen_requests": reopen_requests,
            "pending_request": pending,
            "can_request_reopen": bool(lock_reason)
            and pending is None
            and has_perm(request.user, "reports.request_reopen", report),
            "can_decide_reopen": has_perm(request.user, "reports.decide_reopen", report),
            "reopen_form": ReopenRequestForm(),
            "decision_form": ReopenDecisionForm(),
        },
    )


@login_required
@require_POST
def reopen_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's head asks for its locked report to be reopened, with a reason."""
    report = get_object_or_404(QuarterlyReport.objects.select_related("window"), pk=pk)
    require_perm(request, "reports.request_reopen", report)
    form = ReopenRequestForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_request_create(
                report=report, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Đã gửi đề nghị mở lại báo cáo đến người thẩm định."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Hãy ghi lý do cần mở lại báo cáo."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def reopen_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer grants or refuses a request to reopen a report."""
    reopen = get_object_or_404(ReopenRequest.objects.select_related("report"), pk=pk)
    require_perm(request, "reports.decide_reopen", reopen.report)
    form = ReopenDecisionForm(request.POST)
    decision = request.POST.get("decision")
    grant = decision == "grant"
    if decision not in ("grant", "refuse"):
        messages.error(request, _("Hãy chọn đồng ý hoặc không đồng ý."))
    elif form.is_valid():
        try:
            services.reopen_request_decide(
                request=reopen, user=request.user, grant=grant, note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                _("Đã đồng ý mở lại báo cáo.") if grant else _("Đã từ chối đề nghị mở lại."),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for error_text in (text for errors in form.errors.values() for text in errors):
            messages.error(request, str(error_text))
    return redirect("reports:report", pk=reopen.report_id)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, progress_pk: int) -> HttpResponse:
    progress = get_object_or_404(
        TaskProgress.objects.select_related("report__window"), pk=progress_pk
    )
    require_perm(request, "reports.edit_report", progress.report)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                progress=progress, upload=form.cleaned_data["file"], user=request.user
            )
            messages.success(request, _("Đã thêm minh chứng."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Hãy chọn một tệp."))
    return redirect("reports:report", pk=progress.report_id)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("progress__report"), pk=pk)
    require_perm(request, "reports.view_report", evidence.progress.report)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
def unit_progress(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit, code=code)
    require_perm(request, "reports.view_unit_progress", unit)
    series = selectors.indicator_series(unit=unit)
    figures = []
    for number, item in enumerate(series):
        figures.append(
            {
                "id": f"indicator-{number}",
                "data_id": f"indicator-{number}-data",
                "item": item,
                "figure": {
                    "data": [
                        {
                            "type": "bar",
                            "name": _("Thực hiện"),
                            "x": item["labels"],
                            "y": item["values"],
                            "marker": {"color": "#0b4f8a"},
                        },
                        {
                            "type": "scatter",
                            "mode": "lines+markers",
                            "name": _("Mục tiêu quý"),
                            "x": item["labels"],
                            "y": item["targets"],
                            "line": {"color": "#e07b00", "dash": "dash"},
                        },
                    ],
                    "layout": {
                        "separators": ",." if request.LANGUAGE_CODE == "vi" else ".,",
                        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
                        "height": 280,
                        "yaxis": {"title": {"text": item["indicator"].unit_of_measure}},
                        "legend": {"orientation": "h"},
                    },
                },
            }
        )
    return render(
        request,
        "reports/unit_progress.html",
        {
            "unit": unit,
            "reports": selectors.reports_for_unit(unit=unit),
            "figures": figures,
        },
    )


@login_required
def plan_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Admins and reviewers check a plan workbook (preview) and commit it when error-free."""
    require_perm(request, "reports.import_plan")
    plan = get_object_or_404(Plan, pk=pk)
    if request.GET.get("mau"):
        response = HttpResponse(
            plan_template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="mau-ke-hoach.xlsx"'
        return response
    result = None
    upload = request.FILES.get("file") if request.method == "POST" else None
    if upload:
        commit = request.POST.get("commit") == "1"
        result = plan_import(
            plan=plan, data=upload.read(), filename=upload.name or "", commit=commit
        )
        if commit and not result.errors:
            messages.success(
                request,
                _("Đã ghi %(c)s nhiệm vụ mới, cập nhật %(u)s nhiệm vụ.")
                % {"c": result.created, "u": result.updated},
            )
            return redirect("reports:plan_import", pk=plan.pk)
    return render(
        request,
        "reports/plan_import.html",
        {
            "plan": plan,
            "result": result,
            "tasks": plan.tasks.select_related("responsible"),
        },
    )

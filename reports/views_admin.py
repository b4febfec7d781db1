"""The management pages for reporting windows and plans (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reform_portal.permissions import require_perm
from reports import services_manage
from reports.forms_admin import PlanForm, WindowForm
from reports.models import Plan, ReportingWindow
from reports.selectors_manage import plans_list, windows_list
from units import rules_manage  # noqa: F401 - registers the permission checked here
from units.selectors import home_unit

PERM = "units.manage_portal"


@login_required
def window_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    return render(request, "manage/window_list.html", {"rows": windows_list()})


def _current_quarter() -> dict[str, object]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return {"year": today.year, "quarter": quarter}


@login_required
def window_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request, PERM)
    window = get_object_or_404(ReportingWindow, pk=pk) if pk else None
    locked = bool(window and window.reports.exists())
    initial: dict[str, object]
    if window:
        initial = {
            "year": window.year,
            "quarter": window.quarter,
            "opens_on": window.opens_on,
            "deadline": window.deadline,
        }
    else:
        initial = _current_quarter()
    form = WindowForm(request.POST or None, initial=initial, locked=locked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services_manage.window_save(
                window=window,
                year=data["year"],
                quarter=data["quarter"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu kỳ báo cáo %(window)s.") % {"window": saved})
            return redirect("manage:window_list")
    return render(
        request, "manage/window_form.html", {"form": form, "window": window, "locked": locked}
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    return render(request, "manage/plan_list.html", {"plans": plans_list()})


@login_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request, PERM)
    plan = get_object_or_404(Plan.objects.select_related("province"), pk=pk) if pk else None
    initial: dict[str, object]
    if plan:
        initial = {
            "name": plan.name,
            "decision": plan.decision,
            "year_start": plan.year_start,
            "year_end": plan.year_end,
        }
    else:
        year = timezone.localdate().year
        initial = {"year_start": year, "year_end": year + 4}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services_manage.plan_save(
                plan=plan,
                name=data["name"],
                decision=data["decision"],
                year_start=data["year_start"],
                year_end=data["year_end"],
                province=home_unit(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu kế hoạch “%(name)s”.") % {"name": saved.name})
            if plan is None:  # a new plan's next step is its tasks
                return redirect("reports:plan_import", pk=saved.pk)
            return redirect("manage:plan_list")
    return render(request, "manage/plan_form.html", {"form": form, "plan": plan})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reform_portal.permissions import require_perm

from . import selectors, services
from .forms import UnitContactForm, UnitFilterForm, UnitsOnDateForm
from .models import Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "units.view_directory")
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = selectors.units_directory(
        kind=filters.get("kind") or None,
        query=filters.get("q") or "",
        on_date=filters.get("on"),
        parent=filters.get("cha") or "",
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {"form": form, "page": page})


@login_required
def units_on_date(request: HttpRequest) -> HttpResponse:
    """The units valid on a date (`?ngay=`, today by default), of one level (`?cap=`) or all.
    A parameter that does not read falls back (today, every level) with a message: a link
    typed by hand never ends in an error page."""
    require_perm(request, "units.view_directory")
    today = timezone.localdate()
    form = UnitsOnDateForm(request.GET)
    form.is_valid()
    on_date = form.cleaned_data.get("ngay") or today
    level = form.cleaned_data.get("cap") or None
    if "ngay" in form.errors:
        messages.warning(
            request,
            _("Ngày “%(value)s” không hợp lệ; danh mục hiển thị ngày hôm nay, %(today)s.")
            % {"value": request.GET.get("ngay", "")[:40], "today": f"{today:%d/%m/%Y}"},
        )
    if "cap" in form.errors:
        messages.warning(
            request,
            _("Cấp “%(value)s” không có; danh mục hiển thị tất cả các cấp.")
            % {"value": request.GET.get("cap", "")[:40]},
        )
    context = {
        "form": UnitsOnDateForm(initial={"ngay": on_date, "cap": level or ""}),
        "directory": selectors.units_on_date(on_date=on_date, level=level),
        "milestones": selectors.directory_milestones(),
    }
    return render(request, "units/units_on_date.html", context)


@login_required
def unit_contact_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit, code=code)
    require_perm(request, "units.change_unit_contact", unit)
    form = UnitContactForm(
        request.POST or None,
        initial={"contact_email": unit.contact_email, "contact_phone": unit.contact_phone},
    )
    if request.method == "POST" and form.is_valid():
        services.unit_contact_update(unit=unit, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin liên hệ."))
        return redirect("dashboards:unit", code=unit.code)
    return render(request, "units/unit_contact_form.html", {"unit": unit, "form": form})

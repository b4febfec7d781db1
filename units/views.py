from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reform_portal.permissions import require_perm

from . import selectors, services
from .forms import UnitContactForm, UnitFilterForm
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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import UnitContactForm, UnitFilterForm
from .models import Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("units.view_directory"):
        raise PermissionDenied
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
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.has_perm("units.view_directory"):
        raise PermissionDenied
    unit = get_object_or_404(Unit.objects.select_related("region", "parent"), code=code)
    if not request.user.has_perm("units.view_unit", unit):
        raise PermissionDenied
    history = selectors.unit_history(unit=unit)
    # The unit page shows its scores and profile too; indices depends on units, so import here.
    from indices.selectors import unit_scores_by_index, unit_targets
    from indices.views_dashboard import profile_context

    score_series = unit_scores_by_index(unit=unit)
    ranks_published = {s.index.code: s.index.publishes_ranks for s in score_series}
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "history": history,
            "score_series": score_series,
            "targets": unit_targets(unit=unit),
            **profile_context(unit=unit, ranks_published=ranks_published),
            "can_edit_contact": request.user.has_perm("units.change_unit_contact", unit),
        },
    )


@login_required
def unit_contact_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit, code=code)
    if not request.user.has_perm("units.change_unit_contact", unit):
        raise PermissionDenied
    form = UnitContactForm(
        request.POST or None,
        initial={"contact_email": unit.contact_email, "contact_phone": unit.contact_phone},
    )
    if request.method == "POST" and form.is_valid():
        services.unit_contact_update(unit=unit, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin liên hệ."))
        return redirect("units:detail", code=unit.code)
    return render(request, "units/unit_contact_form.html", {"unit": unit, "form": form})

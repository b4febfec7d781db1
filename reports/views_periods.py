"""The management page that opens a new planning period ("Mở giai đoạn mới")."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from indices.models import Period
from indices.selectors_periods import unit_on
from indices.services.periods import period_start_next, rollover_pending
from reform_portal.permissions import require_perm
from reports.forms_periods import PeriodStartForm
from units import rules_manage  # noqa: F401 - registers the permission checked here
from units.selectors import home_unit

PERM = "units.manage_portal"


def _previous_chosen(request: HttpRequest) -> Period | None:
    """The period the page decides for: the one posted or asked for, else the home province's
    (or its predecessors') latest period not yet followed by another."""
    chosen = request.POST.get("previous") or request.GET.get("from")
    open_periods = Period.objects.filter(next_periods__isnull=True).select_related("unit")
    if chosen and str(chosen).isdigit():
        found = open_periods.filter(pk=int(chosen)).first()
        if found is not None:
            return found
    home = home_unit()
    if home is not None:
        mine = open_periods.filter(unit=home, started_at__isnull=True).order_by("-start_year")
        ended = [p for p in mine if p.end_year < timezone.localdate().year]
        if ended:
            return ended[0]
        older = open_periods.filter(unit__successions__successor=home).order_by("-start_year")
        if older.exists():
            return older.first()
    return open_periods.order_by("-end_year").first()


@login_required
def period_start(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    previous = _previous_chosen(request)
    initial: dict[str, object] = {}
    items = []
    if previous is not None:
        start = previous.end_year + 1
        successor = unit_on(previous.unit, dt.date(start, 1, 1)) or previous.unit
        initial = {
            "previous": previous,
            "unit": successor,
            "start_year": start,
            "end_year": start + previous.end_year - previous.start_year,
        }
        unit_id = request.POST.get("unit")
        unit = successor
        if unit_id and unit_id.isdigit() and int(unit_id) != successor.pk:
            unit = type(successor).objects.filter(pk=int(unit_id)).first() or successor
        posted_start = request.POST.get("start_year", "")
        if posted_start.isdigit():
            start = int(posted_start)
        items = rollover_pending(previous=previous, unit=unit, start_year=start)
    form = PeriodStartForm(request.POST or None, initial=initial, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = period_start_next(
                previous=data["previous"],
                unit=data["unit"],
                start_year=data["start_year"],
                end_year=data["end_year"],
                decisions=form.decisions(),
                note=data["note"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã mở giai đoạn %(years)s của %(unit)s.")
                % {"years": str(period), "unit": period.unit.name},
            )
            return redirect("manage:hub")
    return render(
        request,
        "manage/period_start.html",
        {"form": form, "previous": previous, "rows": form.rows()},
    )

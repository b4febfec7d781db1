from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from units.selectors import home_unit, unit_history


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("indices.view_dashboards"):
        raise PermissionDenied
    unit = home_unit()
    history = unit_history(unit=unit) if unit else None
    return render(request, "indices/home.html", {"unit": unit, "history": history})

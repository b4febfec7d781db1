"""The audit log page (admins only): filter by kind and account, 50 events a page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reform_portal.permissions import require_perm

from .forms import EventFilterForm
from .selectors import events_list

PAGE_SIZE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "audit.view_events")
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = events_list(kind=filters.get("kind", ""), username=filters.get("user", ""))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "audit/event_list.html", {"page": page, "form": form, "nav_section": "audit"}
    )

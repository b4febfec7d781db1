"""The management pages for people and name variants, and the management hub (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reform_portal.permissions import require_perm

from . import rules_manage, services  # noqa: F401 - rules_manage registers PERM
from .forms_admin import (
    AliasForm,
    AliasSearchForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from .models import Membership, UnitAlias
from .selectors_manage import aliases_search, users_list

PERM = "units.manage_portal"
PAGE_SIZE = 50


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    return render(request, "manage/hub.html")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    search = UserSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = Paginator(users_list(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "manage/user_list.html", {"page": page, "search": search})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                unit=data["unit"],
                password=data["password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user.username})
            return redirect("manage:user_list")
    return render(request, "manage/user_form.html", {"form": form, "account": None})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, PERM)
    account = get_object_or_404(users_list(), pk=pk)
    membership: Membership | None = getattr(account, "membership", None)
    initial = {
        "full_name": account.get_full_name(),
        "email": account.email,
        "role": membership.role if membership else "",
        "unit": membership.unit if membership else None,
    }
    form = UserEditForm(
        request.POST or None,
        initial=initial,
        current_unit=membership.unit if membership else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                user=account,
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                unit=data["unit"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": account.username})
            return redirect("manage:user_list")
    return render(request, "manage/user_form.html", {"form": form, "account": account})


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    require_perm(request, PERM)
    account = get_object_or_404(get_user_model(), pk=pk)
    try:
        services.user_set_active(user=account, active=active, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = _("Đã mở lại tài khoản %(name)s.") if active else _("Đã ngừng tài khoản %(name)s.")
        messages.success(request, done % {"name": account.username})
    return redirect("manage:user_edit", pk=account.pk)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def user_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


@login_required
def alias_list(request: HttpRequest) -> HttpResponse:
    """Name variants with a search, and the form that adds one (posted to `alias_create`)."""
    require_perm(request, PERM)
    search = AliasSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = Paginator(aliases_search(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "manage/alias_list.html",
        {"page": page, "search": search, "form": AliasForm(), "query": query},
    )


@login_required
def alias_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alias = services.alias_create(
                unit=data["unit"], name=data["name"], source=data["source"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã thêm cách viết “%(name)s” cho %(unit)s.")
                % {"name": alias.name, "unit": alias.unit.name},
            )
            return redirect("manage:alias_list")
    return render(request, "manage/alias_form.html", {"form": form})


@login_required
@require_POST
def alias_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, PERM)
    alias = get_object_or_404(UnitAlias.objects.select_related("unit"), pk=pk)
    services.alias_delete(alias=alias)
    messages.success(
        request,
        _("Đã xóa cách viết “%(name)s” của %(unit)s.")
        % {"name": alias.name, "unit": alias.unit.name},
    )
    return redirect("manage:alias_list")

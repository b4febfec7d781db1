"""The officials' dashboards. Each view checks the reader's permission, resolves what was asked
for, and renders one selector's page data (or its download); the selectors shape everything."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from audit.services import AuditKind, audit_record
from dashboards import selectors as dash
from dashboards.downloads import table_response, workbook_response
from dashboards.opendata import opendata_filename, opendata_summary, opendata_zip
from dashboards.selectors import page_exports
from dashboards.visibility import unit_page_for_reader
from indices.figures import all_basis_marks
from indices.models import Index
from indices.visibility import edition_for_reader
from reform_portal.permissions import has_perm, require_perm
from units.models import Region, Unit
from units.selectors import home_unit

DOWNLOADS = ("csv", "xlsx")


def _download(table: dash.Table, fmt: str) -> HttpResponse:
    return table_response(columns=table.columns, rows=table.rows, filename=table.filename, fmt=fmt)


def _region_code(request: HttpRequest) -> str:
    """The region a league is filtered by (`?vung=`): empty for the whole country; a code that
    names no region is a page that does not exist."""
    code = request.GET.get("vung", "")
    if code and not Region.objects.filter(code=code).exists():
        raise Http404
    return code


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    unit = home_unit()
    if unit is None:
        return render(request, "dashboards/home.html", {"unit": None})
    return render(request, "dashboards/home.html", dash.home_page(unit=unit))


@login_required
def index_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(Index, code=code)
    require_perm(request, "dashboards.view_index", index)
    unit = home_unit()
    try:
        edition = edition_for_reader(
            user=request.user, index=index, year=request.GET.get("nam"), unit=unit
        )
    except Http404:
        if request.GET.get("nam"):
            raise
        # Not an error: the index is in the catalogue but nothing of it is published yet.
        return render(request, "dashboards/index_empty.html", {"index": index})
    if edition.level != "province" or unit is None:
        return redirect(f"{reverse('dashboards:internal')}?chi_so={index.code}&nam={edition.year}")
    region = _region_code(request)
    fmt = request.GET.get("tai", "")
    if fmt in DOWNLOADS:
        table = dash.league_table(index=index, edition=edition, unit=unit, region_code=region)
        return _download(table, fmt)
    page = dash.index_page(index=index, edition=edition, unit=unit, region_code=region)
    return render(request, "dashboards/index_dashboard.html", page)


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request, "units.view_directory")
    unit = get_object_or_404(Unit.objects.select_related("region", "parent"), code=code)
    require_perm(request, "units.view_unit", unit)
    page = unit_page_for_reader(dash.unit_page(unit=unit), user=request.user)
    page["can_edit_contact"] = has_perm(request.user, "units.change_unit_contact", unit)
    return render(request, "dashboards/unit.html", page)


@login_required
def basis_legend(request: HttpRequest) -> HttpResponse:
    """The one page that explains the basis marks, rounding and ranks."""
    require_perm(request, "indices.view_dashboards")
    return render(request, "dashboards/basis_legend.html", {"marks": all_basis_marks()})


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(
        Index, code=request.GET.get("chi_so", "PCI"), kind=Index.Kind.NATIONAL
    )
    units = dash.compared_units(codes=request.GET.getlist("don_vi"))
    edition = dash.pick_edition(index, request.GET.get("nam"), units=units)
    fmt = request.GET.get("tai", "")
    if fmt in DOWNLOADS:
        return _download(dash.compare_table(index=index, edition=edition, units=units), fmt)
    by_rank = request.GET.get("theo") != "diem"
    page = dash.compare_page(index=index, edition=edition, units=units, by_rank=by_rank)
    return render(request, "dashboards/compare.html", page)


@login_required
def internal(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_internal")
    index = get_object_or_404(dash.internal_indices(), code=request.GET.get("chi_so", "PAR_DEPT"))
    edition = edition_for_reader(user=request.user, index=index, year=request.GET.get("nam"))
    fmt = request.GET.get("tai", "")
    if fmt in DOWNLOADS:
        return _download(dash.internal_table(index=index, edition=edition), fmt)
    page = dash.internal_page(index=index, edition=edition)
    return render(request, "dashboards/internal.html", page)


@login_required
def tile_map(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(
        Index, code=request.GET.get("chi_so", "PCI"), kind=Index.Kind.NATIONAL
    )
    edition = dash.pick_edition(index, request.GET.get("nam"))
    by = "rank" if request.GET.get("theo") == "hang" else "score"
    return render(
        request, "dashboards/map.html", dash.map_page(index=index, edition=edition, by=by)
    )


# Whole-page workbooks and open data ---------------------------------------------------------------


def _page_workbook(book: page_exports.PageWorkbook) -> HttpResponse:
    return workbook_response(title=book.title, sheets=book.sheets, filename=book.filename)


@login_required
def home_workbook(request: HttpRequest) -> HttpResponse:
    """Every table of the home page in one workbook, for whoever may open the page."""
    require_perm(request, "indices.view_dashboards")
    unit = home_unit()
    if unit is None:
        raise Http404
    return _page_workbook(page_exports.home_workbook(unit=unit))


@login_required
def index_workbook(request: HttpRequest, code: str) -> HttpResponse:
    """Every table of an index page (the edition and region asked for) in one workbook, with the
    page's own checks; an edition the page would not show as a province page is not found."""
    require_perm(request, "indices.view_dashboards")
    index = get_object_or_404(Index, code=code)
    require_perm(request, "dashboards.view_index", index)
    unit = home_unit()
    edition = edition_for_reader(
        user=request.user, index=index, year=request.GET.get("nam"), unit=unit
    )
    if edition.level != "province" or unit is None:
        raise Http404
    book = page_exports.index_workbook(
        index=index, edition=edition, unit=unit, region_code=_region_code(request)
    )
    return _page_workbook(book)


@login_required
def unit_workbook(request: HttpRequest, code: str) -> HttpResponse:
    """Every table of a unit's page in one workbook, cut for the reader as the page is."""
    require_perm(request, "units.view_directory")
    unit = get_object_or_404(Unit.objects.select_related("region", "parent"), code=code)
    require_perm(request, "units.view_unit", unit)
    page = unit_page_for_reader(dash.unit_page(unit=unit), user=request.user)
    return _page_workbook(page_exports.unit_workbook(unit=unit, page=page))


@login_required
def opendata(request: HttpRequest) -> HttpResponse:
    """What the open-data package holds, and its download link: for every portal user."""
    require_perm(request, "indices.view_dashboards")
    return render(request, "dashboards/opendata.html", opendata_summary())


@login_required
def opendata_download(request: HttpRequest) -> HttpResponse:
    require_perm(request, "indices.view_dashboards")
    filename = opendata_filename()
    response = HttpResponse(opendata_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit_record(kind=AuditKind.EXPORT, description=filename)
    return response

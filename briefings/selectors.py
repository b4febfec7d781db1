"""Reads for generated reports: what a reader may ask a report of (the same rules as the pages
the data comes from), and the reader's own reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from briefings.models import GeneratedReport
from indices.models import Index, IndexEdition
from indices.visibility import edition_for_reader, editions_visible
from reform_portal.permissions import has_perm
from reports.models import ReportingWindow
from units.selectors import home_unit


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not has_perm(user, perm, obj):
        raise PermissionDenied


def index_scope(*, user: Any, code: str, year: str | None) -> tuple[dict[str, Any], str]:
    """An index briefing's parameters and title, with the index page's checks."""
    _require(user, "indices.view_dashboards")
    index = Index.objects.filter(code=code, kind=Index.Kind.NATIONAL).first()
    if index is None:
        raise Http404
    _require(user, "dashboards.view_index", index)
    edition = edition_for_reader(user=user, index=index, year=year)
    if edition.level != "province" or home_unit() is None:
        raise Http404
    title = _("Bản tin %(name)s %(year)s") % {"name": index.short_name, "year": edition.year}
    return {"index": index.code, "year": edition.year}, title


def internal_editions(*, user: Any, year: int) -> list[IndexEdition]:
    editions = IndexEdition.objects.filter(
        index__kind=Index.Kind.INTERNAL, year=year, status=IndexEdition.Status.PUBLISHED
    )
    return list(
        editions_visible(user=user, editions=editions)
        .select_related("index")
        .order_by("index__order", "index__code")
    )


def internal_scope(*, user: Any, year: str | None) -> tuple[dict[str, Any], str]:
    """The internal league report of a year: the internal editions of that year the reader may
    read (published ones; drafts for admins and reviewers), as on the internal league page."""
    _require(user, "indices.view_internal")
    if not year or not year.isascii() or not year.isdecimal() or len(year) != 4:
        raise Http404
    editions = internal_editions(user=user, year=int(year))
    if not editions:
        raise Http404
    title = _("Xếp hạng nội bộ năm %(year)s") % {"year": year}
    return {"year": int(year), "editions": [e.pk for e in editions]}, title


def progress_scope(*, user: Any, window_pk: str | None) -> tuple[dict[str, Any], str]:
    """A quarter's progress report covers every unit: for those who read every unit's progress
    (admins, officials, reviewers), never a department head."""
    _require(user, "reports.view_overview")
    window = (
        ReportingWindow.objects.filter(pk=int(window_pk)).first()
        if window_pk and window_pk.isascii() and window_pk.isdecimal()
        else None
    )
    if window is None:
        raise Http404
    return {"window": window.pk}, _("Tiến độ %(window)s") % {"window": window}


def reports_of(*, user: Any) -> QuerySet[GeneratedReport]:
    """The reader's reports still within their 30 days, newest first."""
    return GeneratedReport.objects.filter(user=user, expires__gt=timezone.now())


def report_of(*, user: Any, pk: int) -> GeneratedReport:
    """One of the reader's own reports (404 for anyone else's, or an expired one)."""
    report = reports_of(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def choices_for(*, user: Any) -> dict[str, Any]:
    """What the reader may ask a report of, for the page that lists them: each national index
    with its province-level published years, the internal years, and the quarters (for those
    who read every unit's progress)."""
    national = []
    for index in Index.objects.filter(kind=Index.Kind.NATIONAL).order_by("order", "code"):
        years = list(
            index.editions.filter(
                status=IndexEdition.Status.PUBLISHED,
                level="province",
                analysis__run__isnull=False,
            )
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        if years:
            national.append({"index": index, "years": years})
    internal_years: list[int] = []
    if has_perm(user, "indices.view_internal"):
        visible = editions_visible(
            user=user,
            editions=IndexEdition.objects.filter(
                index__kind=Index.Kind.INTERNAL, status=IndexEdition.Status.PUBLISHED
            ),
        )
        internal_years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    windows = (
        list(ReportingWindow.objects.order_by("-year", "-quarter"))
        if has_perm(user, "reports.view_overview")
        else []
    )
    return {"national": national, "internal_years": internal_years, "windows": windows}

"""Which editions' results a reader may see: the rule `indices.view_edition` (indices/rules.py)
applied to one edition, to a queryset, and to the edition a page picks."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from indices.models import Index, IndexEdition


def edition_visible(*, user: Any, edition: IndexEdition) -> bool:
    return bool(rules.has_perm("indices.view_edition", user, edition))


def editions_visible(*, user: Any, editions: QuerySet[IndexEdition]) -> QuerySet[IndexEdition]:
    """The editions of `editions` whose results `user` may read (the rule, as a filter)."""
    if not rules.has_perm("indices.view_dashboards", user):
        return editions.none()
    if rules.has_perm("indices.view_draft_editions", user):
        return editions
    return editions.filter(Q(index__kind=Index.Kind.NATIONAL) | Q(published_internally=True))


def edition_for_reader(
    *, user: Any, index: Index, year: str | None, unit: Any = None
) -> IndexEdition:
    """The published edition of `index` a reader asked for (404 if there is none, 403 if its
    results are a draft the reader may not read), else the latest one they may read, with scores
    if one has them: with scores of `unit` first, if given (an ended province's page opens on
    its last year, not on a later edition that ranks its successor)."""
    editions = index.editions.filter(status=IndexEdition.Status.PUBLISHED)
    if year:
        if not year.isascii() or not year.isdecimal() or len(year) != 4:
            raise Http404  # "?nam=abc", "?nam=%00": no such edition, never a 500
        edition = editions.filter(year=int(year)).first()
        if edition is None:
            raise Http404
        if not edition_visible(user=user, edition=edition):
            raise PermissionDenied
        return edition
    visible = editions_visible(user=user, editions=editions)
    edition = (
        (visible.filter(scores__unit=unit).order_by("-year").first() if unit is not None else None)
        or visible.filter(scores__isnull=False).order_by("-year").first()
        or visible.order_by("-year").first()
    )
    if edition is None:
        if editions.exists():
            raise PermissionDenied  # only drafts
        raise Http404
    return edition

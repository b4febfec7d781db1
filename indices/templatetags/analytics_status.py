"""What the dashboards' header says about the freshness of the results they show."""

from __future__ import annotations

from django import template

from indices.selectors_analytics import AwaitingEdition, editions_awaiting_rebuild

register = template.Library()


@register.simple_tag
def awaiting_rebuild(edition: object = None) -> list[AwaitingEdition]:
    """The editions whose results are older than their data: only the page's edition when it
    shows one, else every such edition."""
    awaiting = editions_awaiting_rebuild()
    pk = getattr(edition, "pk", None)
    if pk is not None:
        return [item for item in awaiting if item.pk == pk]
    return awaiting

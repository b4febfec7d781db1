"""Who may read an edition's results: the one rule for internal results, checked for every page,
download and export that shows them (through `indices.visibility`)."""

from __future__ import annotations

from typing import Any

import rules

from indices.models import Index, IndexEdition
from units.rules import is_admin, is_portal_user, is_reviewer

# Admins import the province's own scoring and reviewers (Sở Nội vụ) check it before the province
# publishes it: they read drafts.
reads_drafts = is_admin | is_reviewer


@rules.predicate
def is_published_results(user: Any, edition: IndexEdition | None) -> bool:
    """A national edition is public; an internal one once the province has published it."""
    if edition is None:
        return False
    return edition.index.kind == Index.Kind.NATIONAL or edition.published_internally


rules.add_perm("indices.view_edition", is_portal_user & (is_published_results | reads_drafts))
rules.add_perm("indices.view_draft_editions", reads_drafts)

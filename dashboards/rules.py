"""Who may open which dashboard, as rules predicates checked through `require_perm`."""

from __future__ import annotations

from typing import Any

import rules

from indices.models import Index
from units.rules import is_portal_user, reads_all


@rules.predicate
def is_national_index(user: Any, index: Index | None) -> bool:
    """National indices are public; an internal one is for those who read everything."""
    return index is not None and index.kind == Index.Kind.NATIONAL


rules.add_perm("dashboards.view_index", is_portal_user & (is_national_index | reads_all))

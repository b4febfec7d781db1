"""Who may open which dashboard, as rules predicates checked through `require_perm`."""

from __future__ import annotations

from typing import Any

import rules

from indices.models import Index
from units.rules import is_portal_user


@rules.predicate
def is_national_index(user: Any, index: Index | None) -> bool:
    return index is not None and index.kind == Index.Kind.NATIONAL


# Every portal user opens an index's dashboard; an internal edition's results are then checked
# edition by edition (`indices.view_edition`), in the view that picks the edition.
rules.add_perm("dashboards.view_index", is_portal_user)

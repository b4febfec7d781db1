"""Who reads the audit log: the portal's administrators."""

import rules

from units.rules import is_admin

rules.add_perm("audit.view_events", is_admin)

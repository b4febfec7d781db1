"""Who may use the portal's management pages (windows, plans, users, aliases): its admins.

Kept beside `rules.py` rather than in it: imported by the management views that check it."""

import rules

from .rules import is_admin

if not rules.perm_exists("units.manage_portal"):
    rules.add_perm("units.manage_portal", is_admin)

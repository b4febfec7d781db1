"""The audit log: who signed in, imported, restored, changed a target, reviewed or reopened a
report, or downloaded a table; when, from which address, and on what."""

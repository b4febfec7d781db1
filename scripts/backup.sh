#!/usr/bin/env bash
# Back up the database (pg_dump custom format, or a SQLite copy) and MEDIA_ROOT into a new
# timestamped folder under BACKUP_DIR (default ./backups). See reform_portal/backups.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PY:-.venv/bin/python}" -m reform_portal.backups backup --dir "${BACKUP_DIR:-backups}" "$@"

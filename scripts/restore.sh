#!/usr/bin/env bash
# Restore a backup folder into DATABASE_URL and MEDIA_ROOT:
#   scripts/restore.sh backups/20261127T203000Z [--yes]
# A database or MEDIA_ROOT that holds data is replaced only with --yes (or CONFIRM=yes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <backup folder> [--yes]   (make restore FROM=<folder> [CONFIRM=yes])" >&2
  exit 2
fi
exec "${PY:-.venv/bin/python}" -m reform_portal.backups restore "$@"

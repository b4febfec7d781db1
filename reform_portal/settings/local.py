"""Embedded default for a developer's machine: SQLite, eager Celery, local-memory cache."""

from .base import *  # noqa: F403
from .base import env

# Off unless asked for (DEBUG=1): a reader never sees Django's debug pages, only the portal's
# own 404 and 403. `make setup` collects the static files, which WhiteNoise serves under hashed
# names with far-future cache headers, compressed.
DEBUG = env.bool("DEBUG", default=False)
# A development-only key: production.py has no default and refuses to start without one.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-reform-portal-not-for-production")
PORTAL_DEMO_ACCOUNTS = True

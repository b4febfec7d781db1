"""Embedded default for a developer's machine: SQLite, eager Celery, local-memory cache."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development-only key: production.py has no default and refuses to start without one.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-reform-portal-not-for-production")
PORTAL_DEMO_ACCOUNTS = True

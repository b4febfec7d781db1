"""The fault scenarios' fixtures (see `support`)."""

from tests.integration.faults.support import (  # noqa: F401
    catalogue,
    portal,
    private_database,
    private_redis,
)

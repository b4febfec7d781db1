import pytest
from django.core.cache import cache


@pytest.fixture
def cold_cache(db) -> None:
    """Pages read their data through the cache: each test starts without it."""
    cache.clear()

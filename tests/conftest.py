import io
import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from indices.models import IndexEdition, Score
from tests import standings
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to be used
# from a thread with a running loop unless told it is safe (live_server tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _demo_selected(items: list[pytest.Item]) -> bool:
    return any(item.get_closest_marker("demo") for item in items)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Reference data (units, index definitions) is loaded once per test database; the demo
    dataset and its analysis only when a selected test is about the demo (marked `demo`), as
    `make setup` does. Tests run inside transactions that roll back to this state."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=io.StringIO())
        if _demo_selected(request.session.items):
            call_command("load_demo_data", stdout=io.StringIO())
            call_command("rebuild_analytics", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Pages cache what they read under the analytics generation, a number each test's rollback
    winds back: a test never reads a page an earlier test cached from other rows."""
    cache.clear()


@pytest.fixture
def reference_units(db) -> None:
    """Transactional tests (browser, worker) flush the database when they end; reload then."""
    if not Unit.objects.filter(code="49").exists():
        call_command("load_units", verbosity=0)


@pytest.fixture
def demo_data(reference_units) -> None:
    if not Score.objects.exists():
        call_command("load_index_definitions", stdout=io.StringIO())
        call_command("load_demo_data", stdout=io.StringIO())
        call_command("rebuild_analytics", stdout=io.StringIO())


@pytest.fixture
def home_province(reference_units) -> Unit:
    return Unit.objects.get(code="49")


def _member(role: str, unit_code: str | None = None, username: str | None = None):
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    user = UserFactory(username=username or f"{role}-{unit_code or 'all'}")
    MembershipFactory(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def admin_user(reference_units):
    return _member(Membership.Role.ADMIN, username="admin-test")


@pytest.fixture
def official(reference_units):
    return _member(Membership.Role.OFFICIAL, username="official-test")


@pytest.fixture
def reviewer(reference_units):
    return _member(Membership.Role.REVIEWER, "49.SNV", username="reviewer-test")


@pytest.fixture
def head_khdt(reference_units):
    # Today's Sở Tài chính (the new Đà Nẵng's), which Sở KH&ĐT went into through Quảng Nam's
    # Sở Tài chính: a quarter's report is filed by the unit that exists at its end.
    return _member(Membership.Role.DEPARTMENT_HEAD, "48-2025.STC", username="head-khdt")


@pytest.fixture
def head_tttt(reference_units):
    # Today's Sở KH&CN, which Sở TT&TT went into.
    return _member(Membership.Role.DEPARTMENT_HEAD, "48-2025.SKHCN", username="head-tttt")


# The home province's standing (tests/standings.py): each fixture scores and analyses some
# editions of the reference catalogue with the factories.


@pytest.fixture
def pci_2021(reference_units):
    return standings.pci_2021()


@pytest.fixture
def pci_later(reference_units):
    return standings.pci_later()


@pytest.fixture
def par_leagues(reference_units):
    return standings.par_leagues()


@pytest.fixture
def papi_published(reference_units):
    """Import and analyse the real PAPI tables of the years given (all of them by default)."""
    return standings.papi_published


@pytest.fixture
def ict_leagues(reference_units):
    return standings.ict_leagues()


@pytest.fixture
def dti_2022(reference_units):
    return standings.dti_2022()


@pytest.fixture
def internal_leagues(reference_units):
    return standings.internal_leagues()


@pytest.fixture
def home_targets(reference_units):
    return standings.home_targets()


@pytest.fixture(scope="module")
def province_standing(django_db_setup, django_db_blocker) -> Iterator[standings.Standing]:
    """The whole standing, built once for a test module: inside a transaction rolled back when
    the module's tests are done, each test running in a savepoint of it, so what one test
    changes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not IndexEdition.objects.exists():  # a transactional test flushed the reference data
            call_command("load_reference_data", stdout=io.StringIO())
        yield standings.province_standing()
        transaction.set_rollback(True)

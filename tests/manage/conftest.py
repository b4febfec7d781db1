import pytest

from tests.factories import UserFactory


@pytest.fixture
def superuser(reference_units):
    """An account with the admin site's rights and no portal membership (as `createsuperuser`
    makes it): the portal treats it as an admin."""
    return UserFactory(username="root-test", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client

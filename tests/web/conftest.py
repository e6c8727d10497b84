import pytest

from tests.factories import login_verified, make_user


@pytest.fixture
def administrator(db, prison_a):
    """Holds every seeded permission: used to reach every page in the route walks."""
    from oms.accounts.models import Role

    codes = tuple(Role.objects.values_list("code", flat=True))
    return make_user("admin_all", roles=codes, sites=(prison_a,), scope="national")


@pytest.fixture
def alice_client(client, alice):
    return login_verified(client, alice)

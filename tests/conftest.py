import pytest

from coverage.demo import load_demo
from registry.regions import load_regions

from .factories import make_user


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (cached pages would outlive the rolled-back data)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kotim(db):
    """Kabupaten Kotawaringin Timur with its 17 kecamatan and 185 desa/kelurahan."""
    load_regions(["62.02"])
    from registry.models import Kabupaten

    return Kabupaten.objects.get(code="62.02")


@pytest.fixture
def demo(kotim):
    """The situation of the source report (March 2022)."""
    load_demo()
    return kotim


@pytest.fixture
def staff(db):
    """Sari, Diskominfo staff with full rights in the admin."""
    return make_user(username="sari", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def citizen(db):
    """Budi, a logged-in user without staff rights."""
    return make_user(username="budi")

import pytest

from kimportal.demo import load_demo
from registry.regions import load_regions

from .factories import make_officer_user, make_user


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


@pytest.fixture
def diskominfo_admin(db):
    """Dewi, Diskominfo staff in the Admin Diskominfo group (not a superuser)."""
    from django.contrib.auth.models import Group

    user = make_user(username="dewi", is_staff=True)
    user.groups.add(Group.objects.get(name="Admin Diskominfo"))
    return user


@pytest.fixture
def superuser(db):
    """Root, the technical administrator."""
    return make_user(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def parenggean(kotim):
    from registry.models import Kecamatan

    return Kecamatan.objects.get(code="62.02.04")


@pytest.fixture
def baamang(kotim):
    from registry.models import Kecamatan

    return Kecamatan.objects.get(code="62.02.05")


@pytest.fixture
def officer_parenggean(parenggean):
    """Agus, field officer assigned to Kecamatan Parenggean."""
    return make_officer_user(username="agus", kecamatan=[parenggean])


@pytest.fixture
def officer_baamang(baamang):
    """Rina, field officer assigned to Kecamatan Baamang."""
    return make_officer_user(username="rina", kecamatan=[baamang])


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads (report photos) go to a temporary folder, never into the work tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

import pytest
from django.test.utils import override_settings

from kimportal.demo import load_demo
from registry.regions import load_regions

from .factories import make_officer_user, make_user
from .replay import Replay

KOTIM, DEMO = "kotim", "demo"
# What a transactional test gets written before it (tests/replay.py: the loader once, INSERTs after).
KOTIM_ROWS = Replay(lambda: load_regions(["62.02"]))
DEMO_ROWS = Replay(load_demo)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """MD5 instead of PBKDF2, which is slow on purpose (a quarter of a second a user): no test is
    about the hasher, and the demo and the factories make hundreds of users."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def sqlite_threads_take_turns():
    """The live server's threads share the test's in-memory SQLite connection: they take turns on
    it (tests/shared_sqlite.py), or two of them can wait for each other for ever."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    from .shared_sqlite import one_thread_at_a_time

    undo = one_thread_at_a_time()
    yield
    undo()


@pytest.fixture(scope="session", autouse=True)
def flush_postgresql_by_delete():
    """After each transactional test (the browser tests, the live servers) Django empties every
    table. On PostgreSQL it does so with one TRUNCATE of all 39 tables, which takes 1.5 s (new files
    for every table), against 0.04 s for a DELETE from each: measured on this machine, once per
    transactional test. Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED and
    flush runs in one transaction, so the order of the DELETEs does not matter. A flush that must
    reset sequences or cascade keeps Django's TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


def shared_rows_for(item) -> str | None:
    """What an ordinary (not transactional) database test finds already written: Kotim's regions
    for a test that asks for `kotim`, those and the demo for one that asks for `demo`."""
    names = getattr(item, "fixturenames", ())
    if "demo" in names:
        return DEMO
    return KOTIM if "kotim" in names else None


class SharedRows:
    """Kotim's 17 kecamatan and 185 desa (and the demo) written once for every test that needs
    them, in a transaction left open around those tests: each test's own transaction is a savepoint
    inside it and rolls back to it, as in Django's TestCase.setUpTestData. The tests are ordered so
    that those needing the same rows run one after the other (pytest_collection_modifyitems); a test
    needing other rows, or a transactional one, first rolls the open transaction back."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.rows = None
        self.atomic = None

    def provide(self, rows):
        from django.db import connection

        if self.atomic and not (connection.atomic_blocks and connection.atomic_blocks[0] is self.atomic):
            self.atomic, self.rows = None, None  # the connection was closed under it: write again
        if rows == self.rows:
            return
        self.drop()
        if rows:
            from django.db import transaction

            with self.blocker.unblock():
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                load_regions(["62.02"])
                if rows == DEMO:
                    load_demo()
            self.rows = rows

    def drop(self):
        if self.atomic:
            from django.db import transaction

            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
        self.atomic, self.rows = None, None


def is_transactional(item) -> bool:
    """pytest-django's reading: the test runs in a TransactionTestCase (its writes are committed)."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    transaction, reset_sequences = validate_django_db(marker)[:2] if marker else (False, False)
    names = getattr(item, "fixturenames", ())
    return (
        transaction
        or reset_sequences
        or bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))
    )


def uses_db(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or "db" in getattr(item, "fixturenames", ())


def restore_what_the_migrations_wrote(item):
    """A transactional test ends with every table emptied. Without serialized_rollback Django then
    writes content types and permissions anew (new ids) but not the groups the migrations made, and
    the next test that restores the serialized rows collides with them: which test follows which
    must not matter (pytest-xdist changes it), so every transactional test restores them."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    _, reset_sequences, databases, serialized_rollback, _ = validate_django_db(marker) if marker else (0, 0, None, 0, 0)
    if not serialized_rollback:
        item.add_marker(  # first among the test's own markers: the one pytest-django reads
            pytest.mark.django_db(
                transaction=True, serialized_rollback=True, reset_sequences=reset_sequences, databases=databases
            ),
            append=False,
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django's order (plain database tests, transactional ones, the rest), and among the
    plain ones those needing the same shared rows one after the other (file order kept within)."""
    for item in items:
        if is_transactional(item):
            restore_what_the_migrations_wrote(item)
    rank = {None: 0, KOTIM: 1, DEMO: 2}
    items.sort(
        key=lambda item: (
            (2, 0) if not uses_db(item) else (1, 0) if is_transactional(item) else (0, rank[shared_rows_for(item)])
        )
    )


@pytest.fixture(scope="session")
def _shared_rows(django_db_setup, django_db_blocker, fast_password_hashing):
    shared = SharedRows(django_db_blocker)
    yield shared
    shared.drop()


@pytest.fixture
def _rows_before_the_test(request, _shared_rows):
    _shared_rows.provide(None if is_transactional(request.node) else shared_rows_for(request.node))
    return _shared_rows


@pytest.fixture
def _django_db_helper(_rows_before_the_test, _django_db_helper):
    """pytest-django's per-test transaction, opened inside the shared rows the test needs (see
    SharedRows). A fixture's arguments are set up in order: the rows come first."""
    return _django_db_helper


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (cached pages would outlive the rolled-back data), and
    this process forgets the pages and the data version it kept (trusted for a second)."""
    from django.core.cache import cache

    from core import cache as page_cache

    def empty():
        cache.clear()
        page_cache.forget_local_state()

    empty()
    yield
    empty()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's language: a request in English leaves English active in
    the thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def kotim(db, _rows_before_the_test):
    """Kabupaten Kotawaringin Timur with its 17 kecamatan and 185 desa/kelurahan."""
    from registry.models import Kabupaten

    if _rows_before_the_test.rows is None:  # a transactional test: written for it alone
        KOTIM_ROWS.write()
    return Kabupaten.objects.get(code="62.02")


@pytest.fixture
def demo(kotim, _rows_before_the_test):
    """The situation of the source report (March 2022)."""
    if _rows_before_the_test.rows != DEMO:  # a transactional test
        DEMO_ROWS.write()
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


@pytest.fixture(autouse=True)
def summary_checked(request):
    """After every database test, the stored summaries and the KIM's search text equal what
    `manage.py check_summary` recomputes from the events and the KIM: whatever the test wrote (admin, import, field area, bulk
    actions, load_demo, a desa moved), it wrote through a path that keeps them
    (coverage.models.MonthlySummary, registry.models.KimMonthlySummary and KecamatanKimSummary,
    registry.models.KimSearchText).
    A test that corrupts the summary on purpose says so with @pytest.mark.summary_unchecked."""
    if not uses_db(request.node) or request.node.get_closest_marker("summary_unchecked"):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # torn down after this check, not before
    yield
    from coverage.models import MonthlySummary
    from registry.models import KecamatanKimSummary, KimMonthlySummary, KimSearchText

    differences = MonthlySummary.objects.differences()
    assert differences == [], f"the monthly summary disagrees with the events: {differences[:5]}"
    differences = KimMonthlySummary.objects.differences()
    assert differences == [], f"the KIM summary disagrees with the KIM: {differences[:5]}"
    differences = KecamatanKimSummary.objects.differences()
    assert differences == [], f"the KIM summary per kecamatan disagrees with the KIM: {differences[:5]}"
    differences = KimSearchText.objects.differences()
    assert differences == [], f"the KIM search text disagrees with the KIM: {differences[:5]}"

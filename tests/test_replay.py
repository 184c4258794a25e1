"""The suite's replay of the demo (tests/replay.py): a transactional test gets the same rows by
replay as by running the loader, and the database goes on working after it."""

import pytest
from django.core.management import call_command
from django.db import connection

from kimportal.demo import load_demo
from registry.models import Kim
from registry.regions import load_regions

from .replay import Replay, _rows


def emptied_as_between_tests():
    """What Django does between transactional tests: every table emptied, then the rows the
    migrations wrote (content types, permissions, groups) restored from their serialization."""
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_replayed_demo_is_the_loaded_demo_and_new_rows_still_get_fresh_ids():
    replay = Replay(lambda: (load_regions(["62.02"]), load_demo()))
    replay.write()
    loaded = _rows()
    emptied_as_between_tests()
    loads = []
    replay.load = lambda: loads.append("loaded again")
    replay.write()
    assert loads == []  # replayed, not loaded
    assert _rows() == loaded
    kim = Kim.objects.first()
    kim.pk, kim.name = None, "KIM Baru"
    kim.save()  # PostgreSQL's sequence was moved past the replayed ids
    assert Kim.objects.filter(name="KIM Baru").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tables_not_as_the_first_run_found_them_are_loaded_again():
    replay = Replay(lambda: load_regions(["62.02"]))
    replay.write()
    emptied_as_between_tests()
    load_regions(["62.02"])  # the tables no longer hold what the first run found
    loads = []
    replay.load = lambda: loads.append("loaded again")
    replay.write()
    assert loads == ["loaded again"]

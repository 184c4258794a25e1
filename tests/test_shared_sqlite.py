"""Threads that share the in-memory SQLite test database (the live server's) never wait for each
other for ever (tests/shared_sqlite.py)."""

import subprocess
import sys
from pathlib import Path

# Two threads on Django's in-memory SQLite connection for a second: one runs a Python SQL
# function over many rows, the other asks for column names. The script prints "done" unless the
# two wait for each other for ever (then not even the main thread runs again, and it is killed).
SCRIPT = """
import sys, threading, time
import django
from django.conf import settings
memory = "file:memorydb_default?mode=memory&cache=shared"  # as Django names the in-memory test database
settings.configure(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": memory}})
django.setup()
sys.path.insert(0, sys.argv[2])
if sys.argv[1] == "locked":
    from tests.shared_sqlite import one_thread_at_a_time
    one_thread_at_a_time()
from django.db import connections
shared = connections["default"]
shared.inc_thread_sharing()
with shared.cursor() as cursor:
    shared.connection.create_function("same", 1, lambda x: x)
    cursor.execute("CREATE TABLE t (a integer, b text)")
    cursor.executemany("INSERT INTO t VALUES (%s, %s)", [(i, str(i)) for i in range(20000)])
stop, ran = False, []
def run(sql):
    connections["default"] = shared  # as the live server's threads do
    while not stop:
        with shared.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        ran.append(sql)
threads = [threading.Thread(target=run, args=(sql,), daemon=True)
           for sql in ("SELECT sum(same(a)) FROM t", "SELECT a AS x, b AS y FROM t LIMIT 1")]
for thread in threads:
    thread.start()
time.sleep(1)
stop = True
for thread in threads:
    thread.join()
print("done" if len(set(ran)) == 2 else "a thread failed")
"""


def run_threads(mode: str) -> str:
    root = str(Path(__file__).resolve().parents[1])
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, mode, root], capture_output=True, text=True, timeout=4, cwd=root
        )
    except subprocess.TimeoutExpired:
        return "waited for ever"
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_threads_sharing_the_test_database_take_turns():
    assert run_threads("locked") == "done"


def test_without_turns_the_threads_wait_for_each_other_for_ever():
    """The check above can fail: without the lock the same two threads hang (seen within a second every
    time on this machine)."""
    assert run_threads("plain") == "waited for ever"

"""One thread at a time in an in-memory SQLite database that threads share.

Under SQLite the test database lives in memory, and the live server's request threads use the test's
own connection (Django shares it: a second connection would see another, empty database). Python's
sqlite3 module is not safe for that: a thread inside a statement that calls one of Django's SQL
functions (TruncMonth is `django_datetime_trunc`) holds SQLite's lock on the connection and waits
for the interpreter's lock, while another thread holds the interpreter's lock and waits for SQLite's
(reading column names, as every execute does). Both wait for ever, and so does the suite: seen
once at the end of a browser test, the summary check's query against a request still being served.

So every statement on an SQLite cursor, and every fetch (where the statement goes on), takes one
lock of this process first; a thread waiting for it lets the others run."""

import threading

from django.db.backends.sqlite3.base import SQLiteCursorWrapper

STEPS = ("execute", "executemany", "fetchone", "fetchmany", "fetchall", "__next__")


def one_thread_at_a_time():
    """Make SQLite's cursors take the lock; returns what puts them back."""
    lock = threading.RLock()
    before = {name: SQLiteCursorWrapper.__dict__.get(name) for name in STEPS}

    def locked(step):
        def run(self, *args, **kwargs):
            with lock:
                return step(self, *args, **kwargs)

        return run

    for name in STEPS:
        setattr(SQLiteCursorWrapper, name, locked(getattr(SQLiteCursorWrapper, name)))

    def undo():
        for name, step in before.items():
            if step is None:
                delattr(SQLiteCursorWrapper, name)
            else:
                setattr(SQLiteCursorWrapper, name, step)

    return undo

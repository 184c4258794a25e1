"""Rows a loader writes, written again by plain INSERTs.

A transactional test (every browser test, every live server) starts from empty tables, so before
each one Kotim's regions and the demo were written again through the ORM: 0.75 s a test on
SQLite, 1.4 s on PostgreSQL (measured on this machine), eighty times a suite. `Replay` runs the
loader once per process, keeps each table it changed as the loader left it, and afterwards
writes those tables again with one DELETE and one INSERT each, when the tables hold exactly what they held before the first run
(the same content types, permissions and groups, with the same ids). Otherwise it runs the loader
again. What the loader does besides writing rows (the page cache's version, a DataRevision row) is
either a row too or emptied before each test (tests/conftest.py `empty_cache`).
"""

from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection, transaction


def _tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _link_tables() -> set[str]:
    """The tables of many-to-many links: their ids are not the data (restoring a serialized
    database gives a group's permissions new ones), so rows there are told apart and written
    without them."""
    from django.apps import apps

    return {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.auto_created}


def _generated(cursor, table: str) -> set[str]:
    """The columns the database computes itself and refuses to be written (PostgreSQL's generated
    columns, such as registry's `short_grams`)."""
    if connection.vendor != "postgresql":
        return set()
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attgenerated <> ''", [table])
    return {name for (name,) in cursor.fetchall()}


def _rows() -> dict[str, tuple[list[str], dict[str, tuple]]]:
    """Every table's columns (but generated ones), and its rows by their repr (rows hold dates and
    decimals, which repr tells apart); in link tables without the id."""
    links, found = _link_tables(), {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)} WHERE false")
            every = [column[0] for column in cursor.description]
            generated = _generated(cursor, table)
            columns = [column for column in every if column not in generated]
            if table in links and columns[0] == "id":
                columns = columns[1:]
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")
            found[table] = (columns, {repr(row): row for row in cursor.fetchall()})
    return found


class Replay:
    def __init__(self, load: Callable[[], object]):
        self.load = load
        self.before: dict | None = None
        self.tables: dict[str, tuple[list[str], list[tuple]]] = {}

    def write(self):
        """The loader's rows in the database: replayed where the tables are as the first run found
        them, else written by the loader again (and kept for the next time)."""
        now = _rows()
        if self.before is not None and now == self.before:
            self._insert()
            return
        self.load()
        after = _rows()
        self.before = now
        # Every table the loader changed, whole as it left it (it may change rows as well as add them).
        self.tables = {
            table: (columns, list(rows.values()))
            for table, (columns, rows) in after.items()
            if rows != now.get(table, ([], {}))[1]
        }

    def _insert(self):
        from django.apps import apps

        quote = connection.ops.quote_name
        with transaction.atomic():  # foreign keys are checked at the commit, when every row is in
            with connection.cursor() as cursor:
                for table, (columns, rows) in self.tables.items():
                    cursor.execute(f"DELETE FROM {quote(table)}")
                    if rows:
                        names = ", ".join(map(quote, columns))
                        marks = ", ".join(["%s"] * len(columns))
                        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
                # PostgreSQL's sequences do not see ids written by hand: the next save would take id 1.
                for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                    cursor.execute(sql)

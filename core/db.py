"""Reading a whole table quickly without holding it in memory."""

from collections.abc import Iterable, Iterator

from django.db import connections, transaction

# PostgreSQL settings for one export's transaction. A cursor is planned for the
# first tenth of its rows by default (cursor_tuple_fraction = 0.1), which for a
# kabupaten's 50,000 events picks a walk through the whole national table in
# date order (3.1 s) over reading its rows and sorting them (0.7 s); the sort
# stays in memory with a larger work_mem.
READ_ALL_SETTINGS = {"cursor_tuple_fraction": "1.0", "work_mem": "32MB"}


def read_all(queryset, *, chunk_size: int = 2000) -> Iterator:
    """Every row of `queryset`, fetched `chunk_size` at a time through a server-side
    cursor (memory follows the chunk, not the table), planned for reading them all.

    A generator: on PostgreSQL it holds a read transaction (SET LOCAL) until the
    last row or until it is closed.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    # One query for the settings; no savepoint inside a transaction already open (a read changes nothing).
    with transaction.atomic(using=queryset.db, savepoint=False), connection.cursor() as cursor:
        calls = ", ".join("set_config(%s, %s, true)" for _ in READ_ALL_SETTINGS)
        cursor.execute(f"SELECT {calls}", [v for item in READ_ALL_SETTINGS.items() for v in item])
        yield from queryset.iterator(chunk_size=chunk_size)


def batched_text(parts: Iterable[str], *, size: int = 64 * 1024) -> Iterator[str]:
    """Join small pieces of text into chunks of about `size` characters: a streamed
    answer then costs one write per chunk, not one per row."""
    pending, length = [], 0
    for part in parts:
        pending.append(part)
        length += len(part)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)

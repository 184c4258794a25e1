"""Reading large tables quickly: whole without holding them in memory, or in part through an index."""

import json
from collections.abc import Iterable, Iterator

from django.db import connections, transaction
from django.db.models import CharField, ForeignKey, Func
from django.db.models.lookups import In

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


@ForeignKey.register_lookup
class InArray(In):
    """`fk__in_array=subquery`: IN on SQLite; on PostgreSQL `= ANY(ARRAY(subquery))`, which the
    planner can answer with the key's index inside a BitmapOr (an IN subquery it cannot)."""

    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


class LocalMinute(Func):
    """A timestamp as local text "YYYY-MM-DD HH:MM" in the portal's time zone, written by the
    database: on PostgreSQL `to_char(... AT TIME ZONE ...)`, which spares Python reading a
    timestamp with its time zone, converting and formatting it (for 50,000 events, a third of an
    export's CPU). A time whose local day would be after 31 December 9999 (a row stored by
    hand) is written in UTC, as Python writes it. None elsewhere: the caller formats the value."""

    output_field = CharField()

    def __init__(self, expression, zone: str, *, pattern: str = "YYYY-MM-DD HH24:MI"):
        super().__init__(expression)
        self.zone = zone
        self.pattern = pattern  # to_char's: "YYYY-MM-DD,HH24:MI" writes two CSV cells

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", ()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        local = f"({sql} AT TIME ZONE %s)"
        text = f"to_char(CASE WHEN {local} < '10000-01-01' THEN {local} ELSE ({sql} AT TIME ZONE 'UTC') END, %s)"
        return text, (*params, self.zone, *params, self.zone, *params, self.pattern)


# What opendata's CSV writer prefixes with ' (a spreadsheet would run the cell as a formula).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvLine(Func):
    """Cells of a CSV line as opendata's writer writes them (Python's csv.writer, QUOTE_MINIMAL,
    after its cell rule), each followed by `end` (CRLF: the line's last cells), written by
    PostgreSQL: a text cell (`texts`: the positions of the expressions that are text) that starts
    like a formula gets a leading ', one with a comma, quote, CR or LF is quoted with its quotes
    doubled; a number is written as is and NULL as nothing. An export then joins pieces of text
    instead of handling every cell in Python. NULL elsewhere: the caller writes the cells."""

    output_field = CharField()
    FORMULA = (
        "CASE WHEN left({v}, 1) IN ("
        + ", ".join("E'" + c.encode("unicode_escape").decode() + "'" for c in CSV_FORMULA_STARTS)
        + ") THEN '''' ELSE '' END"
    )
    # strpos four times costs PostgreSQL less than one regular expression (~ '[",\\r\\n]').
    SPECIAL = """strpos({v}, ',') + strpos({v}, '"') + strpos({v}, E'\\r') + strpos({v}, E'\\n') > 0"""
    TEXT_CELL = (
        """COALESCE(CASE WHEN {s} THEN '"' || {f} || replace({v}, '"', '""') || '"' ELSE {f} || {v} END, '')"""
    ).format(s=SPECIAL, f=FORMULA, v="{v}")
    NUMBER_CELL = "COALESCE({v}, '')"

    def __init__(self, *expressions, texts: set[int], end: str = "\r\n"):
        super().__init__(*expressions)
        self.texts, self.end = texts, end

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", ()

    def as_postgresql(self, compiler, connection, **extra_context):
        cells, params = [], []
        for position, expression in enumerate(self.source_expressions):
            sql, cell_params = compiler.compile(expression)
            template = self.TEXT_CELL if position in self.texts else self.NUMBER_CELL
            cells.append(template.replace("{v}", f"({sql})::text"))
            params += list(cell_params) * template.count("{v}")
        return " || ',' || ".join(cells) + " || %s", (*params, self.end)


class JsonMembers(Func):
    """Members of a JSON object as opendata's writer writes them (json.JSONEncoder with
    ensure_ascii=False: `"name": value`, joined by ", "), written by PostgreSQL: `members` are
    (name, expression, is_text); text goes through to_json, whose escapes are Python's (quote,
    backslash, \\b \\f \\n \\r \\t, other control characters as \\u00xx), a number is written
    as is and NULL as null. `start` comes before the first member ("{" for the object's first),
    `end` after the last. NULL elsewhere: the caller writes the members."""

    output_field = CharField()

    def __init__(self, *members: tuple[str, object, bool], start: str = "", end: str = ", "):
        super().__init__(*[expression for _name, expression, _text in members])
        self.names = [name for name, _expression, _text in members]
        self.texts = [is_text for _name, _expression, is_text in members]
        self.start, self.end = start, end

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", ()

    def as_postgresql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for position, (name, is_text, expression) in enumerate(
            zip(self.names, self.texts, self.source_expressions, strict=True)
        ):
            sql, value_params = compiler.compile(expression)
            value = f"to_json(({sql})::text)::text" if is_text else f"({sql})::text"
            parts.append(f"%s || COALESCE({value}, 'null')")
            params += [(self.start if position == 0 else ", ") + json.dumps(name) + ": ", *value_params]
        return "(" + " || ".join(parts) + " || %s)", (*params, self.end)

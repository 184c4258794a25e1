"""Paginating the admin's lists of national tables without counting every row.

Django's admin counts its list's rows on every page (`SELECT COUNT(*)`) to number
the pages. For the 500,000 outreach events of a national install that count read
the whole table on every page: 35 ms of the event list's 65 ms of SQL
(docs/benchmarks.md). PostgreSQL already knows about how many rows a table has:
the planner's statistics (`pg_class.reltuples` and `relpages`, kept by autovacuum's
ANALYZE), scaled to the table's present size as the planner itself does. That
estimate is good to a few percent, which is all a list of hundreds of thousands of
rows needs to number its pages.

Only the whole table is estimated: a filtered, searched or staff-scoped list, a
table smaller than `EstimatedCountPaginator.exact_below` rows, a table never
analysed and SQLite count exactly, as Django does.
"""

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property

# The planner's own guess of a table's rows now: its tuple density at the last ANALYZE times its
# present number of pages (-1 or 0 when never analysed).
ESTIMATE_SQL = """
SELECT CASE WHEN c.relpages > 0
            THEN c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
            ELSE c.reltuples END
FROM pg_class c WHERE c.oid = %s::regclass
"""


def whole_table_estimate(queryset) -> int | None:
    """About how many rows `queryset`'s table holds, when `queryset` is the whole table on
    PostgreSQL (no filter, no DISTINCT, no slice, no GROUP BY, no UNION); None otherwise or when
    PostgreSQL has no statistics yet."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    if (
        query.has_filters()
        or query.distinct
        or query.combinator
        or query.is_sliced
        or query.group_by is not None
        or query.extra
        or query.extra_tables
    ):
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(ESTIMATE_SQL, [connection.ops.quote_name(queryset.model._meta.db_table)])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] <= 0:
        return None
    return round(row[0])


class IdsFirstPaginator(Paginator):
    """The admin's lists, each page read as `page_by_ids` reads the directory's: the page's ids
    first, sorted and cut over the list's own rows, then those rows with what they show beside
    them (`list_select_related`). It stays one query: the ids are a subquery of the rows'.

    Django cuts the page out of the joined rows, and PostgreSQL joined every row found to its
    relations before it sorted them: the KIM search `sungai` (746 KIM) joined 746 desa, kecamatan,
    tiers and users to show 50, its page query 5.9 -> 2.8 ms (docs/benchmarks.md). A whole
    table's list (its page walks an index), one that selects more than its rows (annotations: a
    count, a flag) or DISTINCT ones are cut as Django cuts them. The rows and their order are
    Django's (tests/test_admin.py)."""

    def _get_page(self, object_list, number, paginator):
        rows = self.object_list
        if (
            isinstance(object_list, QuerySet)
            and object_list.query.is_sliced
            and rows.query.has_filters()  # a whole table's page walks an index: nothing to gain
            and not rows.query.is_sliced
            and not rows.query.annotations
            and not rows.query.distinct
        ):
            object_list = rows.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, number, paginator)


class EstimatedCountPaginator(IdsFirstPaginator):
    """A Paginator whose count of a whole large table is PostgreSQL's estimate (see the module's
    doc); every other count is exact. The last page of the whole table may then be short or
    empty, never an error."""

    exact_below = 100_000  # smaller tables count in a few milliseconds: count them exactly

    @cached_property
    def count(self):
        estimate = whole_table_estimate(self.object_list)
        if estimate is not None and estimate >= self.exact_below:
            return estimate
        return super().count


class ListedPaginator(Paginator):
    """A Paginator told its count by the query that found its page (`page_by_ids`), or counting
    as Django's does when not told."""

    def __init__(self, object_list, per_page, *, count: int | None = None):
        super().__init__(object_list, per_page)
        self.listed_count = count

    @cached_property
    def count(self):
        return super().count if self.listed_count is None else self.listed_count


def page_by_ids(queryset, number, per_page: int, *, rows) -> Page:
    """The page `number` (read as Paginator.get_page reads it) of `queryset`, in two steps: the
    page's ids, sorted over the bare rows and each carrying how many rows the list has (a window
    count: the one scan that finds the page also counts), then those rows from `rows` (the same
    model with what the page shows: select_related, annotations) by their ids alone.

    In one query PostgreSQL joined every row to its relations before sorting: 32.01's directory
    (4,244 KIM, each with its desa, kecamatan, kabupaten and tier) took 19 ms; the ids take 4 ms,
    and the rows, asked by id without the list's filters (with them the planner went through the
    kabupaten's 5,000 KIM again: 6.8 ms), 2 ms. Counted apart, `?q=Bench` read its 4,244 KIM
    twice (docs/benchmarks.md). A page past the end (or no rows at all) is asked again as Django
    does: counted, then the last page. A row deleted between the two reads is left out."""
    ids_in_order = queryset.values_list("pk", flat=True)
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    listed = queryset.annotate(rows_in_list=Window(Count("pk"))).values_list("pk", "rows_in_list")
    found = list(listed[(wanted - 1) * per_page : wanted * per_page]) if wanted >= 1 else []
    if found:
        page = ListedPaginator(ids_in_order, per_page, count=found[0][1]).page(wanted)
        ids = [pk for pk, _total in found]
    else:
        page = ListedPaginator(ids_in_order, per_page).get_page(number)
        ids = list(page.object_list)
    shown = rows.order_by().in_bulk(ids)
    page.object_list = [shown[pk] for pk in ids if pk in shown]
    return page

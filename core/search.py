"""The admin's search over national tables, without joins.

Django's admin searches `desa__name` by joining the desa to every KIM and
testing each joined row: 50,000 KIM x 83,762 desa took 680 ms per query on
PostgreSQL, and a changelist runs two (the count and the page). Here each
field reached through a foreign key becomes a list of keys from its own
table: `desa_id = ANY(ARRAY(SELECT id FROM desa WHERE UPPER(name) LIKE ...))`.
PostgreSQL answers that, and `UPPER(name) LIKE '%WORD%'` on the table itself,
from indexes (trigram GIN indexes, see registry's migration 0009), ORs them
in one bitmap per word and ANDs the words' bitmaps: no row is read that does
not match. Same words, same matches: every word must match one of the
fields, case-insensitively.

Where a model stores its searched fields joined in one text (registry.KimSearchText: 50,000 KIM
with their desa's and kecamatan's names), `words` and `contains_lookup` are the same rules for
searching that text: every word in it, case-insensitively, and no word can span two fields
(`SEPARATOR`, which a word split on white space never holds).
"""

from django.contrib.admin import ModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey, Q
from django.utils.text import smart_split, unescape_string_literal

from core.db import InArray  # noqa: F401 (registers the `in_array` lookup used below)


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# Between two fields of a stored search text. A word split on white space never holds it; a quoted
# phrase may (a "\n" in the address bar), and is then searched field by field.
SEPARATOR = "\n"


def joined(values) -> str:
    """Field values as one stored search text (an empty or missing value as nothing)."""
    return SEPARATOR.join(value or "" for value in values)


def words(search_term: str) -> list[str]:
    """The admin's words of `search_term`, as Django's own search splits it: on white space,
    a quoted phrase one word without its quotes."""
    found = []
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        found.append(word)
    return found


def contains_lookup(word: str) -> str:
    """The lookup for `word`: icontains, or contains for a word of one or two characters that
    has no case ("12", "3/"). No index answers so short a word (a trigram has three characters),
    so every row is read; comparing it as stored spares UPPER() of every row's every field:
    the count of `?q=Bench 12` over 50,000 KIM fell from 65 to 22 ms (EXPLAIN ANALYZE)."""
    return "contains" if len(word) < 3 and word.upper() == word.lower() else "icontains"


def _matching(model, path: str, word: str) -> Q | None:
    """`path__icontains=word` on `model`, each forward foreign key turned into a list of keys;
    None for a path this does not handle (a reverse or many-to-many relation, a lookup)."""
    first, _, rest = path.partition("__")
    field = _field(model, first)
    if field is None:
        return None
    if not rest:
        return None if field.is_relation else Q(**{f"{first}__{contains_lookup(word)}": word})
    if not isinstance(field, ForeignKey):
        return None
    inner = _matching(field.related_model, rest, word)
    if inner is None:
        return None
    keys = field.related_model._base_manager.filter(inner).order_by().values(field.target_field.name)
    return Q(**{f"{first}__in_array": keys})


def contains_without_joins(model, paths: list[str], text: str) -> Q:
    """`text` in any of `paths` of `model` (its fields, or fields reached through foreign keys),
    case-insensitively, each foreign key a list of keys: the public directory's search, where a
    join of every KIM to its desa cost 32.01's `/kim/?q=Bench` 4 ms in each of its two queries."""
    matches = [_matching(model, path, text) for path in paths]
    if None in matches:
        raise ValueError(f"contains_without_joins takes fields and forward foreign keys, not {paths}")
    return Q.create(matches, connector=Q.OR)


def search_without_joins(model_admin: ModelAdmin, request, queryset, search_term: str):
    """ModelAdmin.get_search_results without joins (see the module's doc).

    Falls back to Django's own search for fields written with ^, =, @ or a lookup."""
    fields = [str(f) for f in model_admin.get_search_fields(request)]
    if not (fields and search_term):
        return queryset, False
    terms = []
    for word in words(search_term):
        matches = [_matching(queryset.model, field, word) for field in fields]
        if None in matches:
            return ModelAdmin.get_search_results(model_admin, request, queryset, search_term)
        terms.append(Q.create(matches, connector=Q.OR))
    return queryset.filter(Q.create(terms)), False

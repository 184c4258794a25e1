"""Staff searching 50,000 KIM in the admin find what Django's own search finds, without the joins."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.search import search_without_joins
from registry.models import Kim

from ..factories import make_desa, make_kecamatan, make_kim


@pytest.fixture
def kims(db):
    """KIM in two kecamatan, with names, desa names and SK numbers that share words."""
    baamang = make_kecamatan(code="62.02.05", name="Baamang")
    parenggean = make_kecamatan(code="62.02.04", name="Parenggean")
    tanjung = make_desa(kecamatan=parenggean, name="Tanjung Jorong")
    return [
        make_kim(name="KIM Sinar Parenggean", desa=make_desa(kecamatan=parenggean, name="Parenggean")),
        make_kim(name="KIM Tunas Harapan", desa=tanjung, sk_number="188.45/12/2021", sk_date=date(2021, 3, 1)),
        make_kim(name="KIM Harapan Baru", desa=make_desa(kecamatan=baamang, name="Baamang Hulu")),
        make_kim(name="KIM Mentari 12", desa=make_desa(kecamatan=baamang, name="Tanjung Katung")),
    ]


def search(term):
    request = RequestFactory().get("/admin/registry/kim/", {"q": term})
    model_admin = admin.site._registry[Kim]
    ours, duplicates = search_without_joins(model_admin, request, Kim.objects.all(), term)
    django_s, _ = ModelAdmin.get_search_results(model_admin, request, Kim.objects.all(), term)
    return sorted(k.name for k in ours), sorted(k.name for k in django_s.distinct()), duplicates


@pytest.mark.parametrize(
    "term",
    [
        "parenggean",
        "HARAPAN",
        "tanjung",
        "Baamang harapan",
        "12",
        "kim 12",
        "MENTARI 12",
        "5/",
        "i",
        "188.45",
        '"Tunas Harapan"',
        "kim",
        "tidak ada",
    ],
)
def test_a_search_finds_the_same_kim_as_djangos_own_search(kims, term):
    ours, djangos, duplicates = search(term)

    assert ours == djangos
    assert duplicates is False


def test_a_kecamatan_name_finds_every_kim_in_it(kims):
    ours, _djangos, _ = search("Baamang")

    assert ours == ["KIM Harapan Baru", "KIM Mentari 12"]


def test_the_search_query_joins_no_table(kims, admin_client):
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get("/admin/registry/kim/", {"q": "Tanjung Harapan"})

    searches = [q["sql"] for q in ctx.captured_queries if "LIKE" in q["sql"] and "COUNT" in q["sql"]]
    assert response.status_code == 200 and "KIM Tunas Harapan" in response.content.decode()
    assert searches and not any("JOIN" in sql for sql in searches)


def test_a_word_of_two_characters_without_case_is_compared_as_stored(kims):
    """No index answers "12" (a trigram has three characters): every row is read, so each is not
    upper-cased first. A word with letters, or of three characters or more, still is."""
    model_admin = admin.site._registry[Kim]
    request = RequestFactory().get("/admin/registry/kim/")
    queryset, _ = search_without_joins(model_admin, request, Kim.objects.all(), "Mentari 12")
    sql = str(queryset.query)

    assert [k.name for k in queryset] == ["KIM Mentari 12"]
    if connection.vendor == "postgresql":  # SQLite's LIKE is the same for both lookups
        assert sql.count("LIKE UPPER(%Mentari%)") == 5  # name, desa, kecamatan, SK number, KIM.id number
        assert sql.count("::text LIKE %12%") == 5 and "UPPER(%12%)" not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_postgresql_has_trigram_indexes_for_every_kim_search_field(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}

    assert names >= {
        "registry_kim_name_trgm",
        "registry_kim_sk_number_trgm",
        "registry_kim_kimid_number_trgm",
        "registry_desa_name_trgm",
        "registry_kecamatan_name_trgm",
        "registry_kimsearchtext_trgm",  # the stored search text the admin reads (KimSearchText)
    }

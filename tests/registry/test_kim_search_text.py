"""Staff search 50,000 KIM in the admin by their name, desa, kecamatan, SK and KIM.id numbers: the
words are looked up in one stored text per KIM (KimSearchText), which every write keeps true, and
the admin finds exactly the KIM Django's own search would."""

import random
from datetime import date
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from registry.models import Kim, KimSearchText

from ..factories import make_desa, make_kecamatan, make_kim


def admin_search(term: str) -> tuple[list[str], list[str]]:
    """(what the KIM admin finds, what Django's own admin search finds), as sorted names."""
    request = RequestFactory().get("/admin/registry/kim/", {"q": term})
    model_admin = admin.site._registry[Kim]
    ours, duplicates = model_admin.get_search_results(request, Kim.objects.all(), term)
    djangos, _ = ModelAdmin.get_search_results(model_admin, request, Kim.objects.all(), term)
    assert duplicates is False
    return sorted(k.name for k in ours), sorted(k.name for k in djangos.distinct())


def found(term: str) -> list[str]:
    ours, djangos = admin_search(term)
    assert ours == djangos
    return ours


@pytest.fixture
def kims(db):
    baamang = make_kecamatan(code="62.02.05", name="Baamang")
    parenggean = make_kecamatan(code="62.02.04", name="Parenggean")
    return [
        make_kim(name="KIM Sinar Parenggean", desa=make_desa(kecamatan=parenggean, name="Parenggean")),
        make_kim(
            name="KIM Tunas Harapan",
            desa=make_desa(kecamatan=parenggean, name="Tanjung Jorong"),
            sk_number="188.45/12/2021",
            sk_date=date(2021, 3, 1),
        ),
        make_kim(name="KIM Harapan Baru", desa=make_desa(kecamatan=baamang, name="Baamang Hulu")),
        make_kim(
            name="KIM Mentari 12", desa=make_desa(kecamatan=baamang, name="Tanjung Katung"), kimid_number="62.02.0012"
        ),
    ]


@pytest.mark.parametrize(
    "term",
    ["parenggean", "HARAPAN", "tanjung", "Baamang harapan", "12", "kim 12", "5/", "i", "188.45", '"Tunas Harapan"',
     "0012", "tidak ada", "", "   ", '""', "100%", "_", "Jorong\nKIM", '"Jorong\nKIM"', "Hulu KIM", "%", "/1",
     "1/", ".4", '"2 "', '" 1"', "\\", "2\\"],
)  # fmt: skip
def test_the_admin_finds_what_djangos_own_search_finds(kims, term):
    found(term)


def test_a_word_spanning_two_fields_finds_nothing_as_in_djangos_search(kims):
    # "Hulu" ends the desa's name and "Baamang" is its kecamatan's: stored as "…Hulu\nBaamang…",
    # but no single field holds "Hulu Baamang".
    assert found('"Hulu Baamang"') == []
    assert found("Hulu Baamang") == ["KIM Harapan Baru"]


def test_the_search_reads_the_stored_text_once_and_no_desa(kims, admin_client):
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get("/admin/registry/kim/", {"q": "Tanjung 12"})

    searches = [q["sql"] for q in ctx.captured_queries if "LIKE" in q["sql"]]
    assert response.status_code == 200 and "KIM Tunas Harapan" in response.content.decode()
    assert len(searches) == 2  # the count and the page
    assert all("registry_kimsearchtext" in sql and "registry_desa" not in sql.split("FROM", 2)[-1] for sql in searches)


def _searched_list(client, params) -> tuple[int, list[str]]:
    """(the list's count, the SQL of that count) for GET /admin/registry/kim/ with `params`."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/admin/registry/kim/", params)
    assert response.status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)") and "LIKE" in q["sql"]]
    assert len(counts) == 1
    return response.context["cl"].result_count, counts[0]


def test_a_search_of_the_whole_register_is_counted_by_its_texts_alone(kims, admin_client):
    """Each stored text belongs to one KIM: counting the texts found counts the KIM listed, without
    looking each up among the KIM (2.9 -> 1.0 ms for 2,475 found on the bench)."""
    make_kim(name="KIM Tanjung Baru", review_status=Kim.Review.WAITING)

    count, sql = _searched_list(admin_client, {"q": "Tanjung"})

    assert count == Kim.objects.filter(search_text__text__icontains="Tanjung").count() == 3
    assert 'FROM "registry_kimsearchtext"' in sql and 'registry_kim"' not in sql


@pytest.mark.parametrize(
    "params", [{"q": "Tanjung", "aktif": "ya"}, {"q": "Tanjung", "review_status__exact": "waiting"}]
)
def test_a_search_within_a_filter_is_counted_among_the_kim(kims, admin_client, params):
    make_kim(name="KIM Tanjung Baru", review_status=Kim.Review.WAITING)

    count, sql = _searched_list(admin_client, params)

    assert count == (1 if "review_status__exact" in params else 2)
    assert 'FROM "registry_kim" WHERE' in sql


def test_a_staff_member_of_one_kabupaten_counts_only_its_kim(kims, client, diskominfo_admin):
    """Dewi works for Kotim (62.02): a KIM of Katingan holding her word is neither listed nor counted."""
    from ..factories import make_kabupaten

    katingan = make_kecamatan(kabupaten=make_kabupaten(code="62.06", name="Kabupaten Katingan"))
    make_kim(name="KIM Tanjung Katingan", desa=make_desa(kecamatan=katingan))
    client.force_login(diskominfo_admin)

    count, sql = _searched_list(client, {"q": "Tanjung"})

    assert count == 2 and 'FROM "registry_kim"' in sql


def test_a_short_word_without_case_is_compared_before_the_others(kims):
    sql = str(KimSearchText.objects.matching(["Jorong", "12"]).query)

    assert [t.kim.name for t in KimSearchText.objects.matching(["Jorong", "12"])] == ["KIM Tunas Harapan"]
    short = '"short_grams" @>' if connection.vendor == "postgresql" else "%12%"
    assert sql.index(short) < sql.index("%Jorong%")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pieces and their index exist on PostgreSQL only")
def test_on_postgresql_a_short_word_is_found_through_the_index_of_the_texts_short_pieces(kims):
    # "12" is in two texts: KIM Mentari 12 (its name, its KIM.id number) and KIM Tunas Harapan (its SK).
    texts = KimSearchText.objects.matching(["12"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # four rows: the planner would rightly read them all
    plan = texts.explain()
    pieces = dict(KimSearchText.objects.values_list("kim__name").annotate(p=RawSQL('"short_grams"', ())))

    assert sorted(t.kim.name for t in texts) == ["KIM Mentari 12", "KIM Tunas Harapan"]
    assert "registry_kimsearchtext_grams" in plan and "LIKE" not in str(texts.query)
    # Every piece of one and two characters of the stored text, none across two fields.
    text = KimSearchText.objects.get(kim__name="KIM Mentari 12").text
    expected = {text[i : i + n] for n in (1, 2) for i in range(len(text) - n + 1)} - {"\n"}
    assert set(pieces["KIM Mentari 12"]) == {p for p in expected if "\n" not in p}


def test_every_write_keeps_the_text(kims):
    sinar, tunas, harapan, mentari = kims
    parenggean = sinar.desa.kecamatan

    tunas.sk_number = "188.45/99/2024"  # Kim.save
    tunas.save()
    assert found("99/2024") == ["KIM Tunas Harapan"]

    tunas.desa.name = "Tanjung Baru"  # Desa.save: a rename
    tunas.desa.save()
    assert found("Jorong") == [] and found("Tanjung Baru") == ["KIM Tunas Harapan"]

    parenggean.name = "Parenggean Raya"  # Kecamatan.save: a rename
    parenggean.save()
    assert found("Raya") == ["KIM Sinar Parenggean", "KIM Tunas Harapan"]

    sinar.desa.kecamatan = harapan.desa.kecamatan  # Desa.save: a move
    sinar.desa.save()
    assert found("Raya") == ["KIM Tunas Harapan"]

    Kim.objects.filter(pk=mentari.pk).update(name="KIM Mentari Pagi")  # KimQuerySet.update
    assert found("Pagi") == ["KIM Mentari Pagi"]

    harapan.kimid_number = "62.02.0777"
    Kim.objects.bulk_update([harapan], ["kimid_number"])  # through update()
    assert found("0777") == ["KIM Harapan Baru"]

    (created,) = Kim.objects.bulk_create(
        [Kim(name="KIM Fajar", desa=harapan.desa, formed_on=date(2023, 1, 1), review_status="accepted")]
    )
    assert found("Fajar") == ["KIM Fajar"]

    created.delete()
    Kim.objects.filter(pk=harapan.pk).delete()  # KimQuerySet.delete: the text goes with the KIM
    assert not KimSearchText.objects.filter(kim__in=[created.pk, harapan.pk]).exists()
    assert found("Baamang") == ["KIM Mentari Pagi", "KIM Sinar Parenggean"]


def test_an_update_that_moves_kim_out_of_its_own_filter_still_refreshes_them(kims):
    Kim.objects.filter(name__startswith="KIM Harapan").update(name="Komunitas Senja")

    assert found("Senja") == ["Komunitas Senja"] and found("Harapan") == ["KIM Tunas Harapan"]


def test_a_large_update_goes_by_batches_of_ids_and_refreshes_every_text(kims, monkeypatch):
    """SQLite takes at most 32,766 values a statement: the KIM are updated 10,000 ids at a time
    (here 3), each found afterwards by its new name."""
    monkeypatch.setattr("registry.models.UPDATE_BATCH", 3)

    assert Kim.objects.filter(name__startswith="KIM").update(sk_number="999/2025", sk_date=date(2025, 1, 2)) == 4
    assert len(found("999/2025")) == 4


def test_an_update_of_a_distinct_selection_refreshes_its_texts(kims):
    """A queryset joined to its desa and made distinct can still be updated (PostgreSQL refuses
    to lock a DISTINCT query's rows: the KIM are locked by id)."""
    selection = Kim.objects.filter(desa__kecamatan__name="Baamang").distinct()

    assert selection.update(name="KIM Baamang Bersatu") == 2
    assert found("Bersatu") == ["KIM Baamang Bersatu", "KIM Baamang Bersatu"]


def test_a_save_of_a_field_nobody_searches_writes_no_text(kims):
    sinar = kims[0]
    sinar.address = "Jl. Pelita"
    with CaptureQueriesContext(connection) as ctx:
        sinar.save()

    assert not [q for q in ctx.captured_queries if "kimsearchtext" in q["sql"]]


def test_random_names_and_words_find_what_djangos_search_finds(db):
    rng = random.Random(23)
    syllables = ["ba", "ra", "ng", "an", "12", "tu", "Ma", "SI", "é", "ß", "5/", "-"]

    def name():
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 5)))

    kecamatan = [make_kecamatan(code=f"62.02.{i:02d}", name=name()) for i in range(1, 4)]
    desa = [make_desa(kecamatan=rng.choice(kecamatan), name=name()) for _ in range(8)]
    for i in range(30):
        sk = rng.choice([{}, {"sk_number": name(), "sk_date": date(2021, 3, 1)}])
        make_kim(name=f"{name()} {i}", desa=rng.choice(desa), **sk)
    for _ in range(60):
        term = " ".join(rng.choice(syllables + [name()]) for _ in range(rng.randint(1, 3)))
        found(term)


@pytest.mark.summary_unchecked
def test_check_summary_reports_a_wrong_or_missing_text_and_fix_repairs_it(kims):
    sinar, tunas, *_ = kims
    KimSearchText.objects.filter(kim=sinar).update(text="salah")
    KimSearchText.objects.filter(kim=tunas).delete()

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_summary", stdout=out)
    report = out.getvalue()
    assert f"KIM {sinar.pk}: stored 'salah', KIM 'KIM Sinar Parenggean | Parenggean | Parenggean |  | '" in report
    assert f"KIM {tunas.pk}: stored no row, KIM 'KIM Tunas Harapan | Tanjung Jorong" in report
    assert "KIM search text: 2 difference(s)" in report

    out = StringIO()
    call_command("check_summary", "--fix", stdout=out)
    assert "KIM search text: 2 difference(s)\nrebuilt from the KIM: 4 row(s)\n" in out.getvalue()
    assert KimSearchText.objects.differences() == []

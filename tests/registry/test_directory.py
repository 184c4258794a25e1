"""The public KIM directory: filter, sort, paginate, and a profile per KIM."""

import re
from datetime import date

import pytest

from registry.filters import KimFilter
from registry.models import Desa, Kim

from ..factories import make_kim, make_tier


def filtered(kotim, **params):
    return KimFilter(params, queryset=Kim.objects.all(), kabupaten=kotim).qs.count()


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 12),
        ({"kecamatan": "62.02.05"}, 2),
        ({"kecamatan": "62.02.02"}, 0),
        ({"desa": "62.02.04.1004"}, 1),
        ({"q": "baamang"}, 2),
        ({"q": "Tengah"}, 1),
        ({"tier": "__utama__"}, 1),
        ({"status": "aktif"}, 12),
        ({"status": "tidak-aktif"}, 0),
    ],
)
def test_directory_filters(demo, params, count):
    if params.get("tier") == "__utama__":
        params["tier"] = str(make_tier(name="Utama").pk)
    assert filtered(demo, **params) == count


def test_an_inactive_kim_is_found_under_tidak_aktif(demo):
    make_kim(desa=Desa.objects.get(code="62.02.02.2004"), formed_on=date(2020, 1, 1), inactive_since=date(2021, 1, 1))
    assert filtered(demo, status="tidak-aktif") == 1


def test_a_kecamatan_of_another_kabupaten_is_refused_not_ignored_silently(client, demo):
    response = client.get("/kim/", {"kecamatan": "11.01.01"})
    assert "Masukkan pilihan yang valid" in response.content.decode()


def test_directory_sorts_by_formation_date(client, demo):
    html = client.get("/kim/", {"urut": "terbentuk"}).content.decode()
    assert html.index("KIM Ketapang") < html.index("KIM Kecamatan Parenggean")


def test_directory_paginates_by_25(client, demo):
    desa = Desa.objects.filter(kecamatan__code="62.02.02")
    for index in range(20):
        make_kim(desa=desa[index % desa.count()], name=f"KIM Uji {index:02d}")
    first = client.get("/kim/").content.decode()
    second = client.get("/kim/", {"halaman": 2}).content.decode()
    assert "32 KIM ditemukan" in first
    assert "Halaman 2 dari 2" in second
    assert second.count('href="/kim/') - second.count('href="/kim/"') == 7


def test_a_kim_profile_shows_its_public_fields(client, demo):
    kim = Kim.objects.get(name="KIM Kecamatan Parenggean")
    html = client.get(kim.get_absolute_url()).content.decode()
    assert "Kelurahan Parenggean" in html
    assert "14 September 2021" in html
    assert "Rapat konsolidasi" in html
    assert "Ketua: Rahmat Hidayat (contoh)" in html


def test_an_unknown_kim_is_not_found(client, demo):
    assert client.get("/kim/999999/").status_code == 404


def test_the_directory_marks_each_kim_active_or_not_today(client, demo):
    make_kim(
        desa=Desa.objects.get(code="62.02.02.2004"),
        name="KIM Lama",
        formed_on=date(2020, 1, 1),
        inactive_since=date(2021, 1, 1),
    )
    html = client.get("/kim/", {"kecamatan": "62.02.02"}).content.decode()
    assert "KIM Lama" in html
    assert '<span class="badge warn">Tidak aktif</span>' in html
    assert '<span class="badge ok">Aktif</span>' not in html


def directory_queries(client, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/kim/", params or {})
    assert (response.status_code, response.get("X-Cache")) == (200, "miss")  # rendered, not a cached copy
    return len(queries)


def test_the_directory_costs_the_same_queries_for_3_kim_as_for_40(client, kotim):
    desa = list(Desa.objects.filter(kecamatan__kabupaten=kotim)[:40])
    tier = make_tier()
    for d in desa[:3]:
        make_kim(desa=d, tier=tier)
    few = directory_queries(client), directory_queries(client, {"kecamatan": desa[0].kecamatan.code, "q": "KIM"})
    for d in desa[3:]:
        make_kim(desa=d, tier=tier)
    many = directory_queries(client), directory_queries(client, {"kecamatan": desa[0].kecamatan.code, "q": "KIM"})
    assert few == many
    # Its count comes with the page's ids, its vitality with its rows (core.paginator.page_by_ids).
    assert max(many) <= 7


def test_the_sort_choices_say_which_way_in_indonesian_and_in_english(client, demo):
    expected = {
        "id": [
            "Nama (A–Z)",
            "Nama (Z–A)",
            "Tanggal terbentuk (terbaru)",
            "Tanggal terbentuk (terlama)",
            "Kecamatan (A–Z)",
            "Kecamatan (Z–A)",
        ],
        "en": [
            "Name (A–Z)",
            "Name (Z–A)",
            "Date formed (newest first)",
            "Date formed (oldest first)",
            "Kecamatan (A–Z)",
            "Kecamatan (Z–A)",
        ],
    }
    for language, url in (("id", "/kim/"), ("en", "/en/kim/")):
        select = re.search(r'<select name="urut"[^>]*>(.*?)</select>', client.get(url).content.decode(), re.S)
        assert re.findall(r"<option [^>]*>(.*?)</option>", select.group(1)) == expected[language]


def test_kim_formed_on_the_same_day_keep_their_places_by_name(demo):
    Kim.objects.update(formed_on=date(2021, 9, 14))
    kims = KimFilter({"urut": "-terbentuk"}, queryset=Kim.objects.all(), kabupaten=demo).qs
    names = list(kims.values_list("name", flat=True))
    assert names == sorted(names)


def test_the_directory_filters_by_the_vitality_its_badges_show(client, demo):
    from datetime import timedelta

    from django.utils import timezone

    before = {v: filtered(demo, vitalitas=v) for v in ("aktif", "vakum", "sk-berakhir")}
    assert sum(before.values()) == 12  # every active KIM of the demo is one of the three
    today, desa = timezone.localdate(), Desa.objects.filter(kecamatan__code="62.02.02")
    make_kim(desa=desa[0], name="KIM Baru Bersemi", formed_on=today - timedelta(days=10))
    make_kim(desa=desa[1], name="KIM Lama Sepi", formed_on=date(2020, 1, 1))
    ended = make_kim(desa=desa[2], name="KIM SK Habis", formed_on=today - timedelta(days=30))
    ended.sk_number, ended.sk_date, ended.sk_term_end = "1/2026", ended.formed_on, today - timedelta(days=1)
    ended.save()
    after = {v: filtered(demo, vitalitas=v) for v in ("aktif", "vakum", "sk-berakhir")}
    assert after == {
        "aktif": before["aktif"] + 1,
        "vakum": before["vakum"] + 1,
        "sk-berakhir": before["sk-berakhir"] + 1,
    }
    page = client.get("/kim/", {"vitalitas": "sk-berakhir"}).content.decode()
    assert "KIM SK Habis" in page and "KIM Lama Sepi" not in page
    assert "Masa bakti pengurus menurut SK sudah lewat" in page  # each badge explained beside the list

"""A kecamatan's desa target, where people look: its public page and the admin's Kecamatan list.
A kecamatan is measured against its own target, else its kabupaten's applied to its desa."""

import re
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coverage.models import DesaTarget
from coverage.targets import applicable_targets

from ..factories import make_desa, make_kabupaten, make_kecamatan, make_kim


def make_target(*, kabupaten, year, percent, kecamatan=None):
    return DesaTarget.objects.create(
        kabupaten=kabupaten, kecamatan=kecamatan, year=year, target_percent=Decimal(percent)
    )


def kecamatan_with_desa(kabupaten, code, *, desa, covered):
    kecamatan = make_kecamatan(kabupaten=kabupaten, code=code, name=f"Kecamatan {code}")
    places = [make_desa(kecamatan=kecamatan) for _ in range(desa)]
    for place in places[:covered]:
        make_kim(desa=place, formed_on=date(2023, 5, 1))
    return kecamatan


def test_a_kecamatan_is_measured_by_its_own_target_else_its_kabupatens(db):
    kabupaten = make_kabupaten()
    own = kecamatan_with_desa(kabupaten, "62.02.01", desa=4, covered=1)
    other = kecamatan_with_desa(kabupaten, "62.02.02", desa=4, covered=1)
    elsewhere = kecamatan_with_desa(
        make_kabupaten(code="62.06", name="Kabupaten Katingan"), "62.06.01", desa=2, covered=0
    )
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    make_target(kabupaten=kabupaten, kecamatan=own, year=2024, percent="75")
    make_target(kabupaten=kabupaten, year=2023, percent="10")
    targets = applicable_targets([own, other, elsewhere], 2024)
    assert {k: t.target_percent for k, t in targets.items()} == {own.pk: Decimal("75"), other.pk: Decimal("50")}


def test_the_kecamatan_page_shows_its_own_target_and_progress(client, db):
    kabupaten = make_kabupaten()
    kecamatan = kecamatan_with_desa(kabupaten, "62.02.04", desa=10, covered=2)
    make_target(kabupaten=kabupaten, kecamatan=kecamatan, year=2024, percent="50")
    page = client.get(f"/kecamatan/{kecamatan.code}/?tanggal=2024-07-01").content.decode()
    assert "Target desa/kelurahan ber-KIM 2024" in page
    assert "20,0% desa/kelurahan memiliki KIM aktif; target 50,0%." in page
    assert re.search(r"Masih diperlukan</dt><dd>3</dd>", page)
    assert "diterapkan pada desa/kelurahan di kecamatan ini" not in page


def test_the_kecamatan_page_measures_its_desa_against_the_kabupatens_target_and_says_so(client, db):
    kabupaten = make_kabupaten()
    kecamatan = kecamatan_with_desa(kabupaten, "62.02.04", desa=10, covered=2)
    make_target(kabupaten=kabupaten, year=2024, percent="30")
    page = client.get(f"/kecamatan/{kecamatan.code}/?tanggal=2024-07-01").content.decode()
    assert "Target Kabupaten Kotawaringin Timur, diterapkan pada desa/kelurahan di kecamatan ini." in page
    assert re.search(r"Masih diperlukan</dt><dd>1</dd>", page)


def test_a_kecamatan_without_a_target_shows_none(client, db):
    kecamatan = kecamatan_with_desa(make_kabupaten(), "62.02.04", desa=3, covered=1)
    assert "Target desa/kelurahan ber-KIM" not in client.get(f"/kecamatan/{kecamatan.code}/").content.decode()


def test_the_admins_kecamatan_list_shows_each_target_and_how_far_it_is(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    year = timezone.localdate().year
    own = kecamatan_with_desa(kabupaten, "62.02.01", desa=4, covered=1)
    kecamatan_with_desa(kabupaten, "62.02.02", desa=4, covered=2)
    make_target(kabupaten=kabupaten, kecamatan=own, year=year, percent="75")
    make_target(kabupaten=kabupaten, year=year, percent="50")
    client.force_login(diskominfo_admin)
    html = client.get("/admin/registry/kecamatan/").content.decode()
    cells = re.findall(r'<td class="field-desa_target">([^<]*)</td>', html)
    assert cells == ["75%: kurang 2 desa", "50% (kabupaten): tercapai"]


def test_the_target_column_costs_one_query_whatever_the_number_of_kecamatan(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    year = timezone.localdate().year
    make_target(kabupaten=kabupaten, year=year, percent="50")
    client.force_login(diskominfo_admin)

    def grow(start, n):
        for i in range(start, start + n):
            kecamatan = kecamatan_with_desa(kabupaten, f"62.02.{i:02d}", desa=2, covered=1)
            make_target(kabupaten=kabupaten, kecamatan=kecamatan, year=year, percent="40")

    grow(1, 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/registry/kecamatan/")
    grow(10, 15)
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/registry/kecamatan/")
    assert len(many) == len(few)

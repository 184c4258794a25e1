"""Staff see coverage in the admin's Kecamatan and Desa lists, computed as on the public dashboard."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan, make_kim


def test_the_kecamatan_list_shows_active_kim_desa_covered_and_stage(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    parenggean = make_kecamatan(kabupaten=kabupaten, code="62.02.04", name="Parenggean")
    make_kim(desa=make_desa(kecamatan=parenggean), name="KIM Aktif")
    make_desa(kecamatan=parenggean)
    make_event(kecamatan=make_kecamatan(kabupaten=kabupaten, code="62.02.05", name="Baamang"))
    client.force_login(diskominfo_admin)
    html = client.get("/admin/registry/kecamatan/").content.decode()
    assert "1 dari 2" in html and "KIM aktif" in html
    assert "Sosialisasi dilaksanakan" in html  # Baamang's stage


def test_the_kecamatan_list_filters_uncovered_ones(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    make_kim(desa=make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten, code="62.02.04", name="Parenggean")))
    make_kecamatan(kabupaten=kabupaten, code="62.02.05", name="Baamang")
    client.force_login(diskominfo_admin)
    listed = client.get("/admin/registry/kecamatan/", {"cakupan": "belum"}).context["cl"].result_list
    assert [k.name for k in listed] == ["Baamang"]


def test_the_kecamatan_list_costs_the_same_queries_whatever_the_number_of_rows(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    client.force_login(diskominfo_admin)

    def grow(n, start):
        for i in range(start, start + n):
            kecamatan = make_kecamatan(kabupaten=kabupaten, code=f"62.02.{i:02d}")
            make_kim(desa=make_desa(kecamatan=kecamatan))
            make_event(kecamatan=kecamatan)

    grow(3, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/registry/kecamatan/")
    grow(15, 10)
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/registry/kecamatan/")
    assert len(many) == len(few)


def test_the_desa_list_says_which_desa_have_an_active_kim(client, diskominfo_admin):
    kecamatan = make_kecamatan(kabupaten=make_kabupaten(), code="62.02.04")
    with_kim = make_desa(kecamatan=kecamatan, name="Tehang")
    make_kim(desa=with_kim)
    make_desa(kecamatan=kecamatan, name="Sari Harapan")
    client.force_login(diskominfo_admin)
    listed = client.get("/admin/registry/desa/").context["cl"].result_list
    assert {d.name: d.active_kim_today for d in listed} == {"Tehang": True, "Sari Harapan": False}


def test_desa_of_one_name_in_two_kecamatan_are_told_apart_in_the_autocomplete(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten, code="62.02.10", name="Cempaga"), name="Patai")
    make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten, code="62.02.11", name="Cempaga Hulu"), name="Patai")
    client.force_login(diskominfo_admin)
    params = {"app_label": "registry", "model_name": "kim", "field_name": "desa", "term": "Patai"}
    texts = sorted(r["text"] for r in client.get("/admin/autocomplete/", params).json()["results"])
    assert texts == ["Patai — Cempaga", "Patai — Cempaga Hulu"]


def test_a_chosen_desa_shows_its_kecamatan_on_the_form(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    kim = make_kim(desa=make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten, name="Cempaga"), name="Patai"))
    client.force_login(diskominfo_admin)
    html = client.get(f"/admin/registry/kim/{kim.pk}/change/").content.decode()
    assert "Patai — Cempaga</option>" in html


def test_the_desa_autocomplete_narrows_to_the_kecamatan_chosen_first(client, diskominfo_admin):
    kabupaten = make_kabupaten()
    cempaga = make_kecamatan(kabupaten=kabupaten, code="62.02.10", name="Cempaga")
    make_desa(kecamatan=cempaga, name="Patai")
    make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten, code="62.02.11", name="Cempaga Hulu"), name="Patai")
    client.force_login(diskominfo_admin)
    params = {"app_label": "coverage", "model_name": "outreachevent", "field_name": "desa", "term": "Patai"}
    results = client.get("/admin/autocomplete/", {**params, "kecamatan": cempaga.pk}).json()["results"]
    assert [r["text"] for r in results] == ["Patai — Cempaga"]

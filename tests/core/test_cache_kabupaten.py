"""A write in one kabupaten leaves every other kabupaten's cached pages hot (issue 23).

A portal for Kalimantan Tengah (or the whole country) with Kotim (A) and Katingan (B): a change
in Kotim through each real write path makes Kotim's pages and the region's roll-ups cold at once
in the process that wrote and within PAGE_CACHE_VERSION_SECONDS in the others, and Katingan's
pages keep coming from the cache. The tests with `page_cache` run on local memory and on Redis;
test_cache_workers.py does it across processes.
"""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import cache as core_cache
from core.review import Review
from coverage.models import OutreachEvent
from registry.models import Desa, Kim, Tier
from registry.regions import load_regions

from ..factories import make_event, make_kim, make_officer_user, make_user
from ..test_admin import kim_change_form
from ..test_region_polish import serve_region

A, B = "62.02", "62.06"


def serve_two_kabupaten(settings, region: str) -> dict[str, Kim]:
    """Kotim and Katingan on the portal of `region`, a KIM with an event in each."""
    serve_region(settings, region)
    load_regions([B])
    kims = {}
    for code, desa in (
        (A, Desa.objects.get(code="62.02.04.1004")),
        (B, Desa.objects.filter(code__startswith=B).first()),
    ):
        kims[code] = make_kim(desa=desa, name=f"KIM Uji {code}")
        make_event(kecamatan=desa.kecamatan, kims=[kims[code]])
    make_kim(desa=kims[A].desa, name="KIM Menunggu", review_status=Review.WAITING)  # a field officer's proposal
    return kims


@pytest.fixture
def two_kabupaten(kotim, settings):
    """A portal for Kalimantan Tengah with Kotim and Katingan."""
    return serve_two_kabupaten(settings, "62")


def pages_of(kim) -> list[str]:
    """A kabupaten's own pages on a region portal: by path, by a KIM's number, by ?kabupaten=."""
    code, kecamatan = kim.desa.kecamatan.kabupaten.code, kim.desa.kecamatan.code
    return [
        f"/kabupaten/{code}/",
        f"/en/kabupaten/{code}/",
        f"/kecamatan/{kecamatan}/",
        f"/kim/{kim.pk}/",
        f"/kim/?kabupaten={code}",
        f"/laporan/2022/?kabupaten={code}",
    ]


ROLL_UPS = ["/", "/kim/", "/data/", "/laporan/2022/"]


def warm(client, urls):
    """Visit each page until it comes from the cache (a KIM's page on a region portal is kept
    under its kabupaten once its view has named it: the second visit)."""
    for url in urls:
        states = [client.get(url).get("X-Cache") for _ in range(3)]
        assert "hit" in states, (url, states)


def states(client, urls) -> dict[str, str]:
    return {url: client.get(url).get("X-Cache", "none") for url in urls}


def signed_in(user) -> Client:
    """A second browser for the writer: the visitor's own stays anonymous, so cacheable."""
    browser = Client()
    browser.force_login(user)
    return browser


def admin_save(kims):
    staff = signed_in(make_user(username="sari", is_staff=True, is_superuser=True))
    kim = kims[A]
    response = staff.post(f"/admin/registry/kim/{kim.pk}/change/", kim_change_form(kim, [], name="KIM Uji Baru"))
    assert response.status_code == 302


def admin_bulk_verify(kims):
    staff = signed_in(make_user(username="sari", is_staff=True, is_superuser=True))
    waiting = Kim.objects.get(name="KIM Menunggu")
    staff.post(reverse("admin:registry_kim_changelist"), {"action": "verify", "_selected_action": [waiting.pk]})
    assert Kim.objects.get(pk=waiting.pk).review_status == Review.ACCEPTED


def field_report(kims):
    kecamatan = kims[A].desa.kecamatan
    agus = signed_in(make_officer_user(username="agus", kecamatan=[kecamatan]))
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = {"client_id": str(uuid.uuid4()), "title": "Sosialisasi KIM", "kind": OutreachEvent.Kind.SOSIALISASI}
    data |= {"kecamatan": kecamatan.pk, "day": day, "participants": "30", "summary": "Warga antusias."}
    response = agus.post(reverse("field:report-submit"), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 201, response.content


def admin_delete(kims):
    staff = signed_in(make_user(username="sari", is_staff=True, is_superuser=True))
    event = OutreachEvent.objects.get(kecamatan__kabupaten__code=A)
    response = staff.post(f"/admin/coverage/outreachevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not OutreachEvent.objects.filter(pk=event.pk).exists()


def spreadsheet_import(kims):
    staff = signed_in(make_user(username="sari", is_staff=True, is_superuser=True))
    text = "kode_desa;nama;tanggal_terbentuk\r\n62.02.04.1004;KIM Impor;2022-01-01\r\n"
    upload = SimpleUploadedFile("kim.csv", text.encode())
    preview = staff.post("/admin/registry/kim/import/", {"format": "0", "import_file": upload}).content.decode()
    fields = {
        name: preview.split(f'name="{name}" value="')[1].split('"')[0]
        for name in ("import_file_name", "original_file_name", "format")
    }
    staff.post("/admin/registry/kim/process_import/", {**fields, "resource": ""})
    assert Kim.objects.filter(name="KIM Impor").exists()


def event_linked_to_a_kim(kims):
    make_event(kecamatan=kims[A].desa.kecamatan).kims.add(kims[A])


WRITES = [admin_save, admin_bulk_verify, field_report, admin_delete, spreadsheet_import, event_linked_to_a_kim]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_a_write_in_one_kabupaten_makes_its_pages_and_the_roll_ups_cold_and_leaves_the_other_hot(
    client, two_kabupaten, write
):
    a, b = pages_of(two_kabupaten[A]), pages_of(two_kabupaten[B])
    warm(client, a + b + ROLL_UPS)

    write(two_kabupaten)

    after = states(client, a + b + ROLL_UPS)
    assert [url for url in a + ROLL_UPS if after[url] == "hit"] == []
    assert {url: after[url] for url in b} == dict.fromkeys(b, "hit")


def test_on_a_country_portal_a_write_in_one_kabupaten_leaves_the_other_hot(client, page_cache, kotim, settings):
    kims = serve_two_kabupaten(settings, "")
    a, b = pages_of(kims[A]), pages_of(kims[B])
    warm(client, a + b + ROLL_UPS)

    admin_save(kims)

    after = states(client, a + b + ROLL_UPS)
    assert [url for url in a + ROLL_UPS if after[url] == "hit"] == []
    assert {url: after[url] for url in b} == dict.fromkeys(b, "hit")


def test_another_worker_sees_the_write_within_a_second_and_keeps_the_other_kabupaten_hot(
    client, page_cache, two_kabupaten, settings, monkeypatch
):
    settings.PAGE_CACHE_VERSION_SECONDS = 1
    clock = [core_cache.time.monotonic()]  # stands still but when the test moves it
    monkeypatch.setattr("core.cache.time.monotonic", lambda: clock[0])
    a, b = pages_of(two_kabupaten[A]), pages_of(two_kabupaten[B])
    warm(client, a + b + ROLL_UPS)
    trusted = dict(core_cache._known)  # what this worker read: the write happens in another one

    admin_save(two_kabupaten)
    core_cache._known.clear()
    core_cache._known.update(trusted)

    assert set(states(client, a + b).values()) == {"hit"}  # trusted for up to a second
    clock[0] += 1
    after = states(client, a + b + ROLL_UPS)
    assert [url for url in a + ROLL_UPS if after[url] == "hit"] == []
    assert {url: after[url] for url in b} == dict.fromkeys(b, "hit")


def test_a_kim_moved_to_another_kabupaten_makes_both_kabupatens_pages_cold(client, two_kabupaten):
    a, b = pages_of(two_kabupaten[A]), pages_of(two_kabupaten[B])
    warm(client, a + b)
    kim = two_kabupaten[A]
    kim.desa = two_kabupaten[B].desa
    kim.save()
    after = states(client, a + b)
    assert [url for url in a + b if after[url] == "hit"] == []


def test_an_event_in_one_kabupaten_changed_makes_the_page_of_its_kim_in_another_cold(client, two_kabupaten):
    event = make_event(kecamatan=two_kabupaten[A].desa.kecamatan, kims=[two_kabupaten[B]], title="Lintas kabupaten")
    page = f"/kim/{two_kabupaten[B].pk}/"
    warm(client, [page])
    event.title = "Lintas kabupaten, diganti"
    event.save()
    response = client.get(page)
    assert response["X-Cache"] == "miss"
    assert "Lintas kabupaten, diganti" in response.content.decode()


def test_a_change_to_what_every_kabupaten_shares_makes_every_page_cold(client, two_kabupaten):
    b = pages_of(two_kabupaten[B])
    warm(client, b + ROLL_UPS)
    Tier.objects.create(name="Utama", rank=3)
    after = states(client, b + ROLL_UPS)
    assert [url for url in b + ROLL_UPS if after[url] == "hit"] == []


def test_a_page_a_hostile_query_names_the_wrong_kabupaten_for_is_not_kept_under_it(client, two_kabupaten):
    """The dashboard ignores ?kabupaten=: its roll-up must not be kept under Katingan's version."""
    warm(client, [f"/?kabupaten={B}"])  # kept, under the region's version once the view said so
    make_kim(desa=two_kabupaten[A].desa, name="KIM Roll-up")
    assert client.get("/", {"kabupaten": B})["X-Cache"] == "miss"

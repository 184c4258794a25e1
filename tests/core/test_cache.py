"""The public page is served from the cache, and every change shows at once."""

import time
from datetime import date

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation

from core.cache import page_key
from coverage.models import OutreachEvent
from registry.models import Desa, Kecamatan, Kim
from registry.regions import load_regions

from ..factories import make_event, make_kim, make_pengurus


@pytest.fixture
def parenggean(kotim):
    return Kecamatan.objects.get(code="62.02.04")


def headline(client):
    return client.get("/").content.decode().split('class="headline">')[1].split("<")[0]


def test_a_second_visit_is_served_from_the_cache_without_a_query(client, page_cache, kotim, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response["X-Cache"] == "hit"
    assert "0 dari 17 kecamatan" in response.content.decode()


def test_a_new_kim_shows_on_the_cached_page_at_once(client, page_cache, parenggean):
    assert headline(client) == "0 dari 17 kecamatan sudah memiliki KIM"
    make_kim(desa=parenggean.desa.first())
    assert headline(client) == "1 dari 17 kecamatan sudah memiliki KIM"


def test_a_kim_going_inactive_shows_at_once(client, page_cache, parenggean):
    kim = make_kim(desa=parenggean.desa.first())
    headline(client)
    kim.inactive_since, kim.inactive_reason = date(2022, 1, 1), "Bubar"
    kim.save()
    assert headline(client) == "0 dari 17 kecamatan sudah memiliki KIM"


def test_a_deleted_kim_disappears_at_once(client, page_cache, parenggean):
    kim = make_kim(desa=parenggean.desa.first())
    headline(client)
    Kim.objects.filter(pk=kim.pk).delete()
    assert headline(client) == "0 dari 17 kecamatan sudah memiliki KIM"


def test_a_new_event_shows_at_once(client, page_cache, parenggean):
    client.get("/")
    make_event(kecamatan=parenggean, title="Sosialisasi KIM", starts_at=date(2022, 3, 24))
    assert "Sosialisasi, 24 Maret 2022" in client.get("/").content.decode()


def test_a_renamed_kecamatan_shows_at_once(client, page_cache, parenggean):
    client.get("/")
    parenggean.name = "Parenggean Raya"
    parenggean.save()
    assert "Parenggean Raya" in client.get("/").content.decode()


def test_regions_reloaded_in_bulk_show_at_once(client, page_cache, parenggean):
    Kecamatan.objects.filter(pk=parenggean.pk).update(name="Nama Lama")  # as an older code file had it
    assert "Nama Lama" in client.get("/").content.decode()  # now cached
    load_regions(["62.02"])  # bulk update back to the Kemendagri name: no post_save, so load_regions invalidates itself
    page = client.get("/").content.decode()
    assert "Parenggean" in page and "Nama Lama" not in page


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda kim, event: make_pengurus(kim=kim), id="pengurus added"),
        pytest.param(lambda kim, event: event.kims.add(kim), id="event linked to a KIM"),
        pytest.param(lambda kim, event: OutreachEvent.objects.get(pk=event.pk).delete(), id="event deleted"),
        pytest.param(lambda kim, event: Desa.objects.first().save(), id="desa saved"),
        pytest.param(lambda kim, event: load_regions(["62.01"]), id="regions loaded in bulk"),
    ],
)
def test_every_kind_of_change_makes_the_cached_page_stale(client, page_cache, parenggean, change):
    kim = make_kim(desa=parenggean.desa.first())
    event = make_event(kecamatan=parenggean)
    client.get("/")
    key_before = page_key(RequestFactory().get("/"))
    change(kim, event)
    assert page_key(RequestFactory().get("/")) != key_before
    assert client.get("/")["X-Cache"] == "miss"


def test_each_day_parameter_is_cached_separately(client, page_cache, parenggean):
    make_kim(desa=parenggean.desa.first(), formed_on=date(2022, 6, 1))
    assert "0 dari 17" in client.get("/", {"tanggal": "2022-01-01"}).content.decode()
    assert "1 dari 17" in client.get("/", {"tanggal": "2022-07-01"}).content.decode()


def test_the_key_holds_the_language_and_the_day(page_cache, db, monkeypatch):
    request = RequestFactory().get("/")
    with translation.override("id"):
        indonesian = page_key(request)
    with translation.override("en"):
        english = page_key(request)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: date(2031, 1, 2))
    with translation.override("id"):
        tomorrow = page_key(request)
    assert len({indonesian, english, tomorrow}) == 3
    assert "2031-01-02" in tomorrow


def test_visitors_with_a_session_always_get_a_fresh_page(staff_client, page_cache, kotim):
    staff_client.get("/")
    assert "X-Cache" not in staff_client.get("/")


def test_an_invalid_day_is_not_cached(client, page_cache, kotim):
    client.get("/", {"tanggal": "kemarin"})
    assert "X-Cache" not in client.get("/", {"tanggal": "kemarin"})


def test_a_worker_trusting_its_version_for_a_while_still_sees_its_own_changes_at_once(
    client, page_cache, parenggean, settings
):
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    assert headline(client) == "0 dari 17 kecamatan sudah memiliki KIM"
    make_kim(desa=parenggean.desa.first())
    assert headline(client) == "1 dari 17 kecamatan sudah memiliki KIM"


def test_a_worker_trusting_its_version_sees_another_workers_change_once_the_time_is_up(
    client, page_cache, parenggean, settings, monkeypatch
):
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    headline(client)
    with monkeypatch.context() as m:
        m.setattr("core.cache.invalidate_pages", lambda: None)  # the change happens in another worker...
        m.setattr("core.cache._bump", lambda *scopes: None)
        make_kim(desa=parenggean.desa.first())
    cache.incr("kimportal:pages:version")  # ...which bumps the shared version
    assert headline(client) == "0 dari 17 kecamatan sudah memiliki KIM"
    clock = time.monotonic() + 61
    monkeypatch.setattr("core.cache.time.monotonic", lambda: clock)
    assert headline(client) == "1 dari 17 kecamatan sudah memiliki KIM"


def test_the_csv_export_is_streamed_not_built_in_memory(client, kotim):
    response = client.get("/data/coverage.csv")
    assert response.streaming
    assert response.getvalue().decode().count("\n") == 18  # header and 17 kecamatan


def test_the_directory_is_cached_and_shows_a_new_kim_at_once(client, page_cache, parenggean):
    client.get("/kim/")
    assert client.get("/kim/")["X-Cache"] == "hit"
    make_kim(desa=Desa.objects.get(code="62.02.04.2001"), name="KIM Tehang Baru")
    assert "KIM Tehang Baru" in client.get("/kim/").content.decode()

"""A harvester fetches a dataset again only when it changed: ETag, Last-Modified and 304."""

import pytest

from opendata.datasets import DATASETS
from registry.models import Kim


@pytest.mark.parametrize("slug", list(DATASETS))
def test_every_download_carries_an_etag_and_a_last_modified_date(client, demo, slug):
    response = client.get(f"/data/{slug}.csv")
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith(" GMT")


def test_a_harvester_holding_the_current_file_gets_304_without_a_body(client, demo):
    first = client.get("/data/kim.csv")
    again = client.get("/data/kim.csv", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_harvester_asking_by_date_gets_304_too(client, demo):
    first = client.get("/data/events.json")
    again = client.get("/data/events.json", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304


def test_a_304_costs_no_more_queries_than_the_validators(client, demo, django_assert_max_num_queries):
    etag = client.get("/data/coverage.csv")["ETag"]
    with django_assert_max_num_queries(6):
        assert client.get("/data/coverage.csv", headers={"If-None-Match": etag}).status_code == 304


def test_a_renamed_kim_changes_the_etag_and_the_file_comes_again(client, demo):
    etag = client.get("/data/kim.csv")["ETag"]
    kim = Kim.objects.first()
    kim.name = "KIM Baru Sekali"
    kim.save()
    again = client.get("/data/kim.csv", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_deleted_kim_changes_the_etag(client, demo):
    etag = client.get("/data/desa-coverage.csv")["ETag"]
    Kim.objects.filter(pk=Kim.objects.first().pk).delete()
    assert client.get("/data/desa-coverage.csv")["ETag"] != etag


def test_another_day_another_format_or_another_filter_is_another_file(client, demo):
    etags = {
        client.get(url)["ETag"]
        for url in [
            "/data/coverage.csv",
            "/data/coverage.json",
            "/data/coverage.csv?tanggal=2022-03-25",
            "/data/kim.csv?kecamatan=62.02.05",
        ]
    }
    assert len(etags) == 4


def test_an_invalid_day_is_still_refused_with_400(client, demo):
    assert client.get("/data/coverage.csv?tanggal=2099-01-01").status_code == 400


def test_last_updated_is_the_newest_public_change_of_the_kabupaten_alone(demo):
    """The datasets page's dates read each kecamatan's and desa's newest row through an index
    (KimQuerySet/OutreachEventQuerySet.last_updated): still the newest of the kabupaten's public
    events and KIM, never another kabupaten's, never a plan beyond the horizon."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from coverage.models import OutreachEvent
    from opendata.datasets import last_updated
    from registry.models import Kabupaten

    from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan, make_kim

    kotim = Kabupaten.objects.get(code="62.02")
    days = iter(timezone.now() - timedelta(days=n) for n in range(5, 0, -1))
    OutreachEvent.objects.update(updated_at=next(days))
    Kim.objects.update(updated_at=next(days))
    newest_event = OutreachEvent.objects.public().order_by("starts_at").first()
    OutreachEvent.objects.filter(pk=newest_event.pk).update(updated_at=next(days))
    far_plan = make_event(
        kecamatan=newest_event.kecamatan, status="planned", starts_at=timezone.now() + timedelta(days=9)
    )
    far = timezone.make_aware(datetime(9999, 1, 1))
    OutreachEvent.objects.filter(pk=far_plan.pk).update(starts_at=far)  # stored around the form's check
    elsewhere = make_kecamatan(kabupaten=make_kabupaten(code="62.06", name="Katingan"), code="62.06.01")
    other = make_event(kecamatan=elsewhere)
    other_kim = make_kim(desa=make_desa(kecamatan=elsewhere))
    OutreachEvent.objects.filter(pk__in=[far_plan.pk, other.pk]).update(updated_at=timezone.now())
    Kim.objects.filter(pk=other_kim.pk).update(updated_at=timezone.now())

    updated = last_updated(kotim)

    assert updated["events"] == OutreachEvent.objects.get(pk=newest_event.pk).updated_at
    assert updated["kim"] == Kim.objects.in_kabupaten(kotim).order_by("-updated_at").first().updated_at
    assert updated["kim"] < updated["events"] < timezone.now() - timedelta(hours=1)
    assert updated["coverage"] == updated["events"]

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

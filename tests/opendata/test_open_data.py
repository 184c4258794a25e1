"""The open-data page lists every dataset; each downloads as CSV and JSON with its documented columns."""

import csv
import io
import json

import pytest

from opendata.datasets import DATASETS


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_open_data_page_lists_each_dataset_with_licence_and_fields(client, demo):
    html = client.get("/data/").content.decode()
    for dataset in DATASETS.values():
        assert str(dataset.title) in html
        assert f'href="/data/{dataset.slug}.csv"' in html
        assert f'href="/data/{dataset.slug}.json"' in html
    assert "CC BY 4.0" in html
    assert "<code>kecamatan_code</code>" in html


@pytest.mark.parametrize("slug", list(DATASETS))
def test_csv_and_json_carry_the_documented_columns_in_order(client, demo, slug):
    dataset = DATASETS[slug]
    rows = list(csv.DictReader(io.StringIO(download(client, f"/data/{slug}.csv"))))
    data = json.loads(download(client, f"/data/{slug}.json"))
    assert list(rows[0]) == dataset.column_names
    assert list(data[dataset.list_key][0]) == dataset.column_names
    assert len(rows) == len(data[dataset.list_key])


def test_desa_coverage_lists_all_185_desa_and_the_12_with_a_kim(client, demo):
    data = json.loads(download(client, "/data/desa-coverage.json"))
    assert len(data["desa"]) == 185
    assert sum(d["covered"] for d in data["desa"]) == 12


def test_the_events_dataset_holds_the_two_parenggean_meetings(client, demo):
    rows = list(csv.DictReader(io.StringIO(download(client, "/data/events.csv"))))
    assert [(r["date"], r["kind"], r["status"]) for r in rows] == [
        ("2022-03-24", "konsolidasi", "held"),
        ("2022-03-30", "sosialisasi", "planned"),
    ]


def test_an_unknown_dataset_is_not_found(client, demo):
    assert client.get("/data/rahasia.csv").status_code == 404


def test_a_title_a_spreadsheet_would_run_as_a_formula_is_defused_in_csv_only(client, demo):
    from coverage.models import OutreachEvent

    OutreachEvent.objects.filter(kind="konsolidasi").update(title='=HYPERLINK("http://contoh.invalid")')
    rows = list(csv.DictReader(io.StringIO(download(client, "/data/events.csv"))))
    data = json.loads(download(client, "/data/events.json"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://contoh.invalid")'
    assert data["events"][0]["title"] == '=HYPERLINK("http://contoh.invalid")'


def test_the_directory_download_filtered_to_one_kecamatan_holds_only_its_kim(client, demo):
    rows = list(csv.DictReader(io.StringIO(download(client, "/data/kim.csv?kecamatan=62.02.05"))))
    assert sorted(r["name"] for r in rows) == ["KIM Baamang Hilir", "KIM Baamang Tengah"]
    assert {r["kecamatan_code"] for r in rows} == {"62.02.05"}
    assert list(rows[0]) == DATASETS["kim"].column_names


def test_the_directory_page_links_to_a_download_of_what_it_shows(client, demo):
    html = client.get("/kim/", {"kecamatan": "62.02.05", "status": "aktif", "urut": "-nama"}).content.decode()
    assert 'href="/data/kim.csv?kecamatan=62.02.05&amp;status=aktif"' in html
    assert 'href="/data/kim.json?kecamatan=62.02.05&amp;status=aktif"' in html
    assert 'href="/data/kim.csv"' in client.get("/kim/").content.decode()
    assert "Download these results (CSV)" in client.get("/en/kim/", {"kecamatan": "62.02.05"}).content.decode()


def test_the_directory_files_are_named_after_what_they_hold(client, demo):
    from django.utils import timezone

    today = timezone.localdate().isoformat()

    def name(url):
        return client.get(url)["Content-Disposition"].split('filename="')[1].rstrip('"')

    assert name("/data/kim.csv") == f"kim-direktori-62.02-{today}.csv"
    assert name("/data/kim.json?kecamatan=62.02.05") == f"kim-direktori-62.02.05-{today}.json"
    assert name("/data/kim.csv?kecamatan=62.02.05&q=Tengah") == f"kim-direktori-62.02.05-tersaring-{today}.csv"
    assert name("/data/events.csv") == f"kim-events-62.02-{today}.csv"


def test_a_filtered_json_download_says_which_filters_it_holds(client, demo):
    data = json.loads(download(client, "/data/kim.json?q=baamang"))
    assert data["filters"] == {"q": "baamang"}
    assert len(data["kim"]) == 2
    assert "filters" not in json.loads(download(client, "/data/kim.json"))


def test_a_directory_download_with_an_unknown_kecamatan_is_refused(client, demo):
    response = client.get("/data/kim.csv", {"kecamatan": "11.01.01"})
    assert response.status_code == 400
    assert "kecamatan" in response.json()["error"]


def test_the_directory_filters_do_not_narrow_the_other_datasets(client, demo):
    rows = list(csv.DictReader(io.StringIO(download(client, "/data/coverage.csv?kecamatan=62.02.05"))))
    assert len(rows) == 17

"""The datasets as a Frictionless Data Package: `frictionless` (the reference implementation)
reads /data/datapackage.json from a running portal, fetches every CSV it names and checks each
row against its Table Schema: valid, with region codes kept as text ("62.10", not 62.1)."""

import json

import frictionless
import pytest

from coverage.models import OutreachEvent
from kimportal.demo import load_demo
from opendata.datasets import DATASETS
from registry.models import Desa
from registry.regions import load_regions

# A live server's test commits its rows; serialized_rollback keeps the roles made by data migration
# (load_demo gives them to its users) through the flush that follows.
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def validate(url: str) -> frictionless.Report:
    return frictionless.validate(url)


def errors(report: frictionless.Report) -> list[str]:
    return [f"{task.name}: {e.type}: {e.message}" for task in report.tasks for e in task.errors] + [
        f"package: {e.type}: {e.message}" for e in report.errors
    ]


@pytest.fixture
def kotim_server(live_server):
    load_regions(["62.02"])
    load_demo()
    return live_server


@pytest.fixture
def province_server(live_server, settings):
    """Kalimantan Tengah's portal with Kotim (62.02) and Pulang Pisau (62.10): a code a tool
    without the schema reads as the number 62.1."""
    settings.PORTAL_REGION = "62"
    load_regions(["62.02", "62.10"])
    load_demo()
    return live_server


@live
def test_the_kabupaten_portals_data_package_is_valid_with_every_resource_checked(kotim_server):
    report = validate(kotim_server.url + "/data/datapackage.json")
    assert errors(report) == []
    assert report.valid
    assert sorted(task.name for task in report.tasks) == sorted(DATASETS)
    assert next(t for t in report.tasks if t.name == "desa-coverage").stats["rows"] == 185


@live
def test_the_province_portals_region_codes_stay_text(province_server):
    package = frictionless.Package(province_server.url + "/data/datapackage.json")
    rows = package.get_resource("kabupaten").read_rows()
    assert [(r["code"], r["code_kemendagri"]) for r in rows] == [("62.02", "6202"), ("62.10", "6210")]
    assert validate(province_server.url + "/data/datapackage.json").valid


@live
def test_one_kabupaten_of_a_province_has_its_own_valid_package(province_server):
    url = province_server.url + "/data/datapackage.json?kabupaten=62.10"
    descriptor = json.loads(frictionless.Package(url).to_json())
    assert {r["path"].rsplit("/", 1)[1] for r in descriptor["resources"]} == {
        f"{slug}.csv?kabupaten=62.10" for slug in DATASETS
    }
    assert errors(validate(url)) == []


@live
def test_a_code_stored_around_the_rules_is_reported_by_its_pattern(kotim_server):
    Desa.objects.filter(code="62.02.04.2001").update(code="62.02.04.20O1")  # a letter O
    assert {e.split(": ")[1] for e in errors(validate(kotim_server.url + "/data/datapackage.json"))} >= {
        "constraint-error"
    }


@live
def test_an_event_in_a_desa_outside_the_files_breaks_its_foreign_key(kotim_server):
    load_regions(["62.06"])
    elsewhere = Desa.objects.filter(code__startswith="62.06.").first()
    OutreachEvent.objects.filter(kind="konsolidasi").update(desa=elsewhere)  # around the form's check
    found = errors(validate(kotim_server.url + "/data/datapackage.json"))
    assert [e for e in found if e.startswith("events: foreign-key")]


def test_the_descriptor_is_etagged_and_a_harvester_holding_it_gets_304(client, demo):
    first = client.get("/data/datapackage.json")
    again = client.get("/data/datapackage.json", headers={"if-none-match": first["ETag"]})
    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304


def test_a_kabupaten_outside_the_region_answers_400(client, demo):
    response = client.get("/data/datapackage.json", {"kabupaten": "99.99"})
    assert response.status_code == 400
    assert "tidak ada di wilayah portal" in response.json()["error"]

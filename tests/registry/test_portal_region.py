"""PORTAL_REGION: which region a portal serves, read once in settings and answered in one place."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from core.region import PortalRegion, RegionKind
from coverage.maps import DATA_DIR, build_region_outlines, kabupaten_map
from kimportal.demo import load_demo
from registry.models import Kabupaten, Kim
from registry.regions import load_regions

ROOT = Path(__file__).resolve().parents[2]


def portal_region_of(**env):
    """settings.PORTAL_REGION as a fresh process reads it from `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in {"PORTAL_REGION", "KABUPATEN_CODE"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(repr(settings.PORTAL_REGION))",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kimportal.settings", "ENV_FILE": "/dev/null", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
    )


def test_the_default_portal_serves_kotawaringin_timur():
    assert portal_region_of().stdout.strip() == "'62.02'"


def test_the_old_kabupaten_code_setting_still_works():
    assert portal_region_of(KABUPATEN_CODE="62.06").stdout.strip() == "'62.06'"


def test_portal_region_wins_over_the_old_setting_and_may_be_empty_for_the_country():
    assert portal_region_of(PORTAL_REGION="62", KABUPATEN_CODE="62.06").stdout.strip() == "'62'"
    assert portal_region_of(PORTAL_REGION="").stdout.strip() == "''"


def test_a_malformed_region_code_stops_the_app_with_a_clear_message():
    result = portal_region_of(PORTAL_REGION="Kalteng")
    assert result.returncode != 0
    assert "PORTAL_REGION='Kalteng' is not a region code" in result.stderr


def test_a_region_knows_its_kind_and_its_kabupaten():
    assert [PortalRegion(c).kind for c in ("62.02", "62", "")] == [
        RegionKind.KABUPATEN,
        RegionKind.PROVINCE,
        RegionKind.COUNTRY,
    ]
    assert PortalRegion("62").contains("62.06") and not PortalRegion("62").contains("63.01")


def test_in_portal_is_the_kabupaten_the_province_or_everything(db, settings):
    load_regions(["62.02", "62.06", "63.01"])
    answers = {}
    for code in ("62.02", "62", ""):
        settings.PORTAL_REGION = code
        answers[code] = list(Kabupaten.objects.in_portal().values_list("code", flat=True))
    assert answers == {"62.02": ["62.02"], "62": ["62.02", "62.06"], "": ["62.02", "62.06", "63.01"]}


def test_portal_or_none_is_the_kabupaten_of_a_kabupaten_portal_only(db, settings):
    load_regions(["62.02"])
    assert Kabupaten.objects.portal_or_none().code == "62.02"
    settings.PORTAL_REGION = "62"
    assert Kabupaten.objects.portal_or_none() is None
    assert Kabupaten.objects.portal_name() == "Kalimantan Tengah"


def test_load_regions_loads_every_kabupaten_kota_of_a_province_portal(db, settings):
    settings.PORTAL_REGION = "62"
    call_command("load_regions", stdout=open(os.devnull, "w"))
    assert Kabupaten.objects.count() == 14


def test_the_province_demo_adds_katingan_and_a_kabupaten_demo_does_not(db, settings):
    load_regions(["62.02", "62.06"])
    load_demo()
    assert not Kim.objects.filter(desa__kecamatan__kabupaten__code="62.06").exists()
    settings.PORTAL_REGION = "62"
    load_demo()
    assert Kim.objects.filter(desa__kecamatan__kabupaten__code="62.06").count() == 3


def test_katingans_own_portal_gets_its_demo_kim_without_loading_kotim_by_hand(db, settings, client):
    settings.PORTAL_REGION = "62.06"
    call_command("load_regions", stdout=open(os.devnull, "w"))  # what make run does: the portal's region only
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert Kim.objects.filter(desa__kecamatan__kabupaten__code="62.06").count() == 3
    html = client.get("/kim/").content.decode()
    assert "KIM Kasongan Baru" in html and "KIM Ketapang" not in html  # Kotim's demo KIM lie outside


def test_kabupaten_outlines_are_dissolved_from_their_kecamatan(tmp_path):
    target = tmp_path / "outlines.geojson.gz"
    assert build_region_outlines(DATA_DIR / "kotim_kecamatan.geojson", target) == (1, 1)
    features = json.loads(gzip.decompress(target.read_bytes()))["features"]
    assert [f["properties"]["kode"] for f in features] == ["62", "62.02"]
    assert features[1]["geometry"]["type"] == "MultiPolygon"


def test_the_shipped_outlines_hold_the_fourteen_kabupaten_kota_of_kalimantan_tengah():
    assert len(kabupaten_map("62").shapes) == 14

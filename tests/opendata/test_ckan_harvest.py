"""CKAN with ckanext-dcat (Satu Data Indonesia's harvester) reads the catalogue: its RDF parser, in
CKAN's own virtualenv (`make .venv-ckan/.installed`), finds every dataset with its three files,
its licence and its keywords, from the Turtle (DCAT-AP 3 profile) and the JSON-LD (DCAT-AP 2, its default)."""

import json
import subprocess
from pathlib import Path

import pytest

from opendata.datasets import DATASETS

from ..tools import missing_tool

ROOT = Path(__file__).resolve().parents[2]
CKAN_PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
PARSE = Path(__file__).with_name("ckan_parse.py")


def ckan_reads(text: str, rdf_format: str, profiles: str) -> list[dict]:
    if not CKAN_PYTHON.exists():
        missing_tool("CKAN with ckanext-dcat is missing: make .venv-ckan/.installed")
    result = subprocess.run(
        [CKAN_PYTHON, PARSE, rdf_format, profiles], input=text, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)["datasets"]


@pytest.mark.parametrize(
    ("url", "rdf_format", "profiles"),
    [("/data/catalog.ttl", "turtle", "euro_dcat_ap_3"), ("/data/catalog.jsonld", "json-ld", "euro_dcat_ap_2")],
)
def test_ckanext_dcat_harvests_every_dataset_with_its_files_and_licence(client, demo, url, rdf_format, profiles):
    datasets = ckan_reads(client.get(url).content.decode(), rdf_format, profiles)
    assert len(datasets) == len(DATASETS)
    assert {d["license_id"] for d in datasets} == {"cc-by"}
    assert all("KIM" in d["tags"] and d["title"] and d["notes"] for d in datasets)
    formats = [sorted(r["format"] for r in d["resources"]) for d in datasets]
    assert formats == [["CSV", "JSON", "XLSX"]] * len(DATASETS)

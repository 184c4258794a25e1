"""The datasets as a Frictionless Data Package (https://specs.frictionlessdata.io/data-package/):
one tabular resource per CSV download, its Table Schema written from the column definitions of
opendata/datasets.py (types, region code patterns, classifications, primary and foreign keys),
so that `frictionless validate <portal>/data/datapackage.json` checks every file and no tool has
to guess a type (62.10 stays the text "62.10", never the number 62.1).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from registry.models import Kabupaten

from .catalogue import COMMON_KEYWORDS, catalogue_description, catalogue_title
from .datasets import DATASETS, LICENCE, LICENCE_URL, Column, Dataset

TABLE_TYPES = {
    "text": "string",
    "code": "string",
    "kemendagri": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
}
MISSING_VALUES = [""]  # an empty cell: the CSV's only way to say null


def table_field(column: Column, dataset: Dataset) -> dict:
    """One field of a Table Schema: name, type, description (Indonesian) and constraints."""
    field = {"name": column.name, "type": TABLE_TYPES[column.kind], "description": str(column.description)}
    constraints = {}
    if column.levels:
        field["example"] = column.examples[0]
        constraints["pattern"] = column.pattern()
    if column.kind == "boolean":
        field |= {"trueValues": ["true"], "falseValues": ["false"]}
    if column.kind == "time":
        field["format"] = "%H:%M"
    if column.values:
        constraints["enum"] = list(column.values)
    if column.kind in ("integer", "number") and column.name not in ("year", "id"):
        constraints["minimum"] = 0  # counts and percentages
    if column.required or column.name in dataset.primary_key:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(dataset: Dataset) -> dict:
    schema = {
        "fields": [table_field(c, dataset) for c in dataset.columns],
        "missingValues": MISSING_VALUES,
        "primaryKey": list(dataset.primary_key),
    }
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": resource, "fields": [field]}}
            for column, resource, field in dataset.foreign_keys
        ]
    return schema


def data_package(*, described: Kabupaten, chosen: str, base: str) -> dict:
    """The descriptor for the files of the portal's region (`chosen` empty) or of one kabupaten/kota
    (`chosen`, its code, carried by every file's address as ?kabupaten=). Always in Indonesian."""
    query = "?" + urlencode({"kabupaten": chosen}) if chosen else ""
    publisher = f"Dinas Komunikasi dan Informatika {described.name}"
    with translation.override("id"):
        return {
            "profile": "tabular-data-package",
            "name": f"kim-{described.code.replace('.', '-')}".lower(),
            "title": catalogue_title(described),
            "description": catalogue_description(described),
            "homepage": base + reverse("opendata:index"),
            "keywords": [*COMMON_KEYWORDS, "Satu Data Indonesia", described.name],
            "licenses": [{"name": "CC-BY-4.0", "path": LICENCE_URL, "title": str(LICENCE)}],
            "sources": [
                {"title": f"Portal KIM {described.name}", "path": base + "/"},
                {
                    "title": "Kode dan nama wilayah: Kepmendagri No. 300.2.2-2138 Tahun 2025",
                    "path": "https://github.com/cahyadsn/wilayah",
                },
            ],
            "contributors": [{"title": publisher, "role": "publisher", "path": base + "/"}],
            "resources": [
                {
                    "name": dataset.slug,
                    "path": base + reverse("data:csv", args=[dataset.slug]) + query,
                    "profile": "tabular-data-resource",
                    "title": str(dataset.title),
                    "description": str(dataset.description),
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": table_schema(dataset),
                }
                for dataset in DATASETS.values()
            ],
        }

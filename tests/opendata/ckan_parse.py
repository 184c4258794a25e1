"""Read a DCAT catalogue (standard input) as a CKAN harvester does, with ckanext-dcat's RDF parser,
and print what CKAN would store as JSON: run with CKAN's own Python (make .venv-ckan/.installed),
never imported by the portal or its tests.

    curl -s https://<portal>/data/catalog.ttl | .venv-ckan/bin/python tests/opendata/ckan_parse.py turtle
"""

import json
import sys

from ckanext.dcat.processors import RDFParser


def main(rdf_format: str, profiles: list[str] | None) -> None:
    parser = RDFParser(profiles=profiles) if profiles else RDFParser()
    parser.parse(sys.stdin.read(), _format=rdf_format)
    datasets = [
        {
            "title": d.get("title"),
            "notes": d.get("notes"),
            "license_id": d.get("license_id"),
            "tags": sorted(t["name"] for t in d.get("tags", [])),
            "resources": [{"format": r.get("format"), "url": r.get("url")} for r in d.get("resources", [])],
        }
        for d in parser.datasets()
    ]
    json.dump({"datasets": datasets}, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "turtle", sys.argv[2].split(",") if len(sys.argv) > 2 else None)

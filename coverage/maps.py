"""Server-rendered SVG maps from the shipped boundary polygons (no tiles, no script).

Polygons: coverage/data/*.geojson, keyed by Kemendagri code (see the README there).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KOTIM = "62.02"
WIDTH = 600


@dataclass(frozen=True)
class Shape:
    code: str
    path: str  # SVG path data
    label_x: float
    label_y: float


@dataclass(frozen=True)
class SvgMap:
    width: int
    height: int
    shapes: dict[str, Shape]


@dataclass(frozen=True)
class MapArea:
    """One region as the map partial draws it: its shape, colour class, label and link."""

    shape: Shape
    name: str
    css_class: str
    label: str  # "Parenggean: KIM aktif"
    url: str | None = None


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


@lru_cache(maxsize=4)
def _load(filename: str) -> list[dict]:
    path = DATA_DIR / filename
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["features"]


def _project(features: list[dict]) -> SvgMap | None:
    """Fit the features into a WIDTH-wide box (equirectangular, scaled by cos of the mid latitude)."""
    if not features:
        return None
    points = [pt for f in features for ring in _rings(f["geometry"]) for pt in ring]
    min_lng, max_lng = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = (max_lng - min_lng) * x_scale or 1e-9, (max_lat - min_lat) or 1e-9
    scale = (WIDTH - 4) / span_x
    height = round(span_y * scale) + 4

    def xy(lng, lat):
        return round((lng - min_lng) * x_scale * scale + 2, 1), round((max_lat - lat) * scale + 2, 1)

    shapes = {}
    for feature in features:
        props = feature["properties"]
        parts = []
        for ring in _rings(feature["geometry"]):
            coords = [xy(*pt[:2]) for pt in ring]
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in coords) + "Z")
        lx, ly = xy(props.get("lng", 0), props.get("lat", 0))
        shapes[props["kode"]] = Shape(props["kode"], "".join(parts), lx, ly)
    return SvgMap(WIDTH, height, shapes)


@lru_cache(maxsize=16)
def kecamatan_map(kabupaten_code: str) -> SvgMap | None:
    """The kecamatan of a kabupaten; Kotim from its own file, others from the national file."""
    if kabupaten_code == KOTIM:
        features = _load("kotim_kecamatan.geojson")
    else:
        prefix = kabupaten_code + "."
        features = [f for f in _load("indonesia_kecamatan.geojson.gz") if f["properties"]["kode"].startswith(prefix)]
    return _project(features)


@lru_cache(maxsize=64)
def desa_map(kecamatan_code: str) -> SvgMap | None:
    """The desa/kelurahan of a kecamatan (polygons are shipped for Kotim only)."""
    if not kecamatan_code.startswith(KOTIM + "."):
        return None
    prefix = kecamatan_code + "."
    return _project([f for f in _load("kotim_desa.geojson") if f["properties"]["kode"].startswith(prefix)])

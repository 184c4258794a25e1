"""Server-rendered SVG maps from the shipped boundary polygons (no tiles, no script).

Polygons: coverage/data/*.geojson, keyed by Kemendagri code (see the README there).
The kabupaten/kota and province outlines are dissolved from the kecamatan polygons once,
by `manage.py build_region_maps` (`build_region_outlines`), into a file that is committed.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KECAMATAN_FILE = DATA_DIR / "indonesia_kecamatan.geojson.gz"
REGIONS_FILE = DATA_DIR / "indonesia_kabupaten_provinsi.geojson.gz"
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


@lru_cache(maxsize=6)  # every file in coverage/data, parsed once per process
def _load(filename: str) -> list[dict]:
    path = DATA_DIR / filename
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["features"]


def _area(coords: list[tuple[float, float]]) -> float:
    """The area a ring encloses (shoelace formula), in square map units."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(coords, coords[1:] + coords[:1], strict=True))) / 2


def _project(features: list[dict], *, min_area: float = 0) -> SvgMap | None:
    """Fit the features into a WIDTH-wide box (equirectangular, scaled by cos of the mid latitude).
    With `min_area` (square map units), rings smaller than that are left out (islands too small to
    see: a kabupaten's largest ring always stays) and points that round to the one before it."""
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
        rings = [[xy(*pt[:2]) for pt in ring] for ring in _rings(feature["geometry"])]
        if min_area:
            largest = max(rings, key=_area)
            rings = [_distinct(r) for r in rings if r is largest or _area(r) >= min_area]
        parts = ["M" + "L".join(f"{x:g} {y:g}" for x, y in coords) + "Z" for coords in rings]
        lx, ly = xy(props.get("lng", 0), props.get("lat", 0))
        shapes[props["kode"]] = Shape(props["kode"], "".join(parts), lx, ly)
    return SvgMap(WIDTH, height, shapes)


def _distinct(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [pt for i, pt in enumerate(coords) if not i or pt != coords[i - 1]]


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


@lru_cache(maxsize=40)
def kabupaten_map(province_code: str) -> SvgMap | None:
    """The kabupaten/kota of a province, outlined from their kecamatan (see `build_region_outlines`)."""
    prefix = province_code + "."
    features = [f for f in _load(REGIONS_FILE.name) if f["properties"]["kode"].startswith(prefix)]
    return _project(features, min_area=PROVINCE_MAP_MIN_AREA)


@lru_cache(maxsize=1)
def province_map() -> SvgMap | None:
    """The provinces of Indonesia, outlined from their kecamatan."""
    return _project([f for f in _load(REGIONS_FILE.name) if "." not in f["properties"]["kode"]])


def build_region_outlines(source: Path = KECAMATAN_FILE, target: Path = REGIONS_FILE) -> tuple[int, int]:
    """Dissolve the kecamatan polygons of `source` into kabupaten/kota and province outlines and
    write them to `target` (gzipped GeoJSON, codes 62.02 and 62); return (kabupaten, provinces).

    Run at build time only (needs shapely). The simplified kecamatan polygons leave slivers
    between neighbours: holes under HOLE_MIN square degrees are filled. A kota inside a
    kabupaten is no hole then, but its code sorts after the kabupaten's, so it is drawn on top.
    """
    from collections import defaultdict

    from shapely import transform
    from shapely.geometry import MultiPolygon, Polygon, mapping, shape
    from shapely.ops import unary_union

    def outline(parts, tolerance, island_min=0.0):
        merged = unary_union(parts)
        polygons = list(merged.geoms) if isinstance(merged, MultiPolygon) else [merged]
        if island_min:  # the country's map: islands too small to see go, each region keeps its largest
            largest = max(polygons, key=lambda p: p.area)
            merged = MultiPolygon([p for p in polygons if p.area >= island_min or p is largest])
        merged = merged.simplify(tolerance, preserve_topology=True)
        polygons = merged.geoms if isinstance(merged, MultiPolygon) else [merged]
        filled = MultiPolygon(
            [Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area > HOLE_MIN]) for p in polygons if p.area]
        )
        return filled if filled.is_valid else filled.buffer(0)

    def feature(code, geometry):
        point = geometry.representative_point()
        properties = {"kode": code, "lat": round(point.y, 3), "lng": round(point.x, 3)}
        rounded = transform(geometry, lambda xy: xy.round(3))  # about 100 m: plenty for a kabupaten map
        return {"type": "Feature", "properties": properties, "geometry": mapping(rounded)}

    kecamatan = defaultdict(list)
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as handle:
        for f in json.load(handle)["features"]:
            polygon = shape(f["geometry"])
            kecamatan[f["properties"]["kode"][:5]].append(polygon if polygon.is_valid else polygon.buffer(0))
    kabupaten = {code: outline(parts, 0.01) for code, parts in sorted(kecamatan.items())}
    provinces = defaultdict(list)
    for code, geometry in kabupaten.items():
        provinces[code[:2]].append(geometry)
    features = [
        feature(code, outline(parts, PROVINCE_TOLERANCE, ISLAND_MIN)) for code, parts in sorted(provinces.items())
    ]
    features += [feature(code, geometry) for code, geometry in kabupaten.items()]
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    with gzip.GzipFile(target, "wb", mtime=0) as handle:  # mtime 0: the same input gives the same bytes
        handle.write(text.encode())
    return len(kabupaten), len(provinces)


HOLE_MIN = 0.01  # square degrees, about 11 km by 11 km at the equator
# The provinces are drawn on the country's map only, where the 600-unit width spans 46 degrees of
# longitude: a unit is about 0.077 degrees (1 to 2 CSS px). Simplified to half a unit, without the
# islands under about 0.85 square units (each province keeps its largest), the 38 outlines are
# about 47 KB of SVG instead of 938 KB (18,215 islands, most smaller than a pixel).
PROVINCE_TOLERANCE = 0.04  # degrees
# A province's map of its kabupaten/kota leaves out the islands under a quarter of a square unit
# (a pixel or less on any screen): Maluku's page was 133 KB, Papua Barat Daya's 166 KB.
PROVINCE_MAP_MIN_AREA = 0.25
ISLAND_MIN = 0.005  # square degrees, about 7.5 km by 7.5 km

# Map labels: numbers in circles, keyed to a list beside the map. Names do not fit: on a
# 360 px phone the 600-unit map is drawn about 300 px wide, where a name legible at 11 px
# would cover its neighbours. The circle's size is in map units, chosen so that the number
# is at least 11 CSS px tall on a 320 px screen (the map about 270 px wide).
LABEL_RADIUS = 16
LABEL_GAP = 2


@dataclass(frozen=True)
class MapLabel:
    """An area's number, placed where it overlaps no other; `moved` when away from its area's
    own point (`anchor_x`, `anchor_y`), which a leader line then joins."""

    number: int
    area: MapArea
    x: float
    y: float
    anchor_x: float
    anchor_y: float

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.anchor_x, self.y - self.anchor_y) > LABEL_RADIUS


def _free(x: float, y: float, placed: list[tuple[float, float]]) -> bool:
    return all(math.hypot(x - px, y - py) >= 2 * LABEL_RADIUS + LABEL_GAP for px, py in placed)


def _spot(x: float, y: float, placed: list[tuple[float, float]], width: int, height: int) -> tuple[float, float]:
    """The free spot nearest to (x, y) on rings of growing radius, inside the map."""
    r = LABEL_RADIUS

    def inside(cx, cy):
        return (min(max(cx, r), width - r), min(max(cy, r), height - r))

    start = inside(x, y)
    if _free(*start, placed):
        return start
    for ring in range(1, 200):
        distance = ring * LABEL_RADIUS / 2
        steps = max(8, int(2 * math.pi * distance / LABEL_RADIUS))
        for step in range(steps):
            angle = 2 * math.pi * step / steps
            candidate = inside(x + distance * math.cos(angle), y + distance * math.sin(angle))
            if _free(*candidate, placed):
                return candidate
    raise ValueError("no room for map labels")  # 200 rings cover any map the portal draws


def numbered_labels(areas: list[MapArea], svg: SvgMap) -> list[MapLabel]:
    """Number the areas in reading order (north to south, then west to east) and place each
    number where it overlaps no other."""
    ordered = sorted(areas, key=lambda a: (round(a.shape.label_y / (3 * LABEL_RADIUS)), a.shape.label_x))
    spots = _placed(tuple((a.shape.label_x, a.shape.label_y) for a in ordered), svg.width, svg.height)
    return [
        MapLabel(number, area, x, y, area.shape.label_x, area.shape.label_y)
        for number, (area, (x, y)) in enumerate(zip(ordered, spots, strict=True), start=1)
    ]


@lru_cache(maxsize=256)
def _placed(anchors: tuple[tuple[float, float], ...], width: int, height: int) -> list[tuple[float, float]]:
    """Where the numbers of areas anchored at `anchors` (in that order) go: the same maps are
    drawn on every request, so each is placed once per process (1 ms for 40 kecamatan)."""
    placed: list[tuple[float, float]] = []
    for x, y in anchors:
        placed.append(_spot(x, y, placed, width, height))
    return [(round(x, 1), round(y, 1)) for x, y in placed]

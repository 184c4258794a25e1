"""Load Kemendagri region codes (Kepmendagri 2025) into the database."""

import csv
import gzip
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import invalidate_pages
from core.region import PortalRegion, RegionKind

from .models import KABUPATEN_CODE_RE, Desa, Kabupaten, Kecamatan, KimMonthlySummary, KimSearchText

WILAYAH_FILE = Path(__file__).resolve().parent / "data" / "kemendagri_wilayah.csv.gz"


@lru_cache(maxsize=1)
def province_names(path: Path = WILAYAH_FILE) -> dict[str, str]:
    """The 38 provinces' names by code, from the shipped code file (a fast scan, not a full read)."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8") if path.suffix == ".gz" else path.read_text("utf-8")
    return {code: name.strip() for code, name in re.findall(r"^(\d{2}),(.*)$", text, re.M)}


def region_name(region: PortalRegion) -> str:
    """ "Kalimantan Tengah" for a province portal, "Indonesia" for the country (no database query)."""
    if region.kind is RegionKind.COUNTRY:
        return _("Indonesia")
    return province_names().get(region.code[:2], region.code)


def region_kabupaten_codes(region: PortalRegion, *, path: Path = WILAYAH_FILE) -> list[str]:
    """The Kemendagri codes of every kabupaten/kota of `region`, from the shipped code file."""
    names = read_wilayah(path).names
    return sorted(c for c in names if KABUPATEN_CODE_RE.match(c) and region.contains(c))


class RegionError(Exception):
    """Bad input for a region load; its message is for the user (Indonesian)."""


@dataclass
class LoadResult:
    kabupaten: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _Wilayah:
    names: dict[str, str]
    kecamatan: dict[str, list[str]]  # kabupaten code -> kecamatan codes
    desa: dict[str, list[str]]  # kecamatan code -> desa codes


@lru_cache(maxsize=2)  # the file ships with the code: read it once per process
def read_wilayah(path: Path = WILAYAH_FILE) -> _Wilayah:
    names, kecamatan, desa = {}, defaultdict(list), defaultdict(list)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:
        for row in csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
            if len(row) != 2:
                continue
            code, name = row[0].strip(), row[1].strip()
            names[code] = name
            depth = code.count(".")
            if depth == 2:
                kecamatan[code[:5]].append(code)
            elif depth == 3:
                desa[code[:8]].append(code)
    return _Wilayah(names, kecamatan, desa)


def load_regions(codes: list[str] | None = None, *, path: Path = WILAYAH_FILE) -> LoadResult:
    """Create or update the kabupaten `codes` (all 514 when None) with their kecamatan and desa.

    All or nothing: an unknown code loads nothing. Regions are matched by code, so
    running it again changes nothing and a renamed region is updated in place.
    """
    wilayah = read_wilayah(path)
    if codes is None:
        codes = sorted(c for c in wilayah.names if KABUPATEN_CODE_RE.match(c))
    for code in codes:
        if not KABUPATEN_CODE_RE.match(code):
            raise RegionError(_("Kode kabupaten/kota tidak valid: “%(code)s”. Gunakan bentuk 62.02.") % {"code": code})
        if code not in wilayah.names:
            raise RegionError(_("Kode kabupaten/kota %(code)s tidak ada dalam data Kemendagri 2025.") % {"code": code})

    result = LoadResult(kabupaten=list(codes))
    with transaction.atomic():
        kabupaten = _upsert(
            Kabupaten,
            {code: {"name": wilayah.names[code], "province_name": wilayah.names.get(code[:2], "")} for code in codes},
            result,
        )
        kecamatan = _upsert(
            Kecamatan,
            {
                kec: {"name": wilayah.names[kec], "kabupaten_id": kabupaten[code]}
                for code in codes
                for kec in wilayah.kecamatan[code]
            },
            result,
        )
        _upsert(
            Desa,
            {
                desa: {
                    "name": wilayah.names[desa],
                    "kind": Desa.kind_for_code(desa),
                    "kecamatan_id": kecamatan[kec],
                }
                for kec in kecamatan
                for desa in wilayah.desa[kec]
            },
            result,
        )
        if result.updated:  # a desa or kecamatan may have moved or been renamed: its KIM with it
            KimMonthlySummary.objects.rebuild()
            KimSearchText.objects.rebuild()
        # Bulk writes send no signals: tell the public pages' cache ourselves.
        invalidate_pages()
    return result


def _upsert(model, rows: dict[str, dict], result: LoadResult) -> dict[str, int]:
    """Bring `model` in line with `rows` (code -> field values); return code -> id."""
    existing = {}
    codes = list(rows)
    for start in range(0, len(codes), 5000):
        for obj in model.objects.filter(code__in=codes[start : start + 5000]):
            existing[obj.code] = obj
    to_create, to_update = [], []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            to_update.append(obj)
    fields = list(next(iter(rows.values()), {}))
    model.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=2000)
    result.created += len(to_create)
    result.updated += len(to_update)
    result.unchanged += len(rows) - len(to_create) - len(to_update)
    ids = {obj.code: obj.pk for obj in existing.values()}
    if to_create:
        for start in range(0, len(codes), 5000):
            ids.update(model.objects.filter(code__in=codes[start : start + 5000]).values_list("code", "pk"))
    return ids

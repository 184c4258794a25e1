"""Satu Data Indonesia metadata of each dataset (Perpres No. 39 Tahun 2019; Peraturan BPS No. 5
Tahun 2020 on statistical metadata): MS-Keg, the activity that produces the data; MS-Var, every
column; MS-Ind, the indicator a dataset answers (the coverage of KIM per kecamatan).

Written from the column definitions of opendata/datasets.py and their Table Schema fields
(opendata/datapackage.py): the page /data/<name>/ and /data/<name>/metadata.json show one
document, built here, and the validation rules are read from the same fields frictionless checks.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Kabupaten

from .catalogue import FORMATS
from .datapackage import table_field
from .datasets import CONCEPTS, LICENCE, LICENCE_URL, REGION_CODES_NOTE, UNITS, Column, Dataset

STANDARD = "Peraturan Badan Pusat Statistik Nomor 5 Tahun 2020 tentang Petunjuk Teknis Metadata Statistik"

DATA_TYPES = {
    "text": gettext_lazy("teks"),
    "code": gettext_lazy("teks (kode wilayah bertitik)"),
    "kemendagri": gettext_lazy("teks (kode wilayah tanpa titik)"),
    "integer": gettext_lazy("bilangan bulat"),
    "number": gettext_lazy("bilangan desimal"),
    "boolean": gettext_lazy("boolean (true/false)"),
    "date": gettext_lazy("tanggal (TTTT-BB-HH)"),
    "time": gettext_lazy("waktu (JJ:MM, WIB)"),
}
LEVELS = {
    "kabupaten": gettext_lazy("kabupaten/kota"),
    "kecamatan": gettext_lazy("kecamatan"),
    "desa": gettext_lazy("desa/kelurahan"),
}

# The keys of each part and their labels on the page, in order (one list for page and JSON).
ACTIVITY_LABELS = [
    ("judul", gettext_lazy("Judul kegiatan statistik")),
    ("jenis_statistik", gettext_lazy("Jenis statistik")),
    ("cara_pengumpulan_data", gettext_lazy("Cara pengumpulan data")),
    ("sektor", gettext_lazy("Sektor kegiatan")),
    ("produsen_data", gettext_lazy("Produsen data")),
    ("walidata", gettext_lazy("Walidata")),
    ("tujuan", gettext_lazy("Tujuan kegiatan")),
    ("metode", gettext_lazy("Metode pengumpulan dan pemeriksaan")),
    ("unit_observasi", gettext_lazy("Unit observasi")),
    ("frekuensi", gettext_lazy("Frekuensi penyajian")),
    ("cakupan", gettext_lazy("Cakupan wilayah")),
]
VARIABLE_LABELS = [
    ("konsep", gettext_lazy("Konsep")),
    ("definisi", gettext_lazy("Definisi")),
    ("tipe_data", gettext_lazy("Tipe data")),
    ("satuan", gettext_lazy("Satuan")),
    ("ukuran", gettext_lazy("Ukuran")),
    ("klasifikasi", gettext_lazy("Klasifikasi")),
    ("aturan_validasi", gettext_lazy("Aturan validasi")),
]
INDICATOR_LABELS = [
    ("nama", gettext_lazy("Nama indikator")),
    ("konsep", gettext_lazy("Konsep")),
    ("definisi", gettext_lazy("Definisi")),
    ("rumus", gettext_lazy("Rumus")),
    ("satuan", gettext_lazy("Satuan")),
    ("ukuran", gettext_lazy("Ukuran")),
    ("interpretasi", gettext_lazy("Interpretasi")),
    ("level_estimasi", gettext_lazy("Level estimasi")),
    ("klasifikasi_penyajian", gettext_lazy("Klasifikasi penyajian")),
    ("variabel_pembangun", gettext_lazy("Variabel pembangun")),
]


def satu_data(region: Kabupaten) -> dict[str, str]:
    """Produsen data, walidata, frekuensi and cakupan from settings.SATU_DATA, the empty ones named
    from the portal's region (`region`: a kabupaten, or the unsaved one carrying a region's name)."""
    chosen = settings.SATU_DATA
    office = settings.DISKOMINFO_CONTACT.get("name") or f"Dinas Komunikasi dan Informatika {region.name}"
    produsen = chosen.get("produsen") or office
    return {
        "produsen_data": produsen,
        "walidata": chosen.get("walidata") or produsen,
        "frekuensi": chosen.get("frekuensi") or _("Harian"),
        "cakupan": chosen.get("cakupan") or region.name,
    }


def classification(column: Column) -> str:
    if column.levels:
        levels = ", ".join(str(LEVELS[level]) for level in column.levels)
        return _("Kode wilayah Kemendagri (Kepmendagri No. 300.2.2-2138 Tahun 2025), tingkat %(levels)s") % {
            "levels": levels
        }
    if column.values:
        return _("Kode: %(values)s") % {"values": ", ".join(column.values)}
    return _("tidak ada")


def validation_rules(field: dict, dataset: Dataset) -> str:
    """The rules of a Table Schema field (what frictionless checks), in words."""
    constraints = field.get("constraints", {})
    rules = [_("wajib diisi") if constraints.get("required") else _("boleh kosong")]
    if dataset.primary_key == (field["name"],):
        rules.append(_("unik di setiap berkas"))
    if "pattern" in constraints:
        rules.append(
            _("cocok dengan pola %(pattern)s, mis. %(example)s")
            % {"pattern": constraints["pattern"], "example": field["example"]}
        )
    if "enum" in constraints:
        rules.append(_("salah satu dari: %(values)s") % {"values": ", ".join(constraints["enum"])})
    if field["type"] in ("integer", "number"):
        kind = _("bilangan bulat") if field["type"] == "integer" else _("bilangan")
        rules.append(
            _("%(kind)s, paling kecil %(minimum)s") % {"kind": kind, "minimum": constraints["minimum"]}
            if "minimum" in constraints
            else kind
        )
    if field["type"] == "boolean":
        rules.append(_("true atau false"))
    if field["type"] in ("date", "time"):
        rules.append(_("format TTTT-BB-HH") if field["type"] == "date" else _("format JJ:MM"))
    for column, resource, other in dataset.foreign_keys:
        if column == field["name"]:
            rules.append(_("ada di kolom %(column)s dataset %(dataset)s") % {"column": other, "dataset": resource})
    return "; ".join(rules)


def variable(column: Column, dataset: Dataset) -> dict[str, str]:
    """MS-Var of one column."""
    satuan, ukuran = UNITS[column.unit]
    return {
        "nama": column.name,
        "konsep": str(CONCEPTS[column.concept]),
        "definisi": str(column.description),
        "tipe_data": str(DATA_TYPES[column.kind]),
        "satuan": str(satuan),
        "ukuran": str(ukuran),
        "klasifikasi": classification(column),
        "aturan_validasi": validation_rules(table_field(column, dataset), dataset),
    }


def indicator(dataset: Dataset) -> dict | None:
    ind = dataset.indicator
    if ind is None:
        return None
    satuan, ukuran = UNITS[ind.unit]
    return {
        "nama": str(ind.name),
        "konsep": str(ind.concept),
        "definisi": str(ind.definition),
        "rumus": str(ind.formula),
        "satuan": str(satuan),
        "ukuran": str(ukuran),
        "interpretasi": str(ind.interpretation),
        "level_estimasi": str(ind.estimation_level),
        "klasifikasi_penyajian": str(ind.presented_by),
        "variabel_pembangun": list(ind.built_from),
    }


def activity(dataset: Dataset, region: Kabupaten) -> dict[str, str]:
    """MS-Keg: the activity that produces the dataset."""
    return {
        "judul": _("Pencatatan KIM dan kegiatan penjangkauan KIM, %(region)s") % {"region": region.name},
        "jenis_statistik": _("Statistik sektoral"),
        "cara_pengumpulan_data": _("Pemanfaatan data administrasi (pencatatan di portal KIM)"),
        "sektor": _("Komunikasi dan informatika"),
        **{key: value for key, value in satu_data(region).items() if key in ("produsen_data", "walidata")},
        "tujuan": _(
            "Memantau pembentukan, keaktifan dan cakupan KIM serta kegiatan penjangkauan Diskominfo, dan "
            "membukanya untuk publik sesuai UU No. 14 Tahun 2008 tentang Keterbukaan Informasi Publik."
        ),
        "metode": _(
            "Staf Diskominfo dan petugas lapangan mencatat KIM dan kegiatan di portal; usulan dari lapangan "
            "diperiksa staf sebelum diterbitkan. Setiap unduhan dibuat dari data terkini."
        ),
        "unit_observasi": str(dataset.observation),
        "frekuensi": satu_data(region)["frekuensi"],
        "cakupan": satu_data(region)["cakupan"],
    }


def dataset_metadata(dataset: Dataset, *, region: Kabupaten, base: str) -> dict:
    """The whole metadata document of `dataset` (in the active language)."""
    document = {
        "standar": STANDARD,
        "dataset": {
            "nama": dataset.slug,
            "judul": str(dataset.title),
            "deskripsi": str(dataset.description),
            **satu_data(region),
            "lisensi": {"nama": str(LICENCE), "url": LICENCE_URL},
            "kode_wilayah": str(REGION_CODES_NOTE),
            "unduhan": {f.ext: base + reverse(f"data:{f.ext}", args=[dataset.slug]) for f in FORMATS},
            "skema_tabel": base + reverse("data:datapackage"),
        },
        "kegiatan": activity(dataset, region),
        "variabel": [variable(c, dataset) for c in dataset.columns],
    }
    if dataset.indicator:
        document["indikator"] = indicator(dataset)
    return document

"""Open data: the datasets the portal publishes, their columns and their rows.

Column names are stable: new columns may be added at the end, none renamed.
Rows are produced lazily so that large downloads stream in flat memory: plain
dicts of JSON-ready values for the small datasets, tuples in the order of the
columns for the two that grow with the data (events, KIM), which is what the
writers below take (`Dataset.rows`). A kabupaten's 50,000 events stream at
more than 100,000 rows a second of the process's CPU: no model instance, no
function call per cell, one CSV write per chunk of rows (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date
from itertools import chain, islice
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Left, NullIf
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.db import CsvLine, JsonMembers, LocalMinute, batched_text, read_all
from coverage.models import OutreachEvent
from coverage.queries import Stage, desa_coverage, kecamatan_coverage
from coverage.rollup import kabupaten_coverage
from coverage.targets import all_targets, desa_target_progress
from registry.filters import KimFilter
from registry.models import Desa, Kabupaten, Kecamatan, Kim, validate_kimid_url
from registry.vitality import Vitality, as_day

LICENCE = _("Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.id"
STAGE_CODES = {
    Stage.NO_ACTIVITY: "no_activity",
    Stage.PLANNED: "planned",
    Stage.HELD: "held",
    Stage.KIM_FORMED: "kim_formed",
    Stage.KIM_ACTIVE: "kim_active",
}


# The Kemendagri code of each level of region, dotted as the portal stores it; the undotted form
# many Indonesian systems key on drops the dots (62.02.04.2001 -> 6202042001).
REGION_CODE_PATTERNS = {
    "kabupaten": r"\d{2}\.\d{2}",
    "kecamatan": r"\d{2}\.\d{2}\.\d{2}",
    "desa": r"\d{2}\.\d{2}\.\d{2}\.\d{4}",
}
UNDOTTED_CODE_PATTERNS = {"kabupaten": r"\d{4}", "kecamatan": r"\d{6}", "desa": r"\d{10}"}
REGION_CODE_EXAMPLES = {"kabupaten": "62.02", "kecamatan": "62.02.04", "desa": "62.02.04.2001"}
REGION_CODES_NOTE = _(
    "Kode wilayah mengikuti Kepmendagri 2025 dan ditulis dua kali: bertitik (62.02.04.2001) dan, di kolom "
    "berakhiran _kemendagri, tanpa titik seperti yang dipakai banyak sistem pemerintahan (6202042001)."
)


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    # "text", "integer", "number", "boolean", "date" (YYYY-MM-DD), "time" (HH:MM), "code" (a dotted
    # Kemendagri region code of `levels`) or "kemendagri" (the same code undotted, from column `source`).
    # Dates and times are typed as such in XLSX.
    kind: str = "text"
    levels: tuple[str, ...] = ()  # a region code's levels: ("kecamatan",), ("kabupaten", "kecamatan")
    source: str = ""  # the dotted column an undotted "kemendagri" column is written from
    values: tuple[str, ...] = ()  # the codes a text column takes (its classification), when fixed
    concept: str = ""  # its konsep, a key of CONCEPTS (Satu Data Indonesia's MS-Var)
    unit: str = "none"  # its satuan and ukuran, a key of UNITS
    required: bool = False  # never empty (a primary key's columns are required too)

    @property
    def examples(self) -> list[str]:
        codes = [REGION_CODE_EXAMPLES[level] for level in self.levels]
        return [c.replace(".", "") for c in codes] if self.kind == "kemendagri" else codes

    def pattern(self) -> str:
        """The regular expression a region code matches (whole value), dotted or undotted."""
        known = UNDOTTED_CODE_PATTERNS if self.kind == "kemendagri" else REGION_CODE_PATTERNS
        patterns = [known[level] for level in self.levels]
        return patterns[0] if len(patterns) == 1 else "(" + "|".join(patterns) + ")"


def code(name: str, description, *levels: str, required: bool = False) -> Column:
    return Column(name, description, "code", levels=levels, concept="wilayah", required=required)


# The concepts the columns measure or name (MS-Var's konsep, Peraturan BPS No. 5 Tahun 2020).
CONCEPTS = {
    "wilayah": _(
        "Wilayah administrasi pemerintahan (provinsi, kabupaten/kota, kecamatan, desa/kelurahan) dengan kode "
        "dan nama menurut Kepmendagri No. 300.2.2-2138 Tahun 2025."
    ),
    "kim": _(
        "Komunitas Informasi Masyarakat (KIM): lembaga komunikasi sosial yang dibentuk dan dikelola dari, oleh "
        "dan untuk masyarakat, untuk layanan informasi dan pemberdayaan masyarakat."
    ),
    "kim_aktif": _(
        "KIM aktif: KIM terverifikasi Diskominfo yang pada tanggal tersebut sudah terbentuk dan belum "
        "dinyatakan tidak aktif."
    ),
    "cakupan": _("Cakupan KIM: sebuah wilayah tercakup bila di dalamnya ada minimal satu KIM aktif."),
    "kegiatan": _(
        "Kegiatan penjangkauan Diskominfo untuk KIM: sosialisasi, pembinaan, rapat konsolidasi, pelatihan, "
        "monitoring dan evaluasi, yang direncanakan, dilaksanakan atau dibatalkan."
    ),
    "keadaan": _(
        "Keadaan KIM menurut tanda kegiatan terakhirnya dan masa SK-nya: aktif, vakum, SK berakhir, tidak aktif."
    ),
    "legalitas": _("Surat Keputusan (SK) pembentukan KIM dan masa bakti pengurusnya."),
    "kanal": _("Alamat sekretariat dan kanal informasi publik KIM: situs web, media sosial, KIM.id."),
    "target": _("Target tahunan Diskominfo atas persentase desa/kelurahan yang memiliki KIM aktif."),
    "minat": _("Minat warga membentuk KIM, disampaikan lewat portal."),
    "identitas": _("Nomor tetap yang diberikan portal kepada setiap catatan; tidak pernah dipakai ulang."),
}

# Each column's satuan (unit) and ukuran (measure); "none" for a column that names or classifies.
UNITS = {
    "none": (_("tidak berlaku"), _("tidak berlaku")),
    "status": (_("tidak berlaku"), _("status (true/false)")),
    "kim": (_("KIM"), _("jumlah")),
    "desa": (_("desa/kelurahan"), _("jumlah")),
    "kecamatan": (_("kecamatan"), _("jumlah")),
    "kegiatan": (_("kegiatan"), _("jumlah")),
    "orang": (_("orang"), _("jumlah")),
    "minat": (_("minat"), _("jumlah")),
    "persen": (_("persen (%)"), _("persentase")),
    "tanggal": (_("hari"), _("tanggal")),
    "jam": (_("jam:menit (WIB)"), _("waktu")),
    "tahun": (_("tahun"), _("tahun kalender")),
}


@dataclass(frozen=True)
class Indicator:
    """An indicator the dataset answers (MS-Ind of Peraturan BPS No. 5 Tahun 2020)."""

    name: str
    concept: str
    definition: str
    formula: str
    unit: str  # a key of UNITS
    interpretation: str
    estimation_level: str
    built_from: tuple[str, ...]  # its variabel pembangun: columns of the dataset
    presented_by: str  # klasifikasi penyajian


def with_kemendagri(columns: list[Column]) -> list[Column]:
    """`columns`, then for every dotted region code column its undotted Kemendagri form,
    `<name>_kemendagri` (added at the end: column names and places never change)."""
    undotted = [
        Column(
            f"{c.name}_kemendagri",
            format_lazy(
                _("{description}; tanpa titik (mis. {example})"),
                description=c.description,
                example=" / ".join(Column("", "", "kemendagri", levels=c.levels).examples),
            ),
            "kemendagri",
            levels=c.levels,
            source=c.name,
            concept=c.concept,
            required=c.required,
        )
        for c in columns
        if c.kind == "code"
    ]
    return [*columns, *undotted]


def _undotted(rows: Iterable[tuple], positions: list[int]) -> Iterator[tuple]:
    for row in rows:
        yield row + tuple([None if row[i] is None else row[i].replace(".", "") for i in positions])


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    list_key: str
    columns: list[Column]
    build: Callable[..., tuple[dict, Iterable[dict]]]  # (kabupaten, day[, kim_filter]) -> (summary, rows)
    takes_day: bool  # answers the `tanggal` parameter (coverage on that day)
    file_stem: str = ""  # the download's name starts with it; kim-<slug> when empty
    filterable: bool = False  # takes the directory's filters (kecamatan, desa, status, tier, q)
    regional: bool = False  # its build takes kabupaten None for the portal's whole region
    tuples: bool = False  # its build yields tuples in the order of `columns`, not dicts
    # On PostgreSQL, one kabupaten's CSV lines after the header written by the database (None
    # elsewhere): the same bytes as stream_csv writes from its rows.
    csv_lines: Callable[[Kabupaten], Iterator[str] | None] | None = None
    json_lines: Callable[[Kabupaten], Iterator[str] | None] | None = None  # each row's object, likewise
    primary_key: tuple[str, ...] = ()  # the columns that name a row, unique in every file
    observation: str = ""  # what one row describes (unit observasi)
    indicator: Indicator | None = None
    # (column, dataset, its column): each value of `column` is a row of that dataset of the same file set
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    def rows(self, rows: Iterable) -> Iterator[tuple]:
        """`rows` of this dataset's build as tuples in the order of its columns: the build gives every
        column but the undotted codes, which are written here from their dotted column."""
        built = [c.name for c in self.columns if not c.source]
        # a missing key raises, never shifts a column
        rows = iter(rows) if self.tuples else map(itemgetter(*built), rows)
        positions = [built.index(c.source) for c in self.columns if c.source]
        return _undotted(rows, positions) if positions else rows

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def file_name(self, kabupaten: Kabupaten, on: date, fmt: str, filters: dict[str, str] | None = None) -> str:
        """kim-direktori-62.02-2026-01-31.csv; filtered, the desa's or kecamatan's code instead of the
        kabupaten's and -tersaring when other filters apply: kim-direktori-62.02.04-tersaring-2026-01-31.csv."""
        filters = dict(filters or {})
        desa, kecamatan = filters.pop("desa", None), filters.pop("kecamatan", None)
        narrowed = "-tersaring" if filters else ""
        filters.pop("kabupaten", None)  # named by the code below
        stem = self.file_stem or f"kim-{self.slug}"
        code = kabupaten.code if isinstance(kabupaten, Kabupaten) else kabupaten.file_code  # or a PortalRegion
        return f"{stem}-{desa or kecamatan or code}{narrowed}-{on.isoformat()}.{fmt}"


def directory_filter(params, *, kabupaten: Kabupaten | None) -> KimFilter:
    """The directory page's filters (its KimFilter) for the KIM dataset, of one kabupaten or (None)
    of the portal's whole region. Its sort is left out: rows stay in id order."""
    chosen = {name: params[name] for name in KimFilter._meta.fields if params.get(name)}
    kims = Kim.objects.public()
    kims = kims.in_kabupaten(kabupaten) if kabupaten else kims.filter(desa__kecamatan__kabupaten__in=in_portal())
    return KimFilter(chosen, queryset=kims, kabupaten=kabupaten)


def in_portal():
    return Kabupaten.objects.in_portal()


def _day(value) -> str | None:
    return value.isoformat() if value else None


def coverage_rows(kabupaten: Kabupaten, on: date) -> tuple[dict, Iterator[dict]]:
    coverage = kecamatan_coverage(kabupaten=kabupaten, on=on)
    summary = {
        "kecamatan_total": coverage.total,
        "kecamatan_covered": coverage.covered_count,
        "percentage": coverage.percentage,
    }
    target = desa_target_progress(kabupaten=kabupaten, on=on)
    summary["desa_target"] = float(target.target_percent) if target else None  # percent, this year's
    summary["desa_target_year"] = target.year if target else None
    return summary, (_coverage_row(k) for k in coverage.kecamatan)


def _coverage_row(k) -> dict:
    return {
        "code": k.code,
        "name": k.name,
        "active_kim": k.active_kim,
        "desa_total": k.desa_total,
        "desa_covered": k.desa_covered,
        "covered": k.covered,
        "last_event": _day(k.last_event and k.last_event.day),
        "last_event_kind": k.last_event.kind if k.last_event else None,
        "next_event": _day(k.next_event and k.next_event.day),
        "next_event_kind": k.next_event.kind if k.next_event else None,
        "overdue_events": k.overdue_events,
        "stage": STAGE_CODES[k.stage],
        "held_this_year": k.held_this_year,
    }


def desa_rows(kabupaten: Kabupaten, on: date) -> tuple[dict, Iterator[dict]]:
    return {}, (_desa_row(d) for d in desa_coverage(kabupaten=kabupaten, on=on))


def _desa_row(d) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "kind": d.kind,
        "kecamatan_code": d.kecamatan_code,
        "kecamatan_name": d.kecamatan_name,
        "active_kim": d.active_kim,
        "covered": d.covered,
        "kim_names": "; ".join(k.name for k in d.kims if k.active),
        "vitality": d.vitality,
        "wishes_open": d.wishes_open,
    }


def kabupaten_rows(kabupaten: Kabupaten | None, on: date) -> tuple[dict, Iterator[dict]]:
    """The roll-up: one row per kabupaten/kota of the region (or just `kabupaten`), as on `/`."""
    areas = kabupaten_coverage(kabupaten=Kabupaten.objects.filter(pk=kabupaten.pk) if kabupaten else in_portal(), on=on)
    summary = {
        "kabupaten_total": len(areas),
        "kecamatan_total": sum(a.kecamatan_total for a in areas),
        "kecamatan_covered": sum(a.kecamatan_covered for a in areas),
    }
    return summary, (
        {
            "code": a.code,
            "name": a.name,
            "kecamatan_total": a.kecamatan_total,
            "kecamatan_covered": a.kecamatan_covered,
            "desa_total": a.desa_total,
            "desa_covered": a.desa_covered,
            "active_kim": a.active_kim,
        }
        for a in areas
    )


def region_rows(dataset: Dataset, on: date) -> tuple[dict, Iterator]:
    """A per-kabupaten dataset (coverage, desa-coverage, events) for the portal's whole region:
    each kabupaten/kota's rows in code order; coverage sums the kecamatan in its summary."""
    kabupaten = list(in_portal().order_by("code"))
    if dataset.slug == "coverage":
        parts = [kecamatan_coverage(kabupaten=k, on=on) for k in kabupaten]
        total, covered = sum(c.total for c in parts), sum(c.covered_count for c in parts)
        summary = {
            "kecamatan_total": total,
            "kecamatan_covered": covered,
            "percentage": round(100 * covered / total, 1) if total else 0.0,
        }
        return summary, (_coverage_row(k) for c in parts for k in c.kecamatan)
    return {}, (row for k in kabupaten for row in dataset.build(k, on)[1])


def kim_rows(kabupaten: Kabupaten, on: date, kim_filter: KimFilter | None = None) -> tuple[dict, Iterator[tuple]]:
    """Every public KIM of `kabupaten`, or those `kim_filter` (the directory's filters) lets through."""
    summary = {"filters": kim_filter.chosen()} if kim_filter and kim_filter.chosen() else {}
    return summary, _kim_rows(kabupaten, on, kim_filter)


def _kim_rows(kabupaten: Kabupaten, on: date, kim_filter: KimFilter | None) -> Iterator[tuple]:
    kims = kim_filter.qs if kim_filter else Kim.objects.public().in_kabupaten(kabupaten)
    kims = (
        kims.with_active_on(on)
        .with_vitality(on)
        .annotate(address_cut=Left("address", Kim.ADDRESS_MAX))  # rows stored before the limit
        .order_by("pk")
        .values_list(  # the only KIM fields that leave the building; contacts and notes never do
            "pk",
            "name",
            "desa__code",
            "desa__name",
            "desa__kecamatan__code",
            "desa__kecamatan__name",
            "tier__name",
            "active_then",
            "formed_on",
            "inactive_since",
            "sk_number",
            "sk_date",
            "address_cut",
            "website",
            "facebook",
            "instagram",
            "youtube",
            "vitality_code",
            "sk_term_end",
            "last_sign_of_life",
            "kimid_number",
            "kimid_url",
        )
    )
    for (
        pk,
        name,
        desa_code,
        desa_name,
        kec_code,
        kec_name,
        tier,
        active,
        formed_on,
        inactive_since,
        sk_number,
        sk_date,
        address,
        website,
        facebook,
        instagram,
        youtube,
        vitality,
        sk_term_end,
        last_sign,
        kimid_number,
        kimid_url,
    ) in read_all(kims):
        yield (
            pk,
            name,
            desa_code,
            desa_name,
            kec_code,
            kec_name,
            tier,
            active,
            formed_on and formed_on.isoformat(),
            inactive_since and inactive_since.isoformat(),
            sk_number or None,
            sk_date and sk_date.isoformat(),
            address or None,
            website or None,
            facebook or None,
            instagram or None,
            youtube or None,
            vitality,
            sk_term_end and sk_term_end.isoformat(),
            _day(as_day(last_sign)),
            kimid_number or None,
            _kimid_site(kimid_url),  # only an address that validates
        )


def _kimid_site(url: str) -> str | None:
    if not url:
        return None
    try:
        validate_kimid_url(url)
    except ValidationError:
        return None
    return url


def target_rows(kabupaten: Kabupaten, on: date) -> tuple[dict, Iterator[dict]]:
    return {}, (
        {
            "year": t.year,
            "scope_code": t.scope_code,
            "scope_name": t.scope_name,
            "target_percent": float(t.target_percent),
            "as_of": t.on.isoformat(),
            "desa_total": t.desa_total,
            "desa_covered": t.desa_covered,
            "actual_percent": t.share,
        }
        for t in all_targets(kabupaten=kabupaten, today=on)
    )


def event_rows(kabupaten: Kabupaten, on: date) -> tuple[dict, Iterator[tuple]]:
    return {}, _event_rows(kabupaten)


def _event_rows(kabupaten: Kabupaten) -> Iterator[tuple]:
    """The kabupaten's public events in date order. The events are read alone (each kecamatan
    and desa named from a dict of the kabupaten's, not joined to every event: 40 to 160 ms less
    in PostgreSQL for 50,000 events, on a loaded machine), each local date and time cut from one isoformat()."""
    kecamatan, desa = {}, {None: (None, None)}
    places = Kecamatan.objects.filter(kabupaten=kabupaten).values_list(
        "pk", "code", "name", "desa__pk", "desa__code", "desa__name"
    )  # one query: each desa with its kecamatan, a kecamatan without desa once with None
    for kec_pk, kec_code, kec_name, desa_pk, desa_code, desa_name in places:
        kecamatan[kec_pk] = (kec_code, kec_name)
        if desa_pk is not None:
            desa[desa_pk] = (desa_code, desa_name)
    zone = timezone.get_current_timezone()
    # On PostgreSQL the database writes the local day and time; elsewhere Python does, from starts_at.
    start_column = "local_minute" if connection.vendor == "postgresql" else "starts_at"
    events = (
        OutreachEvent.objects.public()
        .filter(kecamatan__in=list(kecamatan))
        .annotate(
            summary_cut=Left("summary", OutreachEvent.TEXT_MAX),  # rows stored before the limit
            local_minute=LocalMinute("starts_at", timezone.get_current_timezone_name()),
        )
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "title",
            "kind",
            "status",
            start_column,
            "kecamatan_id",
            "desa_id",
            "venue",
            "participants",
            "summary_cut",
        )
    )
    for pk, title, kind, status, start, kec_id, desa_id, venue, participants, summary in read_all(events):
        if start.__class__ is str:  # "2022-03-24 09:00" from PostgreSQL
            day, time = start.split(" ")
        else:
            try:
                local = start.astimezone(zone).isoformat()  # 2022-03-24T09:00:00+07:00
            except OverflowError:  # year 9999 stored by hand, past the last day Python knows
                local = start.astimezone(UTC).isoformat()
            day, time = local[:10], local[11:16]
        kec_code, kec_name = kecamatan[kec_id]
        desa_code, desa_name = desa[desa_id] if desa_id in desa else _desa_elsewhere(desa, desa_id)
        yield (
            pk,
            title,
            kind,
            status,
            day,
            time,
            kec_code,
            kec_name,
            desa_code,
            desa_name,
            venue or None,
            participants,
            summary or None,
        )


def event_csv_lines(kabupaten: Kabupaten) -> Iterator[str] | None:
    """On PostgreSQL, the lines of the kabupaten's events CSV after its header: the bytes
    stream_csv writes from `_event_rows`, the cells before and after the places written by the
    database (`CsvLine`), each kecamatan's and desa's four cells once by Python (the events read
    alone, as `_event_rows` reads them). For 52,479 events, 46 ms of Python's CPU instead of 208,
    and 65 ms more of the database's (docs/benchmarks.md). None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    zone = timezone.get_current_timezone_name()
    return _events_written(
        _PlaceCells(kabupaten),
        head=CsvLine(
            "pk",
            "title",
            "kind",
            "status",
            # The date and the time: two cells of digits, never quoted.
            LocalMinute("starts_at", zone, pattern="YYYY-MM-DD,HH24:MI"),
            texts={1, 2, 3},
            end=",",
        ),
        tail=CsvLine("venue", "participants", Left("summary", OutreachEvent.TEXT_MAX), texts={0, 2}, end=","),
    )


def event_json_lines(kabupaten: Kabupaten) -> Iterator[str] | None:
    """On PostgreSQL, each event's object in the kabupaten's events JSON, the text stream_json
    writes from `_event_rows`: the members before and after the places written by the database
    (`JsonMembers`), each kecamatan's and desa's once by Python. None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    zone = timezone.get_current_timezone_name()
    return _events_written(
        _PlaceMembers(kabupaten),
        head=JsonMembers(
            ("id", "pk", False),
            ("title", "title", True),
            ("kind", "kind", True),
            ("status", "status", True),
            ("date", LocalMinute("starts_at", zone, pattern="YYYY-MM-DD"), True),
            ("time", LocalMinute("starts_at", zone, pattern="HH24:MI"), True),
            start="{",
        ),
        tail=JsonMembers(
            ("venue", NullIf("venue", Value("")), True),  # "" is written null, as `venue or None`
            ("participants", "participants", False),
            ("summary", NullIf(Left("summary", OutreachEvent.TEXT_MAX), Value("")), True),
        ),
    )


def _events_written(places: _PlaceCells, *, head, tail) -> Iterator[str]:
    """The kabupaten's public events in date order, each as the database's `head`, the place
    text `places` keeps for its kecamatan and desa, the database's `tail`, and the codes' end."""
    events = (
        OutreachEvent.objects.public()
        .filter(kecamatan__in=list(places.kecamatan))
        .annotate(head=head, tail=tail)
        .order_by("starts_at", "pk")
        .values_list("kecamatan_id", "desa_id", "head", "tail")
    )
    return (
        head + places[kec_id, desa_id] + tail + places.undotted(kec_id, desa_id)
        for kec_id, desa_id, head, tail in read_all(events)
    )


class _PlaceCells(dict):
    """(kecamatan id, desa id or None) -> "62.02.04,Parenggean,62.02.04.1004,Parenggean,": the four
    place cells of an event's CSV line, written by stream_csv's own rule, each pair once."""

    def __init__(self, kabupaten: Kabupaten):
        super().__init__()
        self.kecamatan = {
            pk: (code, name)
            for pk, code, name in Kecamatan.objects.filter(kabupaten=kabupaten).values_list("pk", "code", "name")
        }
        desa = Desa.objects.filter(kecamatan__kabupaten=kabupaten).values_list("pk", "code", "name")
        self.desa = {pk: (code, name) for pk, code, name in desa}
        self.desa[None] = (None, None)

    def place(self, kec_id: int, desa_id: int | None) -> tuple:
        """(kecamatan code, kecamatan name, desa code, desa name): the desa's None without one."""
        desa = self.desa[desa_id] if desa_id in self.desa else _desa_elsewhere(self.desa, desa_id)
        return (*self.kecamatan[kec_id], *desa)

    def kemendagri(self, kec_id: int, desa_id: int | None) -> tuple[str, str | None]:
        """The two codes in their Kemendagri form (with_kemendagri), digits only; None without a desa."""
        kecamatan, desa = self.kecamatan[kec_id][0], self.desa.get(desa_id, (None,))[0]
        return kecamatan.replace(".", ""), None if desa is None else desa.replace(".", "")

    def undotted(self, kec_id: int, desa_id: int | None) -> str:
        """The line's last cells: the two Kemendagri codes."""
        kecamatan, desa = self.kemendagri(kec_id, desa_id)
        return f"{kecamatan},{desa or ''}\r\n"

    def __missing__(self, key):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(_csv_cells([self.place(*key)]))
        self[key] = out.getvalue().removesuffix("\r\n") + ","
        return self[key]


class _PlaceMembers(_PlaceCells):
    """(kecamatan id, desa id or None) -> the four place members of an event's JSON object,
    `"kecamatan_code": "62.02.04", ..., "desa_name": "Parenggean", `, each pair once."""

    NAMES = ("kecamatan_code", "kecamatan_name", "desa_code", "desa_name")

    def undotted(self, kec_id: int, desa_id: int | None) -> str:
        """The object's last members, the two Kemendagri codes, and its end."""
        kecamatan, desa = map(_to_json, self.kemendagri(kec_id, desa_id))
        return f'"kecamatan_code_kemendagri": {kecamatan}, "desa_code_kemendagri": {desa}}}'

    def __missing__(self, key):
        members = zip(self.NAMES, self.place(*key), strict=True)
        self[key] = "".join(f"{_to_json(name)}: {_to_json(value)}, " for name, value in members)
        return self[key]


def _desa_elsewhere(known: dict, pk: int) -> tuple[str, str]:
    """A desa stored on an event of another kabupaten's kecamatan (data entered around the form's
    check): read once, then remembered."""
    known[pk] = Desa.objects.filter(pk=pk).values_list("code", "name").first() or (None, None)
    return known[pk]


EVENT_KINDS = tuple(OutreachEvent.Kind.values)
VITALITY = tuple(Vitality.values)

DATASETS = {
    d.slug: d
    for d in [
        Dataset(
            slug="coverage",
            title=_("Cakupan KIM per kecamatan"),
            description=_(
                "Untuk setiap kecamatan: KIM aktif, desa/kelurahan yang memiliki KIM, kegiatan terakhir dan berikutnya, serta tahap menuju cakupan, per tanggal tertentu."
            ),
            list_key="kecamatan",
            takes_day=True,
            build=coverage_rows,
            primary_key=("code",),
            observation=_("Kecamatan"),
            indicator=Indicator(
                name=_("Persentase kecamatan yang memiliki KIM aktif"),
                concept=_(
                    "Cakupan pengembangan dan pemberdayaan Kelompok Informasi Masyarakat (KIM) di tingkat "
                    "kecamatan, indikator Standar Pelayanan Minimal bidang komunikasi dan informatika."
                ),
                definition=_(
                    "Banyaknya kecamatan yang memiliki minimal satu KIM aktif pada tanggal tertentu, dibagi "
                    "banyaknya seluruh kecamatan di wilayah, dikali 100."
                ),
                formula=_(
                    "Cakupan (%) = (jumlah kecamatan dengan covered = true ÷ jumlah seluruh baris kecamatan) × 100"
                ),
                unit="persen",
                interpretation=_(
                    "Semakin tinggi nilainya, semakin banyak kecamatan yang dijangkau layanan informasi KIM; 100% "
                    "berarti setiap kecamatan memiliki minimal satu KIM aktif. Kecamatan dengan covered = false "
                    "adalah sasaran pembentukan atau pembinaan KIM berikutnya."
                ),
                estimation_level=_(
                    "Kabupaten/kota; provinsi dan nasional sebagai jumlah dari kabupaten/kota di dalamnya."
                ),
                built_from=("code", "active_kim", "covered"),
                presented_by=_("Menurut kecamatan dan kabupaten/kota, per tanggal."),
            ),
            columns=with_kemendagri(
                [
                    code("code", _("Kode kecamatan Kemendagri"), "kecamatan", required=True),
                    Column("name", _("Nama kecamatan"), concept="wilayah", unit="none", required=True),
                    Column(
                        "active_kim",
                        _("Jumlah KIM aktif pada tanggal tersebut"),
                        "integer",
                        concept="kim_aktif",
                        unit="kim",
                        required=True,
                    ),
                    Column(
                        "desa_total",
                        _("Jumlah desa/kelurahan di kecamatan"),
                        "integer",
                        concept="wilayah",
                        unit="desa",
                        required=True,
                    ),
                    Column(
                        "desa_covered",
                        _("Jumlah desa/kelurahan dengan minimal satu KIM aktif"),
                        "integer",
                        concept="cakupan",
                        unit="desa",
                        required=True,
                    ),
                    Column(
                        "covered",
                        _("true bila ada KIM aktif"),
                        "boolean",
                        concept="cakupan",
                        unit="status",
                        required=True,
                    ),
                    Column(
                        "last_event",
                        _("Tanggal kegiatan terakhir yang dilaksanakan (TTTT-BB-HH) atau kosong"),
                        "date",
                        concept="kegiatan",
                        unit="tanggal",
                    ),
                    Column(
                        "last_event_kind",
                        _("Jenis kegiatan terakhir"),
                        values=EVENT_KINDS,
                        concept="kegiatan",
                        unit="none",
                    ),
                    Column(
                        "next_event",
                        _("Tanggal kegiatan berikutnya yang direncanakan, atau kosong"),
                        "date",
                        concept="kegiatan",
                        unit="tanggal",
                    ),
                    Column(
                        "next_event_kind",
                        _("Jenis kegiatan berikutnya"),
                        values=EVENT_KINDS,
                        concept="kegiatan",
                        unit="none",
                    ),
                    Column(
                        "overdue_events",
                        _("Kegiatan direncanakan yang sudah lewat tanggalnya tanpa laporan"),
                        "integer",
                        concept="kegiatan",
                        unit="kegiatan",
                        required=True,
                    ),
                    Column(
                        "stage",
                        _("Tahap: no_activity, planned, held, kim_formed, kim_active"),
                        values=tuple(STAGE_CODES.values()),
                        concept="cakupan",
                        unit="none",
                        required=True,
                    ),
                    Column(
                        "held_this_year",
                        _("Kegiatan yang dilaksanakan sejak 1 Januari tahun tersebut"),
                        "integer",
                        concept="kegiatan",
                        unit="kegiatan",
                        required=True,
                    ),
                ]
            ),
        ),
        Dataset(
            slug="desa-coverage",
            title=_("Cakupan KIM per desa/kelurahan"),
            description=_("Setiap desa/kelurahan dengan jumlah KIM aktif dan namanya, per tanggal tertentu."),
            list_key="desa",
            takes_day=True,
            build=desa_rows,
            primary_key=("code",),
            observation=_("Desa/kelurahan"),
            foreign_keys=(("kecamatan_code", "coverage", "code"),),
            columns=with_kemendagri(
                [
                    code("code", _("Kode desa/kelurahan Kemendagri"), "desa", required=True),
                    Column("name", _("Nama desa/kelurahan"), concept="wilayah", unit="none", required=True),
                    Column(
                        "kind",
                        _("desa atau kelurahan"),
                        values=tuple(Desa.Kind.values),
                        concept="wilayah",
                        unit="none",
                        required=True,
                    ),
                    code("kecamatan_code", _("Kode kecamatan"), "kecamatan", required=True),
                    Column("kecamatan_name", _("Nama kecamatan"), concept="wilayah", unit="none", required=True),
                    Column(
                        "active_kim", _("Jumlah KIM aktif"), "integer", concept="kim_aktif", unit="kim", required=True
                    ),
                    Column(
                        "covered",
                        _("true bila ada KIM aktif"),
                        "boolean",
                        concept="cakupan",
                        unit="status",
                        required=True,
                    ),
                    Column("kim_names", _("Nama KIM aktif, dipisah titik koma"), concept="kim", unit="none"),
                    Column(
                        "vitality",
                        _("Keadaan KIM terbaik di desa: active, sk_ended (SK berakhir), quiet (vakum), atau kosong"),
                        values=VITALITY,
                        concept="keadaan",
                        unit="none",
                    ),
                    Column(
                        "wishes_open",
                        _(
                            "Ada minat warga: jumlah minat membentuk KIM dari warga yang belum ditolak, untuk desa "
                            "tanpa KIM aktif (0 bila ada KIM aktif); tidak pernah siapa pengirimnya"
                        ),
                        "integer",
                        concept="minat",
                        unit="minat",
                        required=True,
                    ),
                ]
            ),
        ),
        Dataset(
            slug="kim",
            title=_("Direktori KIM"),
            description=_(
                "Semua KIM yang terdaftar dengan data publiknya. Kontak pribadi dan catatan internal tidak pernah diterbitkan."
            ),
            list_key="kim",
            takes_day=False,
            build=kim_rows,
            primary_key=("id",),
            observation=_("KIM terverifikasi"),
            foreign_keys=(("desa_code", "desa-coverage", "code"), ("kecamatan_code", "coverage", "code")),
            file_stem="kim-direktori",
            filterable=True,
            tuples=True,
            columns=with_kemendagri(
                [
                    Column("id", _("Nomor KIM di portal (tetap)"), "integer", concept="identitas", unit="none"),
                    Column("name", _("Nama KIM"), concept="kim", unit="none", required=True),
                    code("desa_code", _("Kode desa/kelurahan yang dilayani"), "desa", required=True),
                    Column("desa_name", _("Nama desa/kelurahan"), concept="wilayah", unit="none", required=True),
                    code("kecamatan_code", _("Kode kecamatan"), "kecamatan", required=True),
                    Column("kecamatan_name", _("Nama kecamatan"), concept="wilayah", unit="none", required=True),
                    Column("tier", _("Tingkatan KIM, atau kosong"), concept="kim", unit="none"),
                    Column(
                        "active",
                        _("true bila aktif hari ini"),
                        "boolean",
                        concept="kim_aktif",
                        unit="status",
                        required=True,
                    ),
                    Column("formed_on", _("Tanggal terbentuk"), "date", concept="kim", unit="tanggal"),
                    Column(
                        "inactive_since",
                        _("Tidak aktif sejak, atau kosong"),
                        "date",
                        concept="kim_aktif",
                        unit="tanggal",
                    ),
                    Column("sk_number", _("Nomor SK pembentukan"), concept="legalitas", unit="none"),
                    Column("sk_date", _("Tanggal SK"), "date", concept="legalitas", unit="tanggal"),
                    Column("address", _("Alamat sekretariat"), concept="kanal", unit="none"),
                    Column("website", _("Situs web"), concept="kanal", unit="none"),
                    Column("facebook", _("Halaman Facebook"), concept="kanal", unit="none"),
                    Column("instagram", _("Akun Instagram"), concept="kanal", unit="none"),
                    Column("youtube", _("Kanal YouTube"), concept="kanal", unit="none"),
                    Column(
                        "vitality",
                        _("Keadaan hari ini: active, quiet (vakum), sk_ended (SK berakhir), inactive"),
                        values=VITALITY,
                        concept="keadaan",
                        unit="none",
                    ),
                    Column(
                        "sk_term_end",
                        _("Akhir masa bakti pengurus menurut SK, atau kosong"),
                        "date",
                        concept="legalitas",
                        unit="tanggal",
                    ),
                    Column(
                        "last_activity",
                        _("Tanggal aktivitas atau kegiatan terakhir yang tercatat, atau kosong"),
                        "date",
                        concept="keadaan",
                        unit="tanggal",
                    ),
                    Column("kimid_number", _("Nomor registrasi KIM.id, atau kosong"), concept="kanal", unit="none"),
                    Column("kimid_url", _("Alamat situs KIM di KIM.id, atau kosong"), concept="kanal", unit="none"),
                ]
            ),
        ),
        Dataset(
            slug="targets",
            title=_("Target desa/kelurahan ber-KIM"),
            description=_(
                "Target tahunan Diskominfo: persentase desa/kelurahan dengan KIM aktif, untuk kabupaten atau satu kecamatan, dengan capaian hari ini (tahun berjalan) atau pada 31 Desember (tahun lalu)."
            ),
            list_key="targets",
            takes_day=False,
            build=target_rows,
            primary_key=("year", "scope_code"),
            observation=_("Target tahunan untuk kabupaten/kota atau kecamatan"),
            columns=with_kemendagri(
                [
                    Column("year", _("Tahun target"), "integer", concept="target", unit="tahun"),
                    code(
                        "scope_code",
                        _("Kode Kemendagri kabupaten atau kecamatan yang ditargetkan"),
                        "kabupaten",
                        "kecamatan",
                        required=True,
                    ),
                    Column(
                        "scope_name", _("Nama kabupaten atau kecamatan"), concept="wilayah", unit="none", required=True
                    ),
                    Column(
                        "target_percent",
                        _("Target: persentase desa/kelurahan dengan KIM aktif"),
                        "number",
                        concept="target",
                        unit="persen",
                        required=True,
                    ),
                    Column(
                        "as_of",
                        _("Tanggal capaian dihitung: hari ini, atau 31 Desember untuk tahun lalu"),
                        "date",
                        concept="target",
                        unit="tanggal",
                        required=True,
                    ),
                    Column(
                        "desa_total",
                        _("Jumlah desa/kelurahan"),
                        "integer",
                        concept="wilayah",
                        unit="desa",
                        required=True,
                    ),
                    Column(
                        "desa_covered",
                        _("Desa/kelurahan dengan KIM aktif pada tanggal itu"),
                        "integer",
                        concept="cakupan",
                        unit="desa",
                        required=True,
                    ),
                    Column("actual_percent", _("Capaian dalam persen"), "number", concept="cakupan", unit="persen"),
                ]
            ),
        ),
        Dataset(
            slug="events",
            title=_("Kegiatan penjangkauan"),
            description=_(
                "Sosialisasi, pembinaan, rapat, pelatihan dan monitoring KIM: yang direncanakan, dilaksanakan dan dibatalkan."
            ),
            list_key="events",
            takes_day=False,
            build=event_rows,
            primary_key=("id",),
            observation=_("Kegiatan penjangkauan"),
            foreign_keys=(("kecamatan_code", "coverage", "code"), ("desa_code", "desa-coverage", "code")),
            tuples=True,
            csv_lines=event_csv_lines,
            json_lines=event_json_lines,
            columns=with_kemendagri(
                [
                    Column("id", _("Nomor kegiatan di portal (tetap)"), "integer", concept="identitas", unit="none"),
                    Column("title", _("Judul"), concept="kegiatan", unit="none", required=True),
                    Column(
                        "kind",
                        _("Jenis: sosialisasi, pembinaan, konsolidasi, pelatihan, monitoring, lainnya"),
                        values=EVENT_KINDS,
                        concept="kegiatan",
                        unit="none",
                        required=True,
                    ),
                    Column(
                        "status",
                        _("Status: planned, held, cancelled"),
                        values=tuple(OutreachEvent.Status.values),
                        concept="kegiatan",
                        unit="none",
                        required=True,
                    ),
                    Column(
                        "date",
                        _("Tanggal (TTTT-BB-HH, WIB)"),
                        "date",
                        concept="kegiatan",
                        unit="tanggal",
                        required=True,
                    ),
                    Column("time", _("Jam mulai (WIB)"), "time", concept="kegiatan", unit="jam", required=True),
                    code("kecamatan_code", _("Kode kecamatan"), "kecamatan", required=True),
                    Column("kecamatan_name", _("Nama kecamatan"), concept="wilayah", unit="none", required=True),
                    code("desa_code", _("Kode desa/kelurahan, atau kosong"), "desa"),
                    Column("desa_name", _("Nama desa/kelurahan, atau kosong"), concept="wilayah", unit="none"),
                    Column("venue", _("Tempat"), concept="kegiatan", unit="none"),
                    Column(
                        "participants",
                        _("Jumlah peserta (kegiatan yang dilaksanakan)"),
                        "integer",
                        concept="kegiatan",
                        unit="orang",
                    ),
                    Column("summary", _("Ringkasan hasil"), concept="kegiatan", unit="none"),
                ]
            ),
        ),
        Dataset(
            slug="kabupaten",
            title=_("Cakupan KIM per kabupaten/kota"),
            description=_(
                "Untuk setiap kabupaten/kota di wilayah portal: kecamatan dan desa/kelurahan yang memiliki KIM aktif serta jumlah KIM aktif, per tanggal tertentu."
            ),
            list_key="kabupaten",
            takes_day=True,
            build=kabupaten_rows,
            primary_key=("code",),
            observation=_("Kabupaten/kota"),
            regional=True,
            columns=with_kemendagri(
                [
                    code("code", _("Kode kabupaten/kota Kemendagri"), "kabupaten", required=True),
                    Column("name", _("Nama kabupaten/kota"), concept="wilayah", unit="none", required=True),
                    Column(
                        "kecamatan_total",
                        _("Jumlah kecamatan"),
                        "integer",
                        concept="wilayah",
                        unit="kecamatan",
                        required=True,
                    ),
                    Column(
                        "kecamatan_covered",
                        _("Jumlah kecamatan dengan minimal satu KIM aktif"),
                        "integer",
                        concept="cakupan",
                        unit="kecamatan",
                        required=True,
                    ),
                    Column(
                        "desa_total",
                        _("Jumlah desa/kelurahan"),
                        "integer",
                        concept="wilayah",
                        unit="desa",
                        required=True,
                    ),
                    Column(
                        "desa_covered",
                        _("Jumlah desa/kelurahan dengan minimal satu KIM aktif"),
                        "integer",
                        concept="cakupan",
                        unit="desa",
                        required=True,
                    ),
                    Column(
                        "active_kim",
                        _("Jumlah KIM aktif pada tanggal tersebut"),
                        "integer",
                        concept="kim_aktif",
                        unit="kim",
                        required=True,
                    ),
                ]
            ),
        ),
    ]
}


def last_updated(kabupaten: Kabupaten | None):
    """When KIM or event data of the kabupaten (None: the portal's region) last changed (two queries)."""
    kabupaten = in_portal() if kabupaten is None else Kabupaten.objects.filter(pk=kabupaten.pk)
    kim = Kim.objects.all().last_updated(Desa.objects.filter(kecamatan__kabupaten__in=kabupaten))
    event = OutreachEvent.objects.public().last_updated(Kecamatan.objects.filter(kabupaten__in=kabupaten))
    return {
        "kabupaten": kim,
        "kim": kim,
        "events": event,
        "coverage": max(filter(None, [kim, event]), default=None),
        "desa-coverage": max(filter(None, [kim, event]), default=None),
        # A target's actual share moves with KIM and events; a changed target itself counts up the
        # stored data revision (core.models.DataRevision), which is part of every download's ETag.
        "targets": max(filter(None, [kim, event]), default=None),
    }


CHUNK_ROWS = 1000  # rows formatted and written at once: about 100 KB of events


def _chunks(rows: Iterable, size: int = CHUNK_ROWS) -> Iterator[list]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_STARTS)


def _csv_cell(value):
    """Booleans as true/false; text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_cells(chunk: list[tuple]) -> list[list]:
    """_csv_cell of every cell of `chunk`, its common cases (text, None, a number) written out
    inline: a function call per cell cost more than the rest of the CSV."""
    formula = _FORMULA_STARTS
    return [
        [
            ("'" + v if v[:1] in formula else v)
            if v.__class__ is str
            else v
            if v is None or v.__class__ is int
            else _csv_cell(v)
            for v in row
        ]
        for row in chunk
    ]


def stream_csv(dataset: Dataset, rows: Iterable[tuple], *, lines: Iterable[str] | None = None) -> Iterator[str]:
    """RFC 4180 (CRLF) text of `rows` (tuples in column order) after the header, one piece per
    chunk of rows: csv.writer writes a chunk at once into a StringIO. With `lines` (the rows'
    lines already written, `Dataset.csv_lines`), those after the header instead, in pieces of
    about 64 KB."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(dataset.column_names)
    if lines is not None:
        yield from batched_text(chain([out.getvalue()], lines))
        return
    for chunk in _chunks(rows):
        writer.writerows(_csv_cells(chunk))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():  # the header of a file without rows
        yield out.getvalue()


_to_json = json.JSONEncoder(ensure_ascii=False).encode
_json_text = json.encoder.encode_basestring  # what _to_json writes for a str


def _json_object(names: list[str]) -> str:
    """`{"id": %s, "title": %s, ...}`: one row's object with its values to fill in."""
    return "{" + ", ".join(_to_json(name).replace("%", "%%") + ": %s" for name in names) + "}"


def _json_parts(dataset: Dataset, rows: Iterable[tuple], header: dict) -> Iterator[str]:
    """The document as _to_json writes it, a row per line; each row's values encoded inline
    (text, None and integers; anything else through _to_json) into the object's template."""
    yield _json_head(dataset, header)
    row_text = ",\n" + _json_object(dataset.column_names)
    text, lead = _json_text, 1  # the first row has no comma before it
    for chunk in _chunks(rows):
        part = "".join(
            [
                row_text
                % tuple(
                    [
                        text(v)
                        if v.__class__ is str
                        else "null"
                        if v is None
                        else str(v)
                        if v.__class__ is int
                        else _to_json(v)
                        for v in row
                    ]
                )
                for row in chunk
            ]
        )
        yield part[lead:]
        lead = 0
    yield "\n]}\n"


def stream_json(dataset: Dataset, rows: Iterable[tuple], header: dict, *, lines: Iterable[str] | None = None):
    """The JSON document of `rows`, or with `lines` (each row's object already written,
    `Dataset.json_lines`) the same bytes from those, in pieces of about 64 KB."""
    if lines is None:
        return batched_text(_json_parts(dataset, rows, header))
    return batched_text(_json_parts_written(dataset, lines, header))


def _json_head(dataset: Dataset, header: dict) -> str:
    """The document up to its list's "[": the header's members, then the list's key."""
    head = _to_json(header)
    return head[:-1] + (", " if header else "") + _to_json(dataset.list_key) + ": ["


def _json_parts_written(dataset: Dataset, lines: Iterable[str], header: dict) -> Iterator[str]:
    yield _json_head(dataset, header)
    separator = "\n"
    for line in lines:
        yield separator
        yield line
        separator = ",\n"
    yield "\n]}\n"

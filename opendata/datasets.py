"""Open data: the datasets the portal publishes, their columns and their rows.

Column names are stable: new columns may be added at the end, none renamed.
Rows are plain dicts of JSON-ready values, produced lazily so that large
downloads stream in flat memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import batched_text, read_all
from coverage.models import OutreachEvent
from coverage.queries import Stage, desa_coverage, kecamatan_coverage
from coverage.rollup import kabupaten_coverage
from coverage.targets import all_targets, desa_target_progress
from registry.filters import KimFilter
from registry.models import Kabupaten, Kim

LICENCE = _("Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.id"
STAGE_CODES = {
    Stage.NO_ACTIVITY: "no_activity",
    Stage.PLANNED: "planned",
    Stage.HELD: "held",
    Stage.KIM_FORMED: "kim_formed",
    Stage.KIM_ACTIVE: "kim_active",
}


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    kind: str = "text"  # "date" (YYYY-MM-DD) and "time" (HH:MM) are typed as such in XLSX


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

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def file_name(self, kabupaten: Kabupaten, day: date, fmt: str, filters: dict[str, str] | None = None) -> str:
        """kim-direktori-62.02-2026-01-31.csv; filtered, the desa's or kecamatan's code instead of the
        kabupaten's and -tersaring when other filters apply: kim-direktori-62.02.04-tersaring-2026-01-31.csv."""
        filters = dict(filters or {})
        desa, kecamatan = filters.pop("desa", None), filters.pop("kecamatan", None)
        narrowed = "-tersaring" if filters else ""
        filters.pop("kabupaten", None)  # named by the code below
        stem = self.file_stem or f"kim-{self.slug}"
        code = kabupaten.code if isinstance(kabupaten, Kabupaten) else kabupaten.file_code  # or a PortalRegion
        return f"{stem}-{desa or kecamatan or code}{narrowed}-{day.isoformat()}.{fmt}"


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


def region_rows(dataset: Dataset, on: date) -> tuple[dict, Iterator[dict]]:
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


# The only KIM fields that leave the building; contacts and notes never do.
KIM_PUBLIC_FIELDS = (
    "name",
    "tier__name",
    "formed_on",
    "inactive_since",
    "sk_number",
    "sk_date",
    "address",
    "website",
    "facebook",
    "instagram",
    "youtube",
    "sk_term_end",
    "kimid_number",
    "kimid_url",
)


def kim_rows(kabupaten: Kabupaten, on: date, kim_filter: KimFilter | None = None) -> tuple[dict, Iterator[dict]]:
    """Every public KIM of `kabupaten`, or those `kim_filter` (the directory's filters) lets through."""
    summary = {"filters": kim_filter.chosen()} if kim_filter and kim_filter.chosen() else {}
    return summary, _kim_rows(kabupaten, on, kim_filter)


def _kim_rows(kabupaten: Kabupaten, on: date, kim_filter: KimFilter | None) -> Iterator[dict]:
    kims = kim_filter.qs if kim_filter else Kim.objects.public().in_kabupaten(kabupaten)
    kims = (
        kims.with_active_on(on)
        .with_vitality(on)
        .select_related("desa__kecamatan", "tier")
        .order_by("pk")
        .only(*[f"desa__{f}" for f in ("code", "name", "kecamatan__code", "kecamatan__name")], *KIM_PUBLIC_FIELDS)
    )
    for kim in read_all(kims):
        yield {
            "id": kim.pk,
            "name": kim.name,
            "desa_code": kim.desa.code,
            "desa_name": kim.desa.name,
            "kecamatan_code": kim.desa.kecamatan.code,
            "kecamatan_name": kim.desa.kecamatan.name,
            "tier": kim.tier.name if kim.tier else None,
            "active": kim.active_then,
            "formed_on": _day(kim.formed_on),
            "inactive_since": _day(kim.inactive_since),
            "sk_number": kim.sk_number or None,
            "sk_date": _day(kim.sk_date),
            "address": kim.address[: Kim.ADDRESS_MAX] or None,  # rows stored before the limit
            "website": kim.website or None,
            "facebook": kim.facebook or None,
            "instagram": kim.instagram or None,
            "youtube": kim.youtube or None,
            "vitality": kim.vitality_code,
            "sk_term_end": _day(kim.sk_term_end),
            "last_activity": _day(kim.last_activity),
            "kimid_number": kim.kimid_number or None,
            "kimid_url": kim.kimid_site or None,  # only an address that validates
        }


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


def event_rows(kabupaten: Kabupaten, on: date) -> tuple[dict, Iterator[dict]]:
    return {}, _event_rows(kabupaten)


def _event_rows(kabupaten: Kabupaten) -> Iterator[dict]:
    events = (
        OutreachEvent.objects.public()
        .in_kabupaten(kabupaten)
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "title",
            "kind",
            "status",
            "starts_at",
            "kecamatan__code",
            "kecamatan__name",
            "desa__code",
            "desa__name",
            "venue",
            "participants",
            "summary",
        )
    )
    zone = timezone.get_current_timezone()
    for (
        pk,
        title,
        kind,
        status,
        starts_at,
        kec_code,
        kec_name,
        desa_code,
        desa_name,
        venue,
        participants,
        summary,
    ) in read_all(events):
        local = starts_at.astimezone(zone)
        yield {
            "id": pk,
            "title": title,
            "kind": kind,
            "status": status,
            "date": local.date().isoformat(),
            "time": f"{local.hour:02}:{local.minute:02}",
            "kecamatan_code": kec_code,
            "kecamatan_name": kec_name,
            "desa_code": desa_code,
            "desa_name": desa_name,
            "venue": venue or None,
            "participants": participants,
            "summary": summary[: OutreachEvent.TEXT_MAX] or None,  # rows stored before the limit
        }


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
            columns=[
                Column("code", _("Kode kecamatan Kemendagri")),
                Column("name", _("Nama kecamatan")),
                Column("active_kim", _("Jumlah KIM aktif pada tanggal tersebut")),
                Column("desa_total", _("Jumlah desa/kelurahan di kecamatan")),
                Column("desa_covered", _("Jumlah desa/kelurahan dengan minimal satu KIM aktif")),
                Column("covered", _("true bila ada KIM aktif")),
                Column("last_event", _("Tanggal kegiatan terakhir yang dilaksanakan (TTTT-BB-HH) atau kosong"), "date"),
                Column("last_event_kind", _("Jenis kegiatan terakhir")),
                Column("next_event", _("Tanggal kegiatan berikutnya yang direncanakan, atau kosong"), "date"),
                Column("next_event_kind", _("Jenis kegiatan berikutnya")),
                Column("overdue_events", _("Kegiatan direncanakan yang sudah lewat tanggalnya tanpa laporan")),
                Column("stage", _("Tahap: no_activity, planned, held, kim_formed, kim_active")),
                Column("held_this_year", _("Kegiatan yang dilaksanakan sejak 1 Januari tahun tersebut")),
            ],
        ),
        Dataset(
            slug="desa-coverage",
            title=_("Cakupan KIM per desa/kelurahan"),
            description=_("Setiap desa/kelurahan dengan jumlah KIM aktif dan namanya, per tanggal tertentu."),
            list_key="desa",
            takes_day=True,
            build=desa_rows,
            columns=[
                Column("code", _("Kode desa/kelurahan Kemendagri")),
                Column("name", _("Nama desa/kelurahan")),
                Column("kind", _("desa atau kelurahan")),
                Column("kecamatan_code", _("Kode kecamatan")),
                Column("kecamatan_name", _("Nama kecamatan")),
                Column("active_kim", _("Jumlah KIM aktif")),
                Column("covered", _("true bila ada KIM aktif")),
                Column("kim_names", _("Nama KIM aktif, dipisah titik koma")),
                Column(
                    "vitality",
                    _("Keadaan KIM terbaik di desa: active, sk_ended (SK berakhir), quiet (vakum), atau kosong"),
                ),
            ],
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
            file_stem="kim-direktori",
            filterable=True,
            columns=[
                Column("id", _("Nomor KIM di portal (tetap)")),
                Column("name", _("Nama KIM")),
                Column("desa_code", _("Kode desa/kelurahan yang dilayani")),
                Column("desa_name", _("Nama desa/kelurahan")),
                Column("kecamatan_code", _("Kode kecamatan")),
                Column("kecamatan_name", _("Nama kecamatan")),
                Column("tier", _("Tingkatan KIM, atau kosong")),
                Column("active", _("true bila aktif hari ini")),
                Column("formed_on", _("Tanggal terbentuk"), "date"),
                Column("inactive_since", _("Tidak aktif sejak, atau kosong"), "date"),
                Column("sk_number", _("Nomor SK pembentukan")),
                Column("sk_date", _("Tanggal SK"), "date"),
                Column("address", _("Alamat sekretariat")),
                Column("website", _("Situs web")),
                Column("facebook", _("Halaman Facebook")),
                Column("instagram", _("Akun Instagram")),
                Column("youtube", _("Kanal YouTube")),
                Column("vitality", _("Keadaan hari ini: active, quiet (vakum), sk_ended (SK berakhir), inactive")),
                Column("sk_term_end", _("Akhir masa bakti pengurus menurut SK, atau kosong")),
                Column("last_activity", _("Tanggal aktivitas atau kegiatan terakhir yang tercatat, atau kosong")),
                Column("kimid_number", _("Nomor registrasi KIM.id, atau kosong")),
                Column("kimid_url", _("Alamat situs KIM di KIM.id, atau kosong")),
            ],
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
            columns=[
                Column("year", _("Tahun target")),
                Column("scope_code", _("Kode Kemendagri kabupaten atau kecamatan yang ditargetkan")),
                Column("scope_name", _("Nama kabupaten atau kecamatan")),
                Column("target_percent", _("Target: persentase desa/kelurahan dengan KIM aktif")),
                Column("as_of", _("Tanggal capaian dihitung: hari ini, atau 31 Desember untuk tahun lalu")),
                Column("desa_total", _("Jumlah desa/kelurahan")),
                Column("desa_covered", _("Desa/kelurahan dengan KIM aktif pada tanggal itu")),
                Column("actual_percent", _("Capaian dalam persen")),
            ],
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
            columns=[
                Column("id", _("Nomor kegiatan di portal (tetap)")),
                Column("title", _("Judul")),
                Column("kind", _("Jenis: sosialisasi, pembinaan, konsolidasi, pelatihan, monitoring, lainnya")),
                Column("status", _("Status: planned, held, cancelled")),
                Column("date", _("Tanggal (TTTT-BB-HH, WIB)"), "date"),
                Column("time", _("Jam mulai (WIB)"), "time"),
                Column("kecamatan_code", _("Kode kecamatan")),
                Column("kecamatan_name", _("Nama kecamatan")),
                Column("desa_code", _("Kode desa/kelurahan, atau kosong")),
                Column("desa_name", _("Nama desa/kelurahan, atau kosong")),
                Column("venue", _("Tempat")),
                Column("participants", _("Jumlah peserta (kegiatan yang dilaksanakan)")),
                Column("summary", _("Ringkasan hasil")),
            ],
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
            regional=True,
            columns=[
                Column("code", _("Kode kabupaten/kota Kemendagri")),
                Column("name", _("Nama kabupaten/kota")),
                Column("kecamatan_total", _("Jumlah kecamatan")),
                Column("kecamatan_covered", _("Jumlah kecamatan dengan minimal satu KIM aktif")),
                Column("desa_total", _("Jumlah desa/kelurahan")),
                Column("desa_covered", _("Jumlah desa/kelurahan dengan minimal satu KIM aktif")),
                Column("active_kim", _("Jumlah KIM aktif pada tanggal tersebut")),
            ],
        ),
    ]
}


def last_updated(kabupaten: Kabupaten | None):
    """When KIM or event data of the kabupaten (None: the portal's region) last changed (two queries)."""
    if kabupaten is None:
        kims = Kim.objects.filter(desa__kecamatan__kabupaten__in=in_portal())
        events = OutreachEvent.objects.public().filter(kecamatan__kabupaten__in=in_portal())
    else:
        kims, events = Kim.objects.in_kabupaten(kabupaten), OutreachEvent.objects.public().in_kabupaten(kabupaten)
    kim = kims.aggregate(at=Max("updated_at"))["at"]
    event = events.aggregate(at=Max("updated_at"))["at"]
    return {
        "kabupaten": kim,
        "kim": kim,
        "events": event,
        "coverage": max(filter(None, [kim, event]), default=None),
        "desa-coverage": max(filter(None, [kim, event]), default=None),
        # A target's actual share moves with KIM and events; a changed target itself changes the
        # page-cache data version, which is part of every download's ETag.
        "targets": max(filter(None, [kim, event]), default=None),
    }


class _Lines(list):
    """Where csv.writer writes: the text of the rows written since the last chunk."""

    def write(self, text):
        self.append(text)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    """Booleans as true/false; text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_lines(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    names = dataset.column_names
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")  # RFC 4180
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_cell(row[name]) for name in names])
        yield from lines
        lines.clear()
    yield from lines


def stream_csv(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    return batched_text(_csv_lines(dataset, rows))


_to_json = json.JSONEncoder(ensure_ascii=False).encode


def _json_parts(dataset: Dataset, rows: Iterable[dict], header: dict) -> Iterator[str]:
    head = _to_json(header)
    yield head[:-1] + (", " if header else "") + _to_json(dataset.list_key) + ": ["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + _to_json(row)
    yield "\n]}\n"


def stream_json(dataset: Dataset, rows: Iterable[dict], header: dict) -> Iterator[str]:
    return batched_text(_json_parts(dataset, rows, header))

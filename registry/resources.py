"""KIM lists in and out of spreadsheets (CSV, XLSX) for the admin (django-import-export).

A row's desa is found by its Kemendagri code (`kode_desa`) or, when that is
empty, by the names in `kecamatan` and `desa` within the portal's kabupaten.
A KIM is the same KIM when desa and name match, so importing a file twice, or
importing an export, changes nothing. Any bad row rejects the whole file, with
a message per row and column in Indonesian. Columns: README, "Importing KIM".

Exports carry private contacts and text anyone may have typed (a KIM's name):
text a spreadsheet would run as a formula is written with a leading ' (the
rule of the open data CSVs, coverage/opendata.py), in CSV and XLSX alike, and
reading it back drops that ' again.
"""

import csv
import io
import logging
import re
import zipfile
from datetime import date, datetime

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import EmailField, URLField
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Error, Result
from import_export.tmp_storages import CacheStorage

from core.region import portal_region

from .models import Desa, Kabupaten, Kim, KimActivity, KimMonthlySummary, Pengurus, Tier
from .scope import for_staff
from .vitality import as_day, last_sign_expression

PENGURUS_ROLES = {
    "ketua": Pengurus.Role.KETUA,
    "sekretaris": Pengurus.Role.SEKRETARIS,
    "bendahara": Pengurus.Role.BENDAHARA,
}
DAY_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DESA_PREFIX = re.compile(r"^(desa|kelurahan|kel\.|ds\.)\s+", re.I)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
logger = logging.getLogger(__name__)


def escape_formula(value):
    """Text a spreadsheet would run as a formula gets a leading ' and stays text; anything else as it is.

    Text that already starts with ' before a formula character gets one more, so
    unescape_formula gives back exactly what was exported.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Text as it was before escape_formula."""
    if text.startswith("'") and text[1:].lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _text(value) -> str:
    """A cell as text, for every column the import reads."""
    text = "" if value is None else unescape_formula(str(value).strip())
    if "\x00" in text:  # PostgreSQL refuses it with an English error; no text of the portal needs it
        raise ValueError(_("Berisi karakter NUL (kode 0), yang tidak boleh ada dalam teks. Hapus dari berkasnya."))
    return text


class DayWidget(widgets.Widget):
    """A date from a spreadsheet cell or text in one of DAY_FORMATS; written as YYYY-MM-DD."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        for fmt in DAY_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        if re.fullmatch(r"\d{1,4}[-/]\d{1,2}[-/]\d{1,4}", text):  # the right shape, a day the calendar lacks
            raise ValueError(
                _("“%(value)s” bukan tanggal yang valid: tanggal itu tidak ada di kalender. Periksa hari dan bulannya.")
                % {"value": text}
            )
        raise ValueError(
            _(
                "“%(value)s” bukan tanggal yang valid. Gunakan TTTT-BB-HH (2022-03-24), HH-BB-TTTT (24-03-2022) "
                "atau HH/BB/TTTT (24/03/2022)."
            )
            % {"value": text[:40]}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class TextWidget(widgets.CharWidget):
    """Text with surrounding spaces dropped; empty cells become ''."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)


class TierWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Tier, "name")

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            return None
        tier = Tier.objects.filter(name__iexact=name).first()
        if tier is None:
            known = ", ".join(Tier.objects.values_list("name", flat=True)) or "-"
            raise ValueError(
                _("Tingkatan “%(name)s” tidak dikenal. Pilihan: %(known)s.") % {"name": name[:40], "known": known}
            )
        return tier


class DesaWidget(widgets.ForeignKeyWidget):
    """The desa of a row: by `kode_desa`, or by `kecamatan` and `desa` names.

    Each distinct answer is looked up once per import (a widget lives as long as its resource):
    a row's desa is asked for twice (finding the KIM, then setting its desa), and a list names the
    same desa again and again. This halved a 1,000-row import's time."""

    def __init__(self):
        super().__init__(Desa, "code")
        self._answers = {}

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        key = (_text(value), _text(row.get("kecamatan")), _text(row.get("desa")))
        if key not in self._answers:
            try:
                self._answers[key] = self._find(*key)
            except ValueError as error:
                self._answers[key] = error
        answer = self._answers[key]
        if isinstance(answer, ValueError):
            raise answer
        return answer

    def _find(self, code, kecamatan_name, desa_typed):
        desa_name = DESA_PREFIX.sub("", desa_typed)
        portal = portal_region().file_code
        in_portal = Desa.objects.select_related("kecamatan").filter(
            kecamatan__kabupaten__in=Kabupaten.objects.in_portal()
        )
        if code:
            desa = in_portal.filter(code=code).first()
            if desa is None:
                raise ValueError(
                    _("Kode desa %(code)s tidak ditemukan di kabupaten ini (%(portal)s).")
                    % {"code": code[:20], "portal": portal}
                )
            if kecamatan_name and kecamatan_name.casefold() != desa.kecamatan.name.casefold():
                raise ValueError(
                    _("Kode desa %(code)s adalah %(desa)s di Kecamatan %(right)s, bukan di Kecamatan %(wrong)s.")
                    % {"code": code, "desa": desa, "right": desa.kecamatan.name, "wrong": kecamatan_name[:60]}
                )
            if desa_name and desa_name.casefold() != desa.name.casefold():
                raise ValueError(
                    _("Kode desa %(code)s adalah %(desa)s, bukan “%(wrong)s”.")
                    % {"code": code, "desa": desa, "wrong": desa_name[:60]}
                )
            return desa
        if not (kecamatan_name and desa_name):
            raise ValueError(_("Isi kode_desa, atau kecamatan dan desa."))
        matches = list(in_portal.filter(kecamatan__name__iexact=kecamatan_name, name__iexact=desa_name)[:2])
        if not matches:
            raise ValueError(
                _("Desa/kelurahan “%(desa)s” tidak ditemukan di Kecamatan “%(kecamatan)s”.")
                % {"desa": desa_typed[:60], "kecamatan": kecamatan_name[:60]}
            )
        if len(matches) > 1:
            raise ValueError(
                _("Ada lebih dari satu “%(desa)s” di Kecamatan %(kecamatan)s; isi kode_desa.")
                % {"desa": desa_name[:60], "kecamatan": kecamatan_name[:60]}
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class SpreadsheetResult(Result):
    """An import's result with rows numbered as the spreadsheet numbers them: the header is row 1.

    django-import-export counts data rows from 1, so its "row 3" was the
    spreadsheet's row 4.
    """

    HEADER_ROWS = 1

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + self.HEADER_ROWS, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + self.HEADER_ROWS, row, [self._plain(error) for error in errors])

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]

    def append_base_error(self, error):
        super().append_base_error(self._plain(error))

    @staticmethod
    def _plain(error):
        """Our own messages as they are; anything else (a bug, the database) logged, and said in Indonesian."""
        if isinstance(error.error, UnreadableSpreadsheet):
            return error
        logger.error("Import failed: %r", error.error, exc_info=error.error)
        return Error(
            UnreadableSpreadsheet(
                _("Kesalahan di server (%(kind)s); tidak ada yang disimpan. Laporkan ke pengelola portal.")
                % {"kind": type(error.error).__name__}
            ),
            row=error.row,
            number=error.number,
        )


def _text_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


def _day_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=DayWidget())


class KimResource(resources.ModelResource):
    kode_desa = fields.Field(attribute="desa", column_name="kode_desa", widget=DesaWidget())
    kecamatan = fields.Field(attribute="desa__kecamatan__name", column_name="kecamatan", readonly=True)
    desa = fields.Field(attribute="desa__name", column_name="desa", readonly=True)
    nama = _text_field("name", "nama")
    tingkatan = fields.Field(attribute="tier", column_name="tingkatan", widget=TierWidget())
    nomor_sk = _text_field("sk_number", "nomor_sk")
    tanggal_sk = _day_field("sk_date", "tanggal_sk")
    tanggal_terbentuk = _day_field("formed_on", "tanggal_terbentuk")
    # The KIM's last sign of life as the list knows it: an accepted activity entry "Diimpor" on that
    # day, unless the portal already knows one as late (export: the portal's last sign of life).
    terakhir_aktif = _day_field("imported_last_active", "terakhir_aktif")
    tidak_aktif_sejak = _day_field("inactive_since", "tidak_aktif_sejak")
    alasan_tidak_aktif = _text_field("inactive_reason", "alasan_tidak_aktif")
    alamat = _text_field("address", "alamat")
    situs_web = _text_field("website", "situs_web")
    facebook = _text_field("facebook", "facebook")
    instagram = _text_field("instagram", "instagram")
    youtube = _text_field("youtube", "youtube")
    email_kontak = _text_field("contact_email", "email_kontak")
    telepon_kontak = _text_field("contact_phone", "telepon_kontak")
    catatan = _text_field("notes", "catatan")
    # The KIM's ketua, sekretaris and bendahara by name: an empty cell leaves the pengurus as they are.
    ketua = fields.Field(attribute="imported_ketua", column_name="ketua", widget=TextWidget())
    sekretaris = fields.Field(attribute="imported_sekretaris", column_name="sekretaris", widget=TextWidget())
    bendahara = fields.Field(attribute="imported_bendahara", column_name="bendahara", widget=TextWidget())

    class Meta:
        model = Kim
        fields = [
            "kode_desa",
            "kecamatan",
            "desa",
            "nama",
            "tingkatan",
            "nomor_sk",
            "tanggal_sk",
            "tanggal_terbentuk",
            "terakhir_aktif",
            "tidak_aktif_sejak",
            "alasan_tidak_aktif",
            "alamat",
            "situs_web",
            "facebook",
            "instagram",
            "youtube",
            "email_kontak",
            "telepon_kontak",
            "catatan",
            "ketua",
            "sekretaris",
            "bendahara",
        ]
        export_order = fields
        import_id_fields = ["kode_desa", "nama"]
        clean_model_instances = True  # the model's own rules (dates, SK, phone, unique name per desa)
        skip_unchanged = True
        report_skipped = True

    def __init__(self, staff=None, **kwargs):
        super().__init__(**kwargs)
        self.staff = staff  # the admin user importing or exporting: rows outside their scope are refused

    def import_data(self, *args, **kwargs):
        """Import, refreshing the KIM summary of each kabupaten once at the end (not once a row)."""
        with KimMonthlySummary.objects.deferring():
            return super().import_data(*args, **kwargs)

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("desa__kecamatan", "tier")
            .prefetch_related("pengurus")
            .annotate(last_sign_of_life=last_sign_expression(timezone.localdate()))
        )
        return queryset if self.staff is None else for_staff(queryset, self.staff)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name in PENGURUS_ROLES:
            name = _text(row.get(field.column_name))
            limit = Pengurus._meta.get_field("name").max_length
            if len(name) > limit:
                raise ValueError(_("Nama paling panjang %(limit)d karakter.") % {"limit": limit})
            if name:  # empty: the pengurus stay as they are
                setattr(instance, field.attribute, name)
            return
        if field.column_name == "terakhir_aktif":
            self._import_last_active(field, instance, row)
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        if field.attribute == "desa" and self.staff is not None and instance.desa_id is not None:
            if not self._in_scope(instance.desa_id):
                desa = instance.desa
                raise ValueError(
                    _("%(desa)s (%(code)s) ada di %(kabupaten)s, di luar wilayah kerja Anda; baris ini tidak diimpor.")
                    % {"desa": desa, "code": desa.code, "kabupaten": desa.kecamatan.kabupaten}
                )

    @staticmethod
    def _import_last_active(field, instance, row):
        """The row's terakhir_aktif, checked; a day no later than the last sign of life the portal
        knows leaves the KIM as it is (so importing an export, or a file twice, changes nothing)."""
        day = field.clean(row) if field.column_name in row else None
        if day is None:
            return
        if day > timezone.localdate():
            raise ValueError(_("Tanggal terakhir aktif tidak boleh di masa depan."))
        if instance.formed_on and day < instance.formed_on:
            raise ValueError(
                _("Tanggal terakhir aktif tidak boleh sebelum tanggal_terbentuk (%(formed)s).")
                % {"formed": instance.formed_on.strftime("%d-%m-%Y")}
            )
        known = getattr(instance, "known_last_active", None)
        instance.imported_last_active = max(day, known) if known else day

    def _in_scope(self, desa_id) -> bool:
        """Whether the importing staff member works for this desa's kabupaten, asked once per desa."""
        known = self.__dict__.setdefault("_scope_answers", {})
        if desa_id not in known:
            known[desa_id] = for_staff(Desa.objects.filter(pk=desa_id), self.staff).exists()
        return known[desa_id]

    def get_result_class(self):
        return SpreadsheetResult

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        error = result.validation_error
        if error is not None and hasattr(error, "error_dict"):  # name the file's columns, not the model's fields
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            result.validation_error = ValidationError(
                {
                    columns.get(name, name): [self._plain(name, e, row.get(columns.get(name, name))) for e in errors]
                    for name, errors in error.error_dict.items()
                }
            )
        return result

    @staticmethod
    def _plain(name, error, value):
        """Django's generic field messages ("Field ini tidak boleh kosong", "Masukkan URL yang valid") said plainly."""
        try:
            field = Kim._meta.get_field(name)
        except FieldDoesNotExist:  # a column that is no field of its own (terakhir_aktif, ketua, ...)
            field = None
        text = "" if value is None else str(value).strip()[:60]
        if error.code in ("blank", "null", "required"):
            return ValidationError(_("wajib diisi."), code=error.code)
        if error.code == "invalid" and isinstance(field, EmailField):
            return ValidationError(
                _("“%(value)s” bukan alamat e-mail yang valid; tulis seperti kim.maju@gmail.com.") % {"value": text},
                code="invalid",
            )
        if error.code == "invalid" and isinstance(field, URLField):
            return ValidationError(
                _(
                    "“%(value)s” bukan alamat situs yang lengkap: tulis alamat yang diawali https://, "
                    "mis. https://kim-maju.desa.id."
                )
                % {"value": text},
                code="invalid",
            )
        return error

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def get_instance(self, instance_loader, row):
        try:
            instance = super().get_instance(instance_loader, row)
        except ValueError:  # no desa found: reported on the row by import_instance
            return None
        if instance is not None:  # its pengurus and last sign of life as they are, to compare the row with
            for column, role in PENGURUS_ROLES.items():
                setattr(instance, f"imported_{column}", self._pengurus_name(instance, role))
            instance.known_last_active = instance.imported_last_active = as_day(instance.last_sign_of_life)
        return instance

    @staticmethod
    def _pengurus_name(kim, role) -> str:
        if kim.pk is None:
            return ""
        return next((p.name for p in kim.pengurus.all() if p.role == role), "")

    def dehydrate_terakhir_aktif(self, kim):
        day = as_day(getattr(kim, "last_sign_of_life", None))
        return day.isoformat() if day else ""

    def dehydrate_ketua(self, kim):
        return getattr(kim, "imported_ketua", None) or self._pengurus_name(kim, Pengurus.Role.KETUA)

    def dehydrate_sekretaris(self, kim):
        return getattr(kim, "imported_sekretaris", None) or self._pengurus_name(kim, Pengurus.Role.SEKRETARIS)

    def dehydrate_bendahara(self, kim):
        return getattr(kim, "imported_bendahara", None) or self._pengurus_name(kim, Pengurus.Role.BENDAHARA)

    def after_save_instance(self, instance, row, **kwargs):
        """Write the row's ketua, sekretaris and bendahara (with the import's history reason), and its
        last activity when it is later than any the portal knows."""
        day = getattr(instance, "imported_last_active", None)
        known = getattr(instance, "known_last_active", None)
        if day is not None and (known is None or day > known):
            entry = KimActivity(
                kim=instance,
                date=day,
                kind=KimActivity.IMPORTED,
                note=getattr(instance, "_change_reason", None) or "",
                entered_by=kwargs.get("user"),
                review_status=KimActivity.Review.ACCEPTED,  # staff vouch for the list they import
            )
            entry.full_clean()
            entry._change_reason = getattr(instance, "_change_reason", None)
            entry.save()
        for column, role in PENGURUS_ROLES.items():
            name = getattr(instance, f"imported_{column}", "") or ""
            if not name or column not in row:
                continue
            pengurus = instance.pengurus.filter(role=role).order_by("pk").first() or Pengurus(kim=instance, role=role)
            if pengurus.name == name:
                continue
            pengurus.name = name
            pengurus.full_clean()
            pengurus._change_reason = getattr(instance, "_change_reason", None)
            pengurus.save()
        getattr(instance, "_prefetched_objects_cache", {}).pop("pengurus", None)

    def before_import(self, dataset, **kwargs):
        """The file's header: kode_desa may be left out when kecamatan and desa name each desa."""
        headers = dataset.headers or []
        if "kode_desa" not in headers and {"kecamatan", "desa"} <= set(headers):
            dataset.append_col([""] * len(dataset), header="kode_desa")
        missing = [c for c in ("kode_desa", "nama", "tanggal_terbentuk") if c not in dataset.headers]
        if missing:
            del dataset[:]  # one message for the file, not one per row
            names = [_("kode_desa (atau kecamatan dan desa)") if c == "kode_desa" else c for c in missing]
            raise UnreadableSpreadsheet(
                _("Kolom wajib tidak ada di baris judul (baris 1): %(columns)s. Tidak ada yang disimpan.")
                % {"columns": ", ".join(names)}
            )

    def before_save_instance(self, instance, row, **kwargs):
        name = kwargs.get("file_name") or "-"
        instance._change_reason = (_("Diimpor dari %(name)s") % {"name": name})[:100]  # its history's reason
        # Staff vouch for the list they import: a matching proposal becomes verified.
        if instance.review_status != Kim.Review.ACCEPTED:
            instance.review_status = Kim.Review.ACCEPTED
            instance.reviewed_by = kwargs.get("user")
            instance.reviewed_at = timezone.now()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and original.pk and original.review_status != Kim.Review.ACCEPTED:
            return False  # unchanged columns, but importing it verifies the proposal
        return super().skip_row(instance, original, row, import_validation_errors)


# What the import page and the downloadable template say about each column (README: "Importing KIM").
COLUMN_HELP = [
    ("kode_desa", _lazy("ini, atau kecamatan + desa"), _lazy("kode Kemendagri desa/kelurahan, mis. 62.02.04.1004")),
    ("kecamatan", _lazy("dengan desa, bila kode_desa kosong"), _lazy("nama kecamatan")),
    ("desa", _lazy("dengan kecamatan"), _lazy("nama desa/kelurahan; awalan “Desa”/“Kelurahan” diabaikan")),
    ("nama", _lazy("ya"), _lazy("nama KIM")),
    ("tingkatan", _lazy("tidak"), _lazy("nama tingkatan seperti di admin (Tingkatan KIM)")),
    ("nomor_sk", _lazy("bersama tanggal_sk"), _lazy("nomor surat keputusan")),
    ("tanggal_sk", _lazy("bersama nomor_sk"), _lazy("tanggal surat keputusan")),
    ("tanggal_terbentuk", _lazy("ya"), _lazy("tanggal KIM terbentuk")),
    (
        "terakhir_aktif",
        _lazy("tidak"),
        _lazy(
            "tanggal terakhir KIM diketahui aktif; dicatat sebagai aktivitas “Diimpor”. Kosong: KIM baru "
            "dapat dinilai vakum setelah tercatat di portal selama masa vakum (KIM_QUIET_MONTHS)"
        ),
    ),
    ("tidak_aktif_sejak", _lazy("bersama alasan_tidak_aktif"), _lazy("sejak kapan KIM tidak aktif")),
    ("alasan_tidak_aktif", _lazy("bersama tidak_aktif_sejak"), _lazy("mengapa KIM tidak aktif")),
    ("alamat", _lazy("tidak"), _lazy("alamat sekretariat")),
    ("situs_web", _lazy("tidak"), _lazy("alamat situs, mulai dengan https://")),
    ("facebook", _lazy("tidak"), _lazy("alamat halaman Facebook")),
    ("instagram", _lazy("tidak"), _lazy("alamat akun Instagram")),
    ("youtube", _lazy("tidak"), _lazy("alamat kanal YouTube")),
    ("email_kontak", _lazy("tidak"), _lazy("e-mail kontak (privat)")),
    ("telepon_kontak", _lazy("tidak"), _lazy("telepon kontak (privat)")),
    ("catatan", _lazy("tidak"), _lazy("catatan internal (privat)")),
    ("ketua", _lazy("tidak"), _lazy("nama ketua; kosong: pengurus yang ada tetap")),
    ("sekretaris", _lazy("tidak"), _lazy("nama sekretaris; kosong: pengurus yang ada tetap")),
    ("bendahara", _lazy("tidak"), _lazy("nama bendahara; kosong: pengurus yang ada tetap")),
]
DATE_HELP = _lazy(
    "Tanggal: TTTT-BB-HH (2022-03-24), HH-BB-TTTT (24-03-2022), HH/BB/TTTT (24/03/2022) atau sel tanggal XLSX."
)


def template_dataset(*, example_desa) -> tablib.Dataset:
    """The import's columns with one example row (a real desa of the user's, when there is one)."""
    example = dict.fromkeys(KimResource.Meta.fields, "")
    example.update(
        {
            "nama": "KIM Contoh Maju",
            "tanggal_terbentuk": "24-03-2022",
            "terakhir_aktif": "10-02-2025",
            "alamat": "Jl. Contoh No. 1",
            "ketua": "Budi Santoso (contoh)",
            "sekretaris": "Sri Wahyuni (contoh)",
            "bendahara": "Ahmad Fauzi (contoh)",
        }
    )
    if example_desa is not None:
        example.update(
            {"kode_desa": example_desa.code, "kecamatan": example_desa.kecamatan.name, "desa": example_desa.name}
        )
    dataset = tablib.Dataset(headers=list(KimResource.Meta.fields), title="KIM")
    dataset.append([example[column] for column in KimResource.Meta.fields])
    return dataset


def template_xlsx(*, example_desa) -> bytes:
    """The template as XLSX: sheet KIM (columns, example row), sheet Petunjuk (what each column takes)."""
    guide = tablib.Dataset(headers=[_("kolom"), _("wajib"), _("isi")], title=_("Petunjuk"))
    for column, required, meaning in COLUMN_HELP:
        guide.append([column, str(required), str(meaning)])
    guide.append(["", "", ""])
    guide.append([_("tanggal"), "", str(DATE_HELP)])
    book = tablib.Databook([template_dataset(example_desa=example_desa), guide])
    return book.export("xlsx")


class UnreadableSpreadsheet(ValueError):
    """A file the import cannot read, with a message in Indonesian for the import page."""


class SpreadsheetTooLarge(UnreadableSpreadsheet):
    """A file over IMPORT_MAX_BYTES, IMPORT_MAX_ROWS or IMPORT_MAX_COLUMNS, refused before it is parsed."""


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)  # 100.000 in Indonesian


def check_file_size(size: int) -> None:
    """Refuse a file over IMPORT_MAX_BYTES (the first check: it needs no reading)."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise SpreadsheetTooLarge(
            _(
                "Berkas terlalu besar: paling banyak %(limit)s MB; berkas ini %(size)s MB. "
                "Bagi daftarnya menjadi beberapa berkas."
            )
            % {"limit": _megabytes(limit), "size": _megabytes(size)}
        )


def _megabytes(size: int) -> str:
    return number_format(size / 1024 / 1024, decimal_pos=1).removesuffix(",0").removesuffix(".0")


def _too_many_rows(count: int, *, at_least=False) -> SpreadsheetTooLarge:
    values = {"limit": _count(settings.IMPORT_MAX_ROWS), "count": _count(count)}
    if at_least:
        message = _(
            "Berkas terlalu besar: paling banyak %(limit)s baris di bawah baris judul; berkas ini lebih dari "
            "%(count)s baris. Hapus baris kosong di bawah data, atau bagi daftarnya menjadi beberapa berkas."
        )
    else:
        message = _(
            "Berkas terlalu besar: paling banyak %(limit)s baris di bawah baris judul; berkas ini %(count)s baris. "
            "Hapus baris kosong di bawah data, atau bagi daftarnya menjadi beberapa berkas."
        )
    return SpreadsheetTooLarge(message % values)


def _too_many_columns(count: int) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        _(
            "Berkas terlalu besar: paling banyak %(limit)s kolom; berkas ini %(count)s kolom. "
            "Hapus kolom yang tidak diimpor (lihat “Isi tiap kolom”)."
        )
        % {"limit": _count(settings.IMPORT_MAX_COLUMNS), "count": _count(count)}
    )


def _no_rows() -> UnreadableSpreadsheet:
    return UnreadableSpreadsheet(
        _("Berkas tidak berisi baris KIM: di bawah baris judul (nama kolom) tidak ada data. Tidak ada yang disimpan.")
    )


def _dataset(headers: list, rows) -> tablib.Dataset:
    """The rows under `headers`, with the empty columns and rows after the last filled ones dropped.

    A row with a filled cell right of the last named column is refused (it would be lost).
    """
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnreadableSpreadsheet(_("Berkas kosong: baris pertama harus berisi nama kolom."))
    if len(headers) > settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(len(headers))
    rows = list(rows)
    while rows and not any(_filled(cell) for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise _no_rows()
    dataset = tablib.Dataset(headers=headers)
    for number, row in enumerate(rows, start=2):
        extra = [cell for cell in row[len(headers) :] if _filled(cell)]
        if extra:
            raise UnreadableSpreadsheet(
                _("Baris %(row)d berisi lebih banyak kolom daripada baris judul: “%(value)s”.")
                % {"row": number, "value": str(extra[0])[:40]}
            )
        row = list(row)
        dataset.append((row + [""] * len(headers))[: len(headers)])
    return dataset


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


class SpreadsheetCSV(CSV):
    """A CSV file as spreadsheets save it, for import.

    Excel with Indonesian regional settings separates with `;`, others with `,`:
    the header row decides. UTF-8 with or without a BOM, else Windows-1252 (Excel's
    "CSV" on Windows). Empty columns after the last named one (`;;;` at the end
    of rows) and empty rows after the last row are dropped; rows keep their
    numbers. Read as bytes: the admin's fixed text encoding would refuse Windows-1252.
    At most IMPORT_MAX_BYTES, IMPORT_MAX_ROWS rows under the header and
    IMPORT_MAX_COLUMNS named columns: rows past the limit are counted, not kept.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        check_file_size(len(in_stream))
        if isinstance(in_stream, bytes):
            try:
                text = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = in_stream.decode("cp1252", errors="replace")
        else:
            text = in_stream.removeprefix("\ufeff")
        header_line = text.split("\n", 1)[0]
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        headers = [cell.strip() for cell in next(reader, [])]
        limit, rows, filled = settings.IMPORT_MAX_ROWS, [], 0
        for number, row in enumerate(reader, start=1):  # the whole file, within IMPORT_MAX_BYTES
            if any(cell.strip() for cell in row):
                filled = number
            if number <= limit:
                rows.append(row)
        if filled > limit:
            raise _too_many_rows(filled)
        return _dataset(headers, rows[:filled] if headers else [])


class SpreadsheetXLSX(XLSX):
    """An XLSX file for import: its first (active) sheet, header in row 1, read in openpyxl's streaming mode.

    Bounded before openpyxl parses anything: the file's size, what its parts
    unpack to (a zip can hold 1,000 times its size), and the number of cells and
    rows each sheet's XML holds (counted on the raw bytes: openpyxl parses a sheet
    without a `dimension` tag whole when it opens the book); then the first sheet's
    declared size (`dimension`, Excel's used range), and again while streaming,
    since that tag can lie or be missing. Cells that merely carry formatting count.
    """

    UNPACKED_PER_BYTE = 5  # a full-size XLSX unpacks to ~16x its size, but stays far under 5x IMPORT_MAX_BYTES
    CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
    ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
    SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")

    def create_dataset(self, in_stream, **kwargs):
        check_file_size(len(in_stream))
        rows_limit, columns_limit = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
        cells_limit = (rows_limit + 1) * columns_limit
        with zipfile.ZipFile(io.BytesIO(in_stream)) as package:
            unpacked = sum(member.file_size for member in package.infolist())
            if unpacked > self.UNPACKED_PER_BYTE * settings.IMPORT_MAX_BYTES:
                raise SpreadsheetTooLarge(
                    _("Berkas terlalu besar: isinya %(size)s MB setelah dibuka; paling banyak %(limit)s MB.")
                    % {
                        "size": _megabytes(unpacked),
                        "limit": _megabytes(self.UNPACKED_PER_BYTE * settings.IMPORT_MAX_BYTES),
                    }
                )
            for name in package.namelist():  # openpyxl reads every sheet once when it opens the book
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    self._count(package, name, self.CELL, cells_limit, _too_many_cells)
                    self._count(
                        package,
                        name,
                        self.ROW,
                        rows_limit + 1,
                        lambda n, at_least: _too_many_rows(n - 1, at_least=at_least),
                    )
                elif name == "xl/sharedStrings.xml":
                    self._count(package, name, self.SHARED_STRING, cells_limit, _too_many_cells)
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            return self._read(book.active, rows_limit, columns_limit)
        finally:
            book.close()

    def _read(self, sheet, rows_limit, columns_limit):
        if sheet is None or not hasattr(sheet, "reset_dimensions"):  # a chart sheet, or none
            raise UnreadableSpreadsheet(
                _("Lembar pertama berkas XLSX ini bukan tabel. Pindahkan tabel KIM ke lembar pertama.")
            )
        if sheet.max_row is not None and sheet.max_row - 1 > rows_limit:  # the declared used range
            raise _too_many_rows(sheet.max_row - 1)
        if sheet.max_column is not None and sheet.max_column > columns_limit:
            raise _too_many_columns(sheet.max_column)
        sheet.reset_dimensions()  # rows as they are in the file, not padded to a declared size
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            if number > rows_limit:
                raise _too_many_rows(rows_limit, at_least=True)
            if len(row) > columns_limit:
                raise _too_many_columns(len(row))
            rows.append(row)
        if not rows:
            raise UnreadableSpreadsheet(_("Berkas kosong: baris pertama harus berisi nama kolom."))
        headers = ["" if cell is None else str(cell).strip() for cell in rows[0]]
        return _dataset(headers, rows[1:])

    @staticmethod
    def _count(package, name, pattern, limit, error):
        """Count `pattern` in a part of the package as it unpacks, 1 MB at a time; `error(count, at_least)` past `limit`."""
        count, carry = 0, b""
        with package.open(name) as part:
            while chunk := part.read(1 << 20):
                text = carry + chunk
                cut = text.rfind(b"<")  # no element starts in one chunk and ends in the next
                if cut < 0:
                    cut = len(text)
                count += len(pattern.findall(text, 0, cut))
                carry = text[cut:]
                if count > limit:
                    raise error(count, at_least=True)
        count += len(pattern.findall(carry))
        if count > limit:
            raise error(count, at_least=False)


def _too_many_cells(count: int, at_least=True) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        _(
            "Berkas terlalu besar: paling banyak %(rows)s baris × %(columns)s kolom; sebuah lembarnya berisi lebih dari "
            "%(count)s sel. Hapus baris dan kolom kosong yang berformat, atau bagi daftarnya menjadi beberapa berkas."
        )
        % {
            "rows": _count(settings.IMPORT_MAX_ROWS),
            "columns": _count(settings.IMPORT_MAX_COLUMNS),
            "count": _count((settings.IMPORT_MAX_ROWS + 1) * settings.IMPORT_MAX_COLUMNS),
        }
    )


class ImportPreviewStorage(CacheStorage):
    """An uploaded file between the import's preview and its confirmation (IMPORT_EXPORT_TMP_STORAGE_CLASS).

    It sits in the cache (Redis when several workers run) under a random name for
    an hour, not in the system's temp folder: the confirm form's file name can
    name nothing else, and a preview never confirmed does not keep its private
    columns on disk.
    """

    CACHE_LIFETIME = 3600
    CACHE_PREFIX = "kimportal-import-preview-"
    NAME = re.compile(r"[0-9a-f]{32}")

    class Missing(LookupError):
        """The preview expired, was imported already, or never existed."""

    def read(self):
        data = super().read() if self.NAME.fullmatch(self.name or "") else None
        if data is None:
            raise self.Missing(self.name)
        return data

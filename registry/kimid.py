"""Staff's export for registering KIM on KIM.id (Komdigi's national KIM platform).

KIM.id publishes no registration form or import format that we could find (its
registration runs inside kelola.kim.id, behind a login), so the columns are what
every such registration asks for: the KIM's name and region by Kemendagri code,
its SK, its secretariat, the ketua and a contact, and its public channels.
Contacts are private: this export is for staff only (the admin's KIM view right).
"""

import csv
import io

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone

from .models import Kim, Pengurus

# (column, what it holds)
KIMID_COLUMNS = [
    ("nama_kim", "Nama KIM"),
    ("provinsi", "Provinsi"),
    ("kabupaten_kota", "Kabupaten/kota"),
    ("kecamatan", "Kecamatan"),
    ("desa_kelurahan", "Desa/kelurahan"),
    ("kode_wilayah", "Kode desa/kelurahan Kemendagri"),
    ("alamat_sekretariat", "Alamat sekretariat"),
    ("tanggal_terbentuk", "Tanggal terbentuk (TTTT-BB-HH)"),
    ("nomor_sk", "Nomor SK pembentukan"),
    ("tanggal_sk", "Tanggal SK"),
    ("sk_ditetapkan_oleh", "Kepala desa atau lurah"),
    ("akhir_masa_bakti", "Akhir masa bakti pengurus"),
    ("nama_ketua", "Nama ketua"),
    ("email_kontak", "E-mail kontak"),
    ("telepon_kontak", "Telepon kontak"),
    ("situs_web", "Situs web lain"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("youtube", "YouTube"),
    ("nomor_kimid", "Nomor registrasi KIM.id (bila sudah ada)"),
    ("situs_kimid", "Situs KIM.id (bila sudah ada)"),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def kimid_rows(kims):
    """One row per KIM, in KIMID_COLUMNS' order; three queries whatever the number of KIM."""
    ketua = Pengurus.objects.filter(role=Pengurus.Role.KETUA).only("name", "kim_id")
    kims = kims.select_related("desa__kecamatan__kabupaten").prefetch_related(
        Prefetch("pengurus", queryset=ketua, to_attr="ketua")
    )
    for kim in kims.order_by("desa__code", "name"):
        desa = kim.desa
        yield [
            kim.name,
            desa.kecamatan.kabupaten.province_name,
            desa.kecamatan.kabupaten.name,
            desa.kecamatan.name,
            str(desa),
            desa.code,
            kim.address[: Kim.ADDRESS_MAX],
            kim.formed_on.isoformat() if kim.formed_on else "",
            kim.sk_number,
            kim.sk_date.isoformat() if kim.sk_date else "",
            kim.get_sk_issued_by_display() if kim.sk_issued_by else "",
            kim.sk_term_end.isoformat() if kim.sk_term_end else "",
            kim.ketua[0].name if kim.ketua else "",
            kim.contact_email,
            kim.contact_phone,
            kim.website,
            kim.facebook,
            kim.instagram,
            kim.youtube,
            kim.kimid_number,
            kim.kimid_url,
        ]


def kimid_csv_response(kims) -> HttpResponse:
    """A CSV (UTF-8 with BOM and `;` for Excel in Indonesian locale) of `kims` for KIM.id."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _label in KIMID_COLUMNS])
    for row in kimid_rows(kims):
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"kim-untuk-kimid-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

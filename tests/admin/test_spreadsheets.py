"""Staff import the CSV files Excel saves: `;` (Indonesian regional settings) or `,`, with or without a BOM."""

import io
import time
import zipfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import Kim, Pengurus
from registry.resources import ImportPreviewStorage, KimResource

from ..factories import make_kim

HEADER = "kode_desa;kecamatan;desa;nama;tingkatan;tanggal_terbentuk"


def upload(client, content: bytes, name="kim.csv"):
    return client.post("/admin/registry/kim/import/", {"format": "0", "import_file": SimpleUploadedFile(name, content)})


def confirm(client, preview):
    html = preview.content.decode()
    fields = {
        name: html.split(f'name="{name}" value="')[1].split('"')[0]
        for name in ("import_file_name", "original_file_name", "format")
    }
    return client.post("/admin/registry/kim/process_import/", {**fields, "resource": ""}, follow=True)


def test_a_semicolon_csv_with_a_bom_saved_by_excel_imports(staff_client, kotim):
    text = (
        HEADER
        + "\r\n;Parenggean;Parenggean;KIM Parenggean Maju;;24/03/2022\r\n;Baamang;Baamang Hulu;KIM Baamang;;2022-01-05\r\n"
    )
    preview = upload(staff_client, "\ufeff".encode() + text.encode())
    assert preview.content.decode().count('<tr class="new">') == 2
    assert "Impor selesai: 2 baru" in confirm(staff_client, preview).content.decode()
    assert Kim.objects.get(name="KIM Parenggean Maju").desa.code == "62.02.04.1004"


def test_a_comma_csv_without_a_bom_still_imports(staff_client, kotim):
    text = HEADER.replace(";", ",") + "\n,Parenggean,Parenggean,KIM Parenggean Maju,,2022-03-24\n"
    assert upload(staff_client, text.encode()).content.decode().count('<tr class="new">') == 1


def test_a_windows_1252_csv_imports_with_its_accents(staff_client, kotim):
    text = HEADER + "\r\n;Parenggean;Parenggean;KIM Café Literasi;;2022-03-24\r\n"
    preview = upload(staff_client, text.encode("cp1252"))
    confirm(staff_client, preview)
    assert Kim.objects.filter(name="KIM Café Literasi").exists()


def test_empty_columns_and_rows_excel_adds_at_the_end_are_ignored(staff_client, kotim):
    text = HEADER + ";;\r\n;Parenggean;Parenggean;KIM Parenggean Maju;;2022-03-24;;\r\n;;;;;;;\r\n;;;;;;;\r\n"
    assert upload(staff_client, text.encode()).content.decode().count('<tr class="new">') == 1


def test_a_bad_row_in_a_semicolon_csv_names_its_spreadsheet_row_and_saves_nothing(staff_client, kotim):
    text = (
        HEADER + "\r\n;Parenggean;Parenggean;KIM Baik;;2022-03-24\r\n;Parenggean;Parenggean;KIM Buruk;;31-02-2022\r\n"
    )
    html = upload(staff_client, ("\ufeff" + text).encode()).content.decode()
    assert "Baris 3" in html and "“31-02-2022” bukan tanggal yang valid" in html
    assert "Konfirmasi impor" not in html
    assert not Kim.objects.exists()


def test_a_row_longer_than_the_header_gets_an_indonesian_message(staff_client, kotim):
    text = HEADER + "\r\n;Parenggean;Parenggean;KIM Baik;;2022-03-24;catatan lepas\r\n"
    html = upload(staff_client, text.encode()).content.decode()
    assert "Baris 2 berisi lebih banyak kolom daripada baris judul" in html
    assert not Kim.objects.exists()


def test_a_file_that_cannot_be_read_gets_an_indonesian_message_and_keeps_the_column_list(staff_client, kotim):
    html = staff_client.post(
        "/admin/registry/kim/import/",
        {"format": "1", "import_file": SimpleUploadedFile("kim.xlsx", HEADER.encode())},  # a CSV sent as XLSX
    ).content.decode()
    assert "Berkas tidak bisa dibaca sebagai XLSX" in html
    assert "encountered while trying to read file" not in html
    assert "<code>kode_desa, kecamatan, desa, nama" in html


def test_the_csv_template_has_every_column_and_an_example_row_that_imports(staff_client, kotim):
    response = staff_client.get("/admin/registry/kim/import/templat.csv")
    assert response["Content-Disposition"] == 'attachment; filename="templat-impor-kim.csv"'
    assert response.content.startswith("\ufeffkode_desa;kecamatan;desa;nama".encode())
    preview = upload(staff_client, response.content)
    assert preview.content.decode().count('<tr class="new">') == 1  # the example row is a valid KIM


def test_the_xlsx_template_explains_each_column_and_imports(staff_client, kotim):
    content = staff_client.get("/admin/registry/kim/import/templat.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["KIM", "Petunjuk"]
    guide = [row[:2] for row in book["Petunjuk"].iter_rows(values_only=True)]
    assert ("nama", "ya") in guide and ("tanggal_terbentuk", "ya") in guide
    preview = staff_client.post(
        "/admin/registry/kim/import/", {"format": "1", "import_file": SimpleUploadedFile("t.xlsx", content)}
    )
    assert preview.content.decode().count('<tr class="new">') == 1


def test_the_import_page_offers_the_templates_and_the_column_guide(staff_client, kotim):
    html = staff_client.get("/admin/registry/kim/import/").content.decode()
    assert (
        'href="/admin/registry/kim/import/templat.csv"' in html
        and 'href="/admin/registry/kim/import/templat.xlsx"' in html
    )
    assert "<code>tanggal_terbentuk</code>" in html


PENGURUS_HEADER = "kode_desa;nama;tanggal_terbentuk;ketua;sekretaris;bendahara"


def test_three_kim_import_with_their_pengurus_and_say_where_from_in_history(staff_client, kotim):
    text = PENGURUS_HEADER + (
        "\r\n62.02.04.1004;KIM Satu;2022-01-01;Budi;Sari;Tono"
        "\r\n62.02.04.1004;KIM Dua;2022-01-01;Ani;;"
        "\r\n62.02.05.1001;KIM Tiga;2022-01-01;Rudi;Wati;Joko\r\n"
    )
    preview = upload(staff_client, ("\ufeff" + text).encode(), name="daftar-kim.csv")
    assert "Impor selesai: 3 baru" in confirm(staff_client, preview).content.decode()
    satu = Kim.objects.get(name="KIM Satu")
    assert sorted(satu.pengurus.values_list("role", "name")) == [
        (Pengurus.Role.KETUA, "Budi"),
        (Pengurus.Role.SEKRETARIS, "Sari"),
        (Pengurus.Role.BENDAHARA, "Tono"),
    ]
    assert list(Kim.objects.get(name="KIM Dua").pengurus.values_list("name", flat=True)) == ["Ani"]
    assert satu.pengurus.get(role=Pengurus.Role.KETUA).history.get().history_change_reason == (
        "Diimpor dari daftar-kim.csv"
    )


def test_an_export_gives_the_pengurus_back_and_importing_it_changes_nothing(kotim):
    kim = make_kim(desa=kotim.kecamatan.get(code="62.02.04").desa.first(), name="KIM Bolak Balik")
    Pengurus.objects.create(kim=kim, name="Budi", role=Pengurus.Role.KETUA)
    Pengurus.objects.create(kim=kim, name="Sari", role=Pengurus.Role.BENDAHARA)
    exported = KimResource().export()
    assert (exported["ketua"][0], exported["sekretaris"][0], exported["bendahara"][0]) == ("Budi", "", "Sari")
    result = KimResource().import_data(tablib.Dataset().load(exported.export("csv"), format="csv"), dry_run=False)
    assert {row.import_type for row in result.rows} == {"skip"}
    assert kim.pengurus.count() == 2


def test_a_new_ketua_in_the_file_renames_the_ketua_and_keeps_the_others(kotim):
    kim = make_kim(desa=kotim.kecamatan.get(code="62.02.04").desa.first(), name="KIM Ganti")
    Pengurus.objects.create(kim=kim, name="Budi", role=Pengurus.Role.KETUA)
    Pengurus.objects.create(kim=kim, name="Sari", role=Pengurus.Role.SEKRETARIS)
    dataset = tablib.Dataset(headers=["kode_desa", "nama", "tanggal_terbentuk", "ketua", "sekretaris"])
    dataset.append([kim.desa.code, "KIM Ganti", "2021-01-01", "Wawan", ""])
    KimResource().import_data(dataset, dry_run=False)
    assert sorted(kim.pengurus.values_list("name", flat=True)) == ["Sari", "Wawan"]


# Hostile files: each is refused with a message naming the limit, within 2 seconds, and nothing is kept.
ROW = "62.02.04.1004;;;KIM {};;2021-01-05\r\n"


def one_cell_at_the_last_address() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "nama"
    book.active["XFD1048576"] = "x"  # the sheet's used range is then every row and column Excel has
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed_upload(client, content, name, fmt="0"):
    start = time.perf_counter()
    response = client.post(
        "/admin/registry/kim/import/", {"format": fmt, "import_file": SimpleUploadedFile(name, content)}
    )
    return response.content.decode(), time.perf_counter() - start


def test_an_xlsx_with_one_cell_at_xfd1048576_is_refused_at_once(staff_client, kotim):
    html, seconds = timed_upload(staff_client, one_cell_at_the_last_address(), "kim.xlsx", fmt="1")
    assert "Berkas terlalu besar: paling banyak 1.000 baris di bawah baris judul; berkas ini 1.048.575 baris" in html
    assert seconds < 2
    assert not Kim.objects.exists() and not cache_holds_a_preview()


def test_a_csv_of_100000_rows_is_refused_at_once(staff_client, kotim):
    content = (HEADER + "\r\n" + "".join(ROW.format(i) for i in range(100_000))).encode()
    assert len(content) < 5 * 1024 * 1024  # the row limit, not the size, refuses it
    html, seconds = timed_upload(staff_client, content, "kim.csv")
    assert "paling banyak 1.000 baris di bawah baris judul; berkas ini 100.000 baris" in html
    assert seconds < 2
    assert not Kim.objects.exists() and not cache_holds_a_preview()


def test_a_csv_over_5_mb_is_refused_before_it_is_read(staff_client, kotim):
    content = (HEADER + "\r\n" + "".join(ROW.format(i) for i in range(200_000))).encode()  # 7.8 MB
    html, seconds = timed_upload(staff_client, content, "kim.csv")
    assert "Berkas terlalu besar: paling banyak 5 MB; berkas ini 7,5 MB." in html
    assert seconds < 2
    assert not cache_holds_a_preview()


def test_a_csv_whose_header_has_100000_extra_columns_is_refused_at_once(staff_client, kotim):
    header = HEADER + "".join(f";tambahan{i}" for i in range(100_000))
    html, seconds = timed_upload(staff_client, (header + "\r\n" + ROW.format(1)).encode(), "kim.csv")
    assert "Berkas terlalu besar: paling banyak 30 kolom; berkas ini 100.006 kolom." in html
    assert seconds < 2
    assert not Kim.objects.exists() and not cache_holds_a_preview()


def test_100000_empty_columns_excel_left_after_the_header_are_ignored(staff_client, kotim):
    html, seconds = timed_upload(staff_client, (HEADER + ";" * 100_000 + "\r\n" + ROW.format(1)).encode(), "kim.csv")
    assert html.count('<tr class="new">') == 1
    assert seconds < 2


def test_an_xlsx_whose_few_kilobytes_unpack_to_two_million_cells_is_refused_at_once(staff_client, kotim):
    bomb = xlsx_with_sheet(staff_client, SHEET.replace(b"CELLS", b'<c r="A1"/>' * 2_000_000))  # 22 MB of XML
    assert len(bomb) < 100_000
    html, seconds = timed_upload(staff_client, bomb, "kim.xlsx", fmt="1")
    assert "paling banyak 1.000 baris × 30 kolom; sebuah lembarnya berisi lebih dari 30.030 sel" in html
    assert seconds < 2


SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1">CELLS</row></sheetData></worksheet>'
)


@pytest.mark.parametrize("dimension", ["", '<dimension ref="A1:A2"/>'])  # missing, or lying
def test_an_xlsx_sheet_is_counted_as_it_streams_whatever_its_dimension_tag_says(
    staff_client, kotim, settings, dimension
):
    settings.IMPORT_MAX_ROWS = 30  # the template's second sheet (Petunjuk) has fewer rows
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>nama</t></is></c></row><row r="99"><c r="A99"/></row>'
    sheet = SHEET.replace(b"<sheetData>", dimension.encode() + b"<sheetData>")
    html, _seconds = timed_upload(
        staff_client,
        xlsx_with_sheet(staff_client, sheet.replace(b'<row r="1">CELLS</row>', rows.encode())),
        "kim.xlsx",
        fmt="1",
    )
    assert "paling banyak 30 baris di bawah baris judul; berkas ini lebih dari 30 baris" in html


def xlsx_with_sheet(client, sheet: bytes) -> bytes:
    """The import template with its first sheet's XML replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(client.get("/admin/registry/kim/import/templat.xlsx").content)) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for member in source.infolist():
                body = sheet if member.filename == "xl/worksheets/sheet1.xml" else source.read(member)
                target.writestr(member.filename, body)
    return out.getvalue()


def test_a_file_within_the_limits_is_kept_for_its_confirmation_and_one_over_them_is_not(staff_client, kotim):
    preview = upload(staff_client, (HEADER + "\r\n" + ROW.format(1)).encode())
    assert "Konfirmasi impor" in preview.content.decode() and cache_holds_a_preview()
    confirm(staff_client, preview)
    upload(staff_client, (HEADER + "\r\n;Parenggean;Parenggean;KIM Buruk;;31-02-2022\r\n").encode())
    assert not cache_holds_a_preview()  # a refused preview waits for no confirmation


def test_the_confirm_step_applies_the_limits_again(staff_client, kotim, settings):
    preview = upload(staff_client, (HEADER + "\r\n" + ROW.format(1) + ROW.format(2)).encode())
    settings.IMPORT_MAX_ROWS = 1  # lowered between the preview and its confirmation
    html = confirm(staff_client, preview).content.decode()
    assert "paling banyak 1 baris di bawah baris judul; berkas ini 2 baris" in html
    assert not Kim.objects.exists()


def cache_holds_a_preview() -> bool:
    """Whether an uploaded file waits in the cache (the tests' local-memory cache) for its confirmation."""
    from django.core.cache import cache

    return any(ImportPreviewStorage.CACHE_PREFIX in key for key in cache._cache)

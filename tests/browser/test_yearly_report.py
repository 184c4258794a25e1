"""The yearly report printed to PDF in Chromium: a few A4 pages, page numbers, no table row split,
and the map's legend in colour."""

import os
import re
import shutil
import subprocess

import pytest

from ..tools import missing_tool
from .conftest import DESKTOP, DOCS_IMG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
# Stage colours that in 2022's demo map only the legend shows (no kecamatan was at these stages).
LEGEND_ONLY = {"Sosialisasi direncanakan": (0xFE, 0xC4, 0x4F), "Sosialisasi dilaksanakan": (0xA6, 0xD9, 0x6A)}


@pytest.fixture
def poppler():
    """pdftotext and pdftoppm read the printed PDF."""
    if not POPPLER:
        missing_tool("pdftoppm/pdftotext missing: apt-get install poppler-utils (.ci/run installs it)")


def pdf_pages_text(pdf_path) -> list[str]:
    """Each page's text in reading order, cell by cell, whitespace collapsed."""
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, check=True, text=True)
    return [" ".join(page.split()) for page in text.stdout.split("\f")[:-1]]


def has_colour(png_path, rgb, tolerance=14) -> bool:
    from PIL import Image

    image = Image.open(png_path).convert("RGB")
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True)) for pixel in image.getdata())


@pytest.mark.usefixtures("poppler")
def test_the_yearly_report_prints_on_a4_with_page_numbers_whole_rows_and_a_coloured_legend(
    live_demo, new_page, artifacts
):
    page = new_page(DESKTOP)
    page.goto(live_demo.url + "/laporan/2022/")
    uncovered_rows = [
        [cell.strip() for cell in row.split(", ")]
        for row in page.locator(".report-uncovered tbody td:nth-child(3)").all_inner_texts()
    ]
    kecamatan = page.locator(".report-uncovered tbody th").all_inner_texts()
    page.emulate_media(media="print")
    pdf = artifacts / "laporan-2022.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)

    pages = pdf_pages_text(pdf)
    assert 2 <= len(pages) <= 6
    assert "Laporan Tahunan Komunitas Informasi Masyarakat (KIM) Tahun 2022" in pages[0]
    assert all(f"Halaman {n} dari {len(pages)}" in text for n, text in enumerate(pages, start=1))
    # A row of the uncovered desa table is whole on one page: its kecamatan, first and last desa.
    # (Cells wrap and interleave in the PDF's reading order, so compare words.)
    for name, desa in zip(kecamatan, uncovered_rows, strict=True):
        words = set(f"{name} {desa[0]} {desa[-1]}".split())
        assert any(words <= set(re.findall(r"[\w./-]+", text)) for text in pages), name

    first = artifacts / "laporan-2022-1"
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(first)], check=True
    )
    png = first.with_suffix(".png")
    assert all(has_colour(png, rgb) for rgb in LEGEND_ONLY.values())
    if os.environ.get("KIMPORTAL_DOCS_SCREENSHOTS") == "1":
        shutil.copy(png, DOCS_IMG / "yearly-report.png")


def test_the_yearly_report_fits_a_320_px_phone(live_demo, new_page, screenshot):
    page = new_page({"width": 320, "height": 700})
    page.goto(live_demo.url + "/laporan/2022/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "laporan-2022-320", full_page=True)
    assert re.search(r"Tahun 2022", page.locator("h1").inner_text())


# --- A year whose tables cross pages (issue 13's "no table row is split" must be able to fail). ---
# Every planned event's title starts and ends with a token found nowhere else, so a printed row of
# the uncovered desa table is whole exactly when one page holds the first token of its first event
# and the last token of its last one (the "planned" column is the row's tallest: five long lines).
SEEDED_YEAR = 2023
PLANNED_PER_KECAMATAN = 5  # what the report shows per kecamatan
FORMED_KIM = 36


def seed_a_long_year():
    """Kotim's 17 kecamatan with five long planned events each, 36 KIM formed and events held in
    2023; returns, per kecamatan name, the (top, bottom) tokens of its uncovered desa row."""
    from datetime import datetime

    from django.utils import timezone

    from coverage.models import DesaTarget
    from registry.models import Desa, Kabupaten, Kecamatan
    from registry.regions import load_regions

    from ..factories import make_event, make_kim

    load_regions(["62.02"])
    kabupaten = Kabupaten.objects.get(code="62.02")
    DesaTarget.objects.create(kabupaten=kabupaten, year=SEEDED_YEAR, target_percent=40)
    desa = list(Desa.objects.filter(kecamatan__kabupaten=kabupaten).order_by("code"))
    for n, d in enumerate(desa[::5][:FORMED_KIM], start=1):
        kim = make_kim(desa=d, name=f"KIM Uji{n:02d}", formed_on=datetime(SEEDED_YEAR, 1 + n % 12, 1).date())
        make_event(desa=d, kims=[kim], starts_at=datetime(SEEDED_YEAR, 1 + n % 12, 2).date(), participants=20)
    rows = {}
    for i, kecamatan in enumerate(Kecamatan.objects.filter(kabupaten=kabupaten).order_by("code"), start=1):
        for j in range(PLANNED_PER_KECAMATAN):
            make_event(
                kecamatan=kecamatan,
                status="planned",
                starts_at=timezone.make_aware(datetime(SEEDED_YEAR, 6 + j, 10, 9)),
                title=f"Awal{i:02d}{j} sosialisasi pembentukan KIM bersama warga, perangkat desa dan tokoh "
                f"masyarakat Akhir{i:02d}{j}",
            )
        rows[kecamatan.name] = (f"Awal{i:02d}0", f"Akhir{i:02d}{PLANNED_PER_KECAMATAN - 1}")
    return rows


def split_rows(pages: list[str], rows: dict[str, tuple[str, str]]) -> list[str]:
    """The rows (by kecamatan) whose top and bottom tokens are not on one page."""
    words = [set(text.split()) for text in pages]
    return [name for name, tokens in rows.items() if not any(set(tokens) <= page for page in words)]


def print_report(page, url, pdf):
    page.goto(url)
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    return pdf_pages_text(pdf)


@pytest.mark.usefixtures("poppler")
def test_a_long_years_tables_cross_pages_without_splitting_a_row(live_server, new_page, artifacts):
    rows = seed_a_long_year()
    pages = print_report(
        new_page(DESKTOP), f"{live_server.url}/laporan/{SEEDED_YEAR}/", artifacts / "laporan-panjang.pdf"
    )
    assert 8 <= len(pages) <= 12  # 10 measured in Chromium 156
    assert all(f"Halaman {n} dari {len(pages)}" in text for n, text in enumerate(pages, start=1))
    title = "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR DINAS KOMUNIKASI DAN INFORMATIKA Laporan Tahunan"
    assert title in pages[0] and f"Periode 1 Januari – 31 Desember {SEEDED_YEAR}" in pages[0]
    first_row, last_row = (
        next(i for i, t in enumerate(pages) if rows[k][0] in t.split()) for k in (min(rows), max(rows))
    )
    assert first_row != last_row  # the table does cross pages
    assert split_rows(pages, rows) == []


@pytest.mark.usefixtures("poppler")
def test_without_the_print_rule_a_row_is_split_and_the_check_says_so(live_server, new_page, artifacts):
    rows = seed_a_long_year()
    page = new_page(DESKTOP)
    page.goto(f"{live_server.url}/laporan/{SEEDED_YEAR}/")
    page.add_style_tag(content="@media print { .report-table tr { break-inside: auto !important; } }")
    page.emulate_media(media="print")
    pdf = artifacts / "laporan-panjang-tanpa-aturan.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    assert split_rows(pdf_pages_text(pdf), rows) != []


@pytest.fixture
def live_province(live_server, settings):
    """A portal for Kalimantan Tengah (14 kabupaten/kota) with the province demo."""
    from core.region import PortalRegion
    from kimportal.demo import load_demo
    from registry.regions import load_regions, region_kabupaten_codes

    settings.PORTAL_REGION = "62"
    settings.DISKOMINFO_CONTACT = {**settings.DISKOMINFO_CONTACT, "name": ""}  # a province portal's default
    load_regions(region_kabupaten_codes(PortalRegion("62")))
    load_demo()
    return live_server


@pytest.mark.usefixtures("poppler")
def test_a_province_report_prints_its_fourteen_kabupaten_with_page_numbers_and_a_coloured_legend(
    live_province, new_page, artifacts
):
    page = new_page(DESKTOP)
    page.goto(live_province.url + "/laporan/2022/")
    names = page.locator(".report-region tbody th[scope=row]").all_inner_texts()
    page.emulate_media(media="print")
    pdf = artifacts / "laporan-provinsi-2022.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    pages = pdf_pages_text(pdf)
    assert 1 <= len(pages) <= 3  # 2 measured
    assert "PEMERINTAH PROVINSI KALIMANTAN TENGAH" in pages[0] and "Tahun 2022" in pages[0]
    assert all(f"Halaman {n} dari {len(pages)}" in text for n, text in enumerate(pages, start=1))
    words = [set(text.split()) for text in pages]
    assert len(names) == 14 and all(any(set(name.split()) <= page for page in words) for name in names)
    prefix = artifacts / "laporan-provinsi-2022-halaman"
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True)
    # The legend's 25–49 % swatch: no kabupaten has that share in 2022 (Kotim 59 %, Katingan 15 %, others 0).
    pngs = [artifacts / f"laporan-provinsi-2022-halaman-{n}.png" for n in range(1, len(pages) + 1)]
    assert any(has_colour(png, (0xA6, 0xD9, 0x6A)) for png in pngs)
    if os.environ.get("KIMPORTAL_DOCS_SCREENSHOTS") == "1":
        shutil.copy(pngs[0], DOCS_IMG / "yearly-report-province.png")


@pytest.mark.parametrize("width", [320, 360, 1366])
def test_a_province_report_fits_the_screen(live_province, new_page, screenshot, width):
    from .test_layout import overflow

    page = new_page({"width": width, "height": 768})
    page.goto(live_province.url + "/laporan/2022/")
    assert page.locator(".report-region tbody tr").count() == 14
    assert overflow(page) == []
    # Every column shows without scrolling the table's own box: all eight at 1366 px, and on a
    # phone each kabupaten is a card of its figures under their names.
    box = page.locator(".table-scroll:has(> .report-region)")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    shape = page.locator(".report-region tbody tr").first.evaluate("e => getComputedStyle(e).display")
    assert shape == ("table-row" if width == 1366 else "block")
    screenshot(page, f"laporan-provinsi-2022-{width}", full_page=True)


@pytest.mark.usefixtures("poppler")
def test_the_forming_kim_page_fits_a_phone_and_prints_on_a4(live_demo, new_page, artifacts, screenshot):
    from .test_layout import overflow

    page = new_page({"width": 360, "height": 740})
    page.goto(live_demo.url + "/membentuk-kim/")
    assert overflow(page) == []
    screenshot(page, "membentuk-kim-360", full_page=True)
    page.emulate_media(media="print")
    pdf = artifacts / "membentuk-kim.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    pages = pdf_pages_text(pdf)
    assert 1 <= len(pages) <= 3
    assert "Membentuk KIM di desa Anda" in pages[0]
    assert "Peraturan Menteri Kominfo Nomor 4 Tahun 2024" in " ".join(pages)

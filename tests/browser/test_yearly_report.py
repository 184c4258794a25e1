"""The yearly report printed to PDF in Chromium: a few A4 pages, page numbers, no table row split,
and the map's legend in colour."""

import os
import re
import shutil
import subprocess

import pytest

from .conftest import DESKTOP, DOCS_IMG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
# Stage colours that in 2022's demo map only the legend shows (no kecamatan was at these stages).
LEGEND_ONLY = {"Sosialisasi direncanakan": (0xFE, 0xC4, 0x4F), "Sosialisasi dilaksanakan": (0xA6, 0xD9, 0x6A)}


def pdf_pages_text(pdf_path) -> list[str]:
    """Each page's text in reading order, cell by cell, whitespace collapsed."""
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, check=True, text=True)
    return [" ".join(page.split()) for page in text.stdout.split("\f")[:-1]]


def has_colour(png_path, rgb, tolerance=14) -> bool:
    from PIL import Image

    image = Image.open(png_path).convert("RGB")
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True)) for pixel in image.getdata())


@pytest.mark.skipif(not POPPLER, reason="pdftoppm/pdftotext missing: apt-get install poppler-utils")
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


def test_the_yearly_report_fits_a_320_px_phone(live_demo, new_page, artifacts):
    page = new_page({"width": 320, "height": 700})
    page.goto(live_demo.url + "/laporan/2022/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(artifacts / "laporan-2022-320.png"), full_page=True)
    assert re.search(r"Tahun 2022", page.locator("h1").inner_text())

"""A citizen's journey through the public pages, in a real browser."""

import csv
import io

import pytest

from registry.models import Kim

from .conftest import DESKTOP, PHONE, axe_violations

# serialized_rollback: the roles made by data migration survive the flush between browser tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UNCOVERED = [
    "Cempaga",
    "Mentaya Hulu",
    "Antang Kalang",
    "Cempaga Hulu",
    "Bukit Santuai",
    "Tualan Hulu",
    "Telaga Antang",
]


def test_a_citizen_finds_the_uncovered_kecamatan_and_a_kim_and_downloads_the_data(live_demo, new_page, screenshot):
    page = new_page(DESKTOP, accept_downloads=True)
    page.goto(live_demo.url + "/")
    assert page.locator(".headline").inner_text() == "10 dari 17 kecamatan sudah memiliki KIM"
    assert sorted(page.locator(".uncovered li > a:first-child").all_inner_texts()) == sorted(UNCOVERED)

    # The map and the chart are drawn.
    assert page.locator("svg.map-svg path").count() == 17
    assert page.locator("svg.map-svg").bounding_box()["height"] > 300
    assert page.locator("svg.chart-svg polyline").count() == 2
    screenshot(page, "dashboard", full_page=True)  # README's docs/img/dashboard.png

    # One kecamatan, its desa and its KIM.
    page.get_by_role("link", name="Parenggean", exact=True).first.click()
    assert page.locator("h1").inner_text().startswith("Kecamatan Parenggean")
    assert page.locator("svg.map-svg path").count() == 15
    screenshot(page, "kecamatan-desktop", full_page=True)

    # The directory, filtered to that kecamatan through its form.
    page.get_by_role("link", name="Direktori KIM").first.click()
    page.get_by_label("Kecamatan").select_option(label="Parenggean")
    page.get_by_role("button", name="Terapkan").click()
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("link", name="KIM Kecamatan Parenggean").click()
    assert page.locator("h1").inner_text() == "KIM Kecamatan Parenggean"

    # The coverage CSV.
    page.get_by_role("link", name="Data terbuka").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh CSV: Cakupan KIM per kecamatan").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert sorted(r["name"] for r in rows if r["covered"] == "false") == sorted(UNCOVERED)


def test_the_dashboard_fits_a_phone_and_stays_light(live_demo, new_page, artifacts, screenshot):
    page = new_page(PHONE)
    page.goto(live_demo.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("svg.map-svg").bounding_box()["width"] <= PHONE["width"]
    screenshot(page, "dashboard-phone", full_page=True)
    transferred = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .reduce((sum, entry) => sum + entry.transferSize, 0)"""
    )
    (artifacts / "dashboard-weight.txt").write_text(f"/ at 360 px: {transferred} bytes over the wire\n")
    assert 0 < transferred < 150_000


def test_the_coverage_report_prints_on_a4(live_demo, new_page, artifacts):
    page = new_page(DESKTOP)
    page.goto(live_demo.url + "/")
    page.emulate_media(media="print")
    assert page.locator("form.as-of").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "dashboard-a4.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")


def test_english_readers_get_the_same_page_in_english(live_demo, new_page):
    page = new_page(DESKTOP)
    page.goto(live_demo.url + "/")
    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
    assert page.locator(".headline").inner_text() == "10 of 17 kecamatan have a KIM"
    page.get_by_role("link", name="Bahasa Indonesia").click()
    assert page.locator(".headline").inner_text() == "10 dari 17 kecamatan sudah memiliki KIM"


def public_pages():
    kim = Kim.objects.order_by("pk").first()
    return [
        "/",
        "/?tanggal=2022-03-25",
        "/kecamatan/62.02.04/",
        "/kecamatan/62.02.15/",
        "/kim/",
        f"/kim/{kim.pk}/",
        "/data/",
        "/en/",
    ]


def test_axe_finds_no_serious_or_critical_violation_on_the_public_pages(live_demo, new_page):
    page = new_page(DESKTOP, axe=True)
    problems = []
    for url in public_pages():
        page.goto(live_demo.url + url)
        problems += [
            f"{url}: {v['id']} ({v['impact']}) {v['help']}"
            for v in axe_violations(page)
            if v["impact"] in ("serious", "critical", "moderate")
        ]
    assert problems == []

"""The province roll-up (PORTAL_REGION=62) as a reader sees it: on a phone and on the office
laptop it fits without sideways scrolling, the map links to each kabupaten, and it prints; a
kabupaten's own portal other than Kotim's (Katingan, 62.06) names Katingan."""

import io

import pytest
from pypdf import PdfReader

from core.region import PortalRegion
from registry.regions import region_kabupaten_codes

from ..test_region_polish import serve_region
from .conftest import ARTIFACTS
from .test_layout import overflow
from .test_phone_print import filled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def live_province(live_server, settings):
    from kimportal.demo import load_demo
    from registry.regions import load_regions

    serve_region(settings, "62")
    load_regions(region_kabupaten_codes(PortalRegion("62")))
    load_demo()
    return live_server


@pytest.mark.parametrize("width", [320, 360, 1366])
def test_the_province_roll_up_fits_the_screen_and_names_all_fourteen(live_province, new_page, screenshot, width):
    page = new_page({"width": width, "height": 768})
    page.goto(live_province.url + "/")
    assert page.locator("table.rollup tbody tr").count() == 14
    assert page.get_by_text("2 dari 14 kabupaten/kota sudah memiliki KIM").is_visible()
    assert overflow(page) == []
    # Every cell of the roll-up within the screen: a card per kabupaten on a phone, no column
    # scrolled out of sight.
    cells = page.locator("table.rollup tbody td").evaluate_all("cs => cs.map(c => c.getBoundingClientRect().right)")
    assert len(cells) == 14 * 4 and max(cells) <= width
    assert page.locator("table.rollup tbody tr").first.locator("td").first.is_visible()
    screenshot(page, f"province-rollup-{width}", full_page=True)
    if width == 1366:
        screenshot(page, "province", full_page=True)  # README's docs/img/province.png


def test_the_province_map_leads_to_a_kabupatens_dashboard(live_province, new_page):
    page = new_page()
    page.goto(live_province.url + "/")
    # By keyboard: Katingan's middle lies over Kotim, whose shape would take a click there.
    page.locator('svg.map-svg a[href="/kabupaten/62.06/"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/kabupaten/62.06/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cakupan KIM di Kabupaten Katingan"


def test_the_province_roll_up_prints_on_a4_with_its_table_on_page_one_and_the_map_after_it(live_province, new_page):
    page = new_page()
    page.goto(live_province.url + "/")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_bytes = page.pdf(path=str(ARTIFACTS / "province-rollup.pdf"), format="A4")
    pdf = PdfReader(io.BytesIO(pdf_bytes))
    first = pdf.pages[0].extract_text()
    assert "62.01" in first and "62.02" in first and "15 / 1.571" in first  # every row on page 1
    assert filled(pdf.pages[0]) >= 0.85
    assert "Peta cakupan per kabupaten/kota" in pdf.pages[-1].extract_text()


@pytest.fixture
def live_katingan(live_server, settings):
    """Katingan's own portal (PORTAL_REGION=62.06) with the demo's KIM there."""
    from kimportal.demo import load_demo
    from registry.regions import load_regions

    serve_region(settings, "62.06")
    load_regions(["62.02", "62.06"])
    load_demo()
    return live_server


@pytest.mark.parametrize("width", [320, 360, 1366])
def test_katingans_own_portal_names_katingan_on_every_screen(live_katingan, new_page, screenshot, width):
    page = new_page({"width": width, "height": 740 if width < 1000 else 768})
    for path in ["/", "/kim/", "/membentuk-kim/", "/en/"]:
        page.goto(live_katingan.url + path)
        assert page.locator(".brand-sub").inner_text() == "Diskominfo Kabupaten Katingan", path
        assert page.title().endswith("· KIM Portal Kabupaten Katingan"), path
        assert "Kotawaringin Timur" not in page.locator("body").inner_text(), path
        assert overflow(page) == [], path
    page.goto(live_katingan.url + "/")
    first_uncovered = page.locator(".uncovered li a").first.bounding_box()
    assert width > 1000 or first_uncovered["y"] + first_uncovered["height"] <= 740
    screenshot(page, f"katingan-{width}", full_page=width > 1000)

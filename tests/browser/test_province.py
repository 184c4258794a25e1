"""The province roll-up (PORTAL_REGION=62) as a reader sees it: on a phone and on the office
laptop it fits without sideways scrolling, the map links to each kabupaten, and it prints."""

import pytest

from core.region import PortalRegion
from registry.regions import region_kabupaten_codes

from .conftest import ARTIFACTS
from .test_layout import overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def live_province(live_server, settings):
    from kimportal.demo import load_demo
    from registry.regions import load_regions

    settings.PORTAL_REGION = "62"
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


def test_the_province_roll_up_prints_on_a4(live_province, new_page):
    page = new_page()
    page.goto(live_province.url + "/")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "province-rollup.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    assert page.locator("table.rollup").is_visible()

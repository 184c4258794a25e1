"""On a 320 or 360 px phone the answer is on the first screen; on paper the dashboard keeps its
colours, its headings with what follows, and its source and date on every page, and its first
page is full (the map, kept whole, comes last)."""

import io

import pytest
from pypdf import PdfReader

from registry.models import Kim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
STAGE_COLOURS = {"#fff7bc", "#fec44f", "#a6d96a", "#41b6c4", "#225ea8"}  # static/css/portal.css

# The size on screen of each map number (its font size times the map's scale), and whether two
# number circles overlap.
MAP_LABELS = """() => {
  const svg = document.querySelector('svg.map-svg');
  const scale = svg.getScreenCTM().a;
  const sizes = [...svg.querySelectorAll('text.map-label')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const boxes = [...svg.querySelectorAll('circle.map-number-bg')].map(c => c.getBoundingClientRect());
  let overlaps = 0;
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    const dx = (a.x + a.width / 2) - (b.x + b.width / 2), dy = (a.y + a.height / 2) - (b.y + b.height / 2);
    if (Math.hypot(dx, dy) < (a.width + b.width) / 2) overlaps++;
  }));
  return {smallest: Math.min(...sizes), count: sizes.length, overlaps};
}"""


def public_paths():
    kim = Kim.objects.public().order_by("pk").first()
    paths = ["/", "/kim/", "/data/", "/kecamatan/62.02.04/", f"/kim/{kim.pk}/", "/?tanggal=2022-03-25"]
    return paths + ["/en" + p for p in paths]


@pytest.mark.parametrize("day", ["2022-03-25", "today"])  # today: with this year's desa target
@pytest.mark.parametrize("width", [320, 360])
def test_the_headline_and_the_first_uncovered_kecamatan_are_on_a_phones_first_screen(
    live_demo, new_page, screenshot, width, day
):
    page = new_page({"width": width, "height": 740})
    page.goto(live_demo.url + ("/" if day == "today" else f"/?tanggal={day}"))
    if day == "today":
        assert page.locator("#target-desa").is_visible()
    first_uncovered = page.locator(".uncovered li a").first
    assert page.locator(".headline").bounding_box()["y"] + page.locator(".headline").bounding_box()["height"] <= 740
    box = first_uncovered.bounding_box()
    assert box["y"] + box["height"] <= 740, f"{first_uncovered.inner_text()} ends at {box['y'] + box['height']} px"
    assert page.locator(".site-header").bounding_box()["height"] <= 740 / 5
    screenshot(page, f"phone-{width}-dashboard-first-screen" + ("" if day == "today" else "-2022"))


# The language link sits at the right of the brand's row on a phone: it must cover nothing.
HEADER_OVERLAPS = """() => {
  const lang = document.querySelector('.site-header li.lang a').getBoundingClientRect();
  const others = [...document.querySelectorAll('.brand-name, .brand-sub, .site-header li:not(.lang) a')];
  return others.filter(el => {
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.left < lang.right && lang.left < b.right && b.top < lang.bottom && lang.top < b.bottom;
  }).map(el => el.textContent.trim());
}"""


@pytest.mark.parametrize("width", [320, 360])
def test_the_phone_header_keeps_three_short_rows_and_the_language_link_covers_nothing(live_demo, new_page, width):
    page = new_page({"width": width, "height": 740})
    for path in ["/", "/en/", "/kim/", "/membentuk-kim/"]:
        page.goto(live_demo.url + path)
        assert page.evaluate(HEADER_OVERLAPS) == [], path
        assert page.locator(".site-header").bounding_box()["height"] <= 90, path
        assert page.locator(".site-header li.lang a").bounding_box()["x"] + 20 <= width, path


@pytest.mark.parametrize("width", [320, 360])
def test_the_directorys_filters_fold_behind_saring_so_the_first_kim_is_on_a_phones_first_screen(
    live_demo, new_page, screenshot, width
):
    page = new_page({"width": width, "height": 740})
    page.goto(live_demo.url + "/kim/")
    first_kim = page.locator("table.cards tbody th a").first
    assert first_kim.bounding_box()["y"] + first_kim.bounding_box()["height"] <= 740
    assert not page.get_by_label("Cari nama KIM").is_visible()
    screenshot(page, f"phone-{width}-directory-first-screen")
    page.get_by_text("Saring", exact=True).click()  # no script: <details>
    assert page.get_by_label("Cari nama KIM").is_visible()
    page.get_by_label("Status").select_option("aktif")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**/kim/?*status=aktif*")
    assert page.get_by_label("Status").is_visible()  # still open: a filter is in effect
    assert page.get_by_text("(saringan aktif)").is_visible()


def test_the_directorys_filters_are_always_shown_on_a_desktop(live_demo, new_page):
    page = new_page({"width": 1366, "height": 768})
    page.goto(live_demo.url + "/kim/")
    assert page.get_by_label("Cari nama KIM").is_visible()
    assert not page.get_by_text("Saring", exact=True).is_visible()


@pytest.mark.parametrize("width", [320, 360])
def test_no_public_page_scrolls_sideways_on_a_phone(live_demo, new_page, width):
    page = new_page({"width": width, "height": 740})
    wide = {}
    for path in public_paths():
        page.goto(live_demo.url + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[path] = scroll_width
    assert wide == {}


def test_the_all_kecamatan_table_becomes_cards_with_every_column_visible(live_demo, new_page, screenshot):
    page = new_page(PHONE)
    page.goto(live_demo.url + "/?tanggal=2022-03-25")
    stage_cells = page.locator("table.coverage tbody td[data-label]")
    right_edges = stage_cells.evaluate_all("cells => cells.map(c => c.getBoundingClientRect().right)")
    assert max(right_edges) <= 360
    screenshot(page, "phone-360-dashboard-cards", show="#semua")


@pytest.mark.parametrize(("path", "areas"), [("/", 17), ("/kecamatan/62.02.04/", 15)])
@pytest.mark.parametrize("width", [320, 360])
def test_map_numbers_are_at_least_11_px_and_never_overlap(live_demo, new_page, screenshot, path, areas, width):
    page = new_page({"width": width, "height": 740})
    page.goto(live_demo.url + path)
    labels = page.evaluate(MAP_LABELS)
    assert labels["count"] == areas
    assert labels["smallest"] >= 11
    assert labels["overlaps"] == 0
    assert page.locator("ol.map-key li").count() == areas
    screenshot(page, f"phone-{width}-map{path.replace('/', '-').rstrip('-')}", show="figure.map")


def fill_colours(pdf: PdfReader) -> set[str]:
    """The RGB fill colours the PDF paints with (Chromium writes them as `r g b rg`)."""
    colours = set()
    for pdf_page in pdf.pages:
        for operands, operator in pypdf_operations(pdf_page):
            if operator in (b"rg", b"sc", b"scn") and len(operands) == 3:
                colours.add("#" + "".join(f"{round(float(v) * 255):02x}" for v in operands))
    return colours


def pypdf_operations(pdf_page):
    from pypdf.generic import ContentStream

    return ContentStream(pdf_page.get_contents(), pdf_page.pdf).operations


def test_the_printed_dashboard_keeps_legend_colours_source_date_and_headings_with_their_content(
    live_demo, new_page, artifacts
):
    page = new_page()
    page.goto(live_demo.url + "/?tanggal=2022-03-25")
    headings = {h.strip() for h in page.locator("main h1, main h2").all_inner_texts()}
    pdf_bytes = page.pdf(prefer_css_page_size=True)  # backgrounds off, as in the print dialog's default
    (artifacts / "dashboard-print.pdf").write_bytes(pdf_bytes)
    pdf = PdfReader(io.BytesIO(pdf_bytes))
    assert len(pdf.pages) >= 2
    assert STAGE_COLOURS <= fill_colours(pdf)  # every legend swatch printed in its colour
    for number, pdf_page in enumerate(pdf.pages, start=1):
        lines = [line.strip() for line in pdf_page.extract_text(extraction_mode="layout").splitlines() if line.strip()]
        footer = [line for line in lines if line.startswith("Sumber:")]
        assert footer and "Keadaan per 25 Maret 2022" in footer[0], f"page {number} has no source and date"
        body = [line for line in lines if not line.startswith("Sumber:")]
        assert not any(body[-1].startswith(h) for h in headings), f"page {number} ends with the heading {body[-1]!r}"


A4_HEIGHT, TOP_MARGIN, BOTTOM_MARGIN = 842, 42.5, 51  # points; @page margin 15 mm top, 18 mm bottom


def text_runs(pdf_page) -> list[tuple[float, str, float]]:
    """(height above the page's foot, text, font size in points) of each run of text."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((cm[3] * tm[5] + cm[5], text.strip(), abs(font_size * cm[3])))

    pdf_page.extract_text(visitor_text=visit)
    return runs


def filled(pdf_page) -> float:
    """How far down the page's text area the content reaches (1.0: to its foot)."""
    lowest = min(y for y, _text, _size in text_runs(pdf_page) if y > BOTTOM_MARGIN)
    return (A4_HEIGHT - TOP_MARGIN - lowest) / (A4_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN)


@pytest.mark.parametrize(
    ("path", "map_heading", "last_key"),
    [
        ("/?tanggal=2022-03-25", "Peta tahap cakupan per kecamatan", "17. Teluk Sampit"),
        ("/", "Peta tahap cakupan per kecamatan", "17. Teluk Sampit"),  # with this year's desa target
        ("/kecamatan/62.02.04/", "Peta desa/kelurahan", "15. Tehang"),
    ],
)
def test_the_first_printed_page_is_full_and_the_map_comes_last_whole_and_legible(
    live_demo, new_page, artifacts, path, map_heading, last_key
):
    """A map is kept whole; before, it followed the uncovered kecamatan and left half of page 1
    empty. On paper it comes last, its numbers legible."""
    page = new_page()
    page.goto(live_demo.url + path)
    pdf_bytes = page.pdf(prefer_css_page_size=True)
    (artifacts / f"print{path.split('?')[0].replace('/', '-').rstrip('-') or '-dashboard'}.pdf").write_bytes(pdf_bytes)
    pdf = PdfReader(io.BytesIO(pdf_bytes))
    assert filled(pdf.pages[0]) >= 0.85
    map_pages = [n for n, p in enumerate(pdf.pages) if map_heading in p.extract_text()]
    assert map_pages == [len(pdf.pages) - 1]  # the last page, with the whole key
    assert last_key in pdf.pages[-1].extract_text(extraction_mode="layout")
    numbers = [size for y, text, size in text_runs(pdf.pages[-1]) if text.isdigit() and y > BOTTOM_MARGIN]
    assert len(numbers) >= 15 and min(numbers) >= 7  # the numbers on the map, in points

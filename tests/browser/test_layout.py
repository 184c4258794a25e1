"""Every page fits a small phone: nothing wider than the screen, no sideways scrolling."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coverage.models import FieldReport, OutreachEvent
from registry.models import Kecamatan, Kim

from ..factories import make_officer_user
from ..field.photos import image_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (320, 360)

# Elements wider than the screen, outside a container that scrolls them on purpose (the tables).
TOO_WIDE = """() => {
  const width = window.innerWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  return [...document.body.querySelectorAll("*")]
    .filter(el => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 0.5 || box.width > width + 0.5) && !scrolls(el);
    })
    .map(el => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def overflow(page) -> list[str]:
    """What sticks out sideways on the page as shown ([] when it fits)."""
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    problems = [f"page is {scroll_width} px wide"] if scroll_width > width else []
    return problems + page.evaluate(TOO_WIDE)


def public_pages() -> dict[str, str]:
    kim = Kim.objects.public().order_by("pk").first()
    pages = {
        "dashboard": "/",
        "dashboard-bad-day": "/?tanggal=2022-02-30",
        "kecamatan": "/kecamatan/62.02.04/",
        "directory": "/kim/",
        "kim": f"/kim/{kim.pk}/",
        "open-data": "/data/",
        "open-data-metadata": "/data/desa-coverage/",
        "open-data-indicator": "/data/coverage/",
        "yearly-report": "/laporan/2022/",
        "forming-kim": "/membentuk-kim/",
        "not-found": "/tidak-ada/",
    }
    return pages | {f"en-{name}": "/en" + url for name, url in pages.items()}


def test_every_public_page_fits_320_and_360_px(live_demo, new_page, screenshot):
    problems = []
    for width in WIDTHS:
        page = new_page({"width": width, "height": 740})
        for name, url in public_pages().items():
            page.goto(live_demo.url + url)
            problems += [f"{url} at {width} px: {p}" for p in overflow(page)]
            if width == 320:
                screenshot(page, f"layout-320-{name}", full_page=True)
    assert problems == [], "\n".join(problems)


# Every link of the header: its box, and whether it is the language switch.
HEADER_LINKS = """() => [...document.querySelectorAll('.site-header a')].map(a => {
  const box = a.getBoundingClientRect();
  return {text: a.textContent.trim().split(/\\s+/).slice(0, 2).join(' '), lang: !!a.closest('.lang'),
          left: box.left, right: box.right, top: box.top, bottom: box.bottom};
})"""


def small_or_overlapping_targets(links) -> list[str]:
    """Header links a thumb may miss: under 24 x 24 px (WCAG 2.5.8), the language switch under
    44 px tall like the brand beside it, or two links whose boxes overlap."""
    problems = []
    for link in links:
        width, height = link["right"] - link["left"], link["bottom"] - link["top"]
        if width < 24 or height < (44 if link["lang"] else 24):
            problems.append(f"{link['text']!r} is {width:.0f} x {height:.0f} px")
    for i, a in enumerate(links):
        for b in links[i + 1 :]:
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]:
                problems.append(f"{a['text']!r} overlaps {b['text']!r}")
    return problems


def test_every_header_link_is_a_target_a_thumb_can_hit_at_320_and_360_px(live_demo, new_page, screenshot):
    problems = []
    for width in WIDTHS:
        page = new_page({"width": width, "height": 740})
        for url in public_pages().values():
            page.goto(live_demo.url + url)
            problems += [f"{url} at {width} px: {p}" for p in small_or_overlapping_targets(page.evaluate(HEADER_LINKS))]
        screenshot(page, f"header-{width}-en-not-found")
    assert problems == [], "\n".join(problems)


def test_the_public_pages_look_right_on_a_desktop(live_demo, new_page, screenshot):
    page = new_page({"width": 1366, "height": 800})
    for name, url in public_pages().items():
        if not name.startswith("en-"):
            page.goto(live_demo.url + url)
            assert overflow(page) == []
            screenshot(page, f"layout-1366-{name}", full_page=True)


def a_report(user, kecamatan) -> FieldReport:
    client = Client()
    client.force_login(user)
    data = {
        "client_id": str(uuid.uuid4()),
        "title": "Sosialisasi KIM di Desa Tehang",
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "kecamatan": kecamatan.pk,
        "day": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "participants": "30",
        "summary": "Warga antusias membentuk KIM.",
        "photos": image_file(size=(1600, 1200)),
    }
    assert client.post("/petugas/laporan/kirim/", data).status_code == 302
    return FieldReport.objects.get(client_id=data["client_id"])


def logged_in(new_page, live_server, user, width):
    """A page whose browser carries `user`'s session."""
    client = Client()
    client.force_login(user)
    page = new_page({"width": width, "height": 740})
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return page


def test_every_field_page_fits_a_phone(live_demo, new_page, screenshot):
    parenggean = Kecamatan.objects.get(code="62.02.04")
    agus = make_officer_user(username="agus", first_name="Agus", kecamatan=[parenggean])
    report = a_report(agus, parenggean)
    pages = {
        "home": "/petugas/",
        "plan": "/petugas/kegiatan/rencana/",
        "report-form": "/petugas/laporan/baru/",
        "report-list": "/petugas/laporan/",
        "report-detail": report.get_absolute_url(),
        "kim-propose": "/petugas/kim/usulkan/",
    }
    problems = []
    for width in (*WIDTHS, 1366):
        login = new_page({"width": width, "height": 740})
        login.goto(live_demo.url + "/petugas/masuk/")
        problems += [f"/petugas/masuk/ at {width} px: {p}" for p in overflow(login)]
        page = logged_in(new_page, live_demo, agus, width)
        for name, url in pages.items():
            page.goto(live_demo.url + url)
            problems += [f"{url} at {width} px: {p}" for p in overflow(page)]
            screenshot(page, f"layout-field-{width}-{name}", full_page=True)
        screenshot(login, f"layout-field-{width}-login", full_page=True)
    assert problems == [], "\n".join(problems)


# Every text of the dashboard's SVG pictures: which picture, its words, and its rendered height.
SVG_TEXTS = """() => [...document.querySelectorAll('svg text')].map(t => ({
  picture: t.closest('svg').classList.contains('chart-svg') ? 'chart' : 'map',
  text: t.textContent.trim(),
  height: t.getBoundingClientRect().height,
}))"""


def test_no_text_in_the_dashboards_chart_and_map_is_under_10_px_on_a_phone(live_demo, new_page, screenshot):
    problems, measured = [], set()
    for width in WIDTHS:
        page = new_page({"width": width, "height": 740})
        page.goto(live_demo.url + "/")
        for text in page.evaluate(SVG_TEXTS):
            measured.add(text["picture"])
            if text["height"] < 10:
                problems.append(f"{text['picture']} {text['text']!r} at {width} px: {text['height']:.1f} px tall")
        screenshot(page, f"dashboard-chart-{width}", show=".chart-svg")
    assert measured == {"chart", "map"}  # both pictures were there to measure
    assert problems == [], "\n".join(problems)

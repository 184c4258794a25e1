"""The field area on a cheap phone: a header on one row, location on a tap, small photos, drafts and
receipts that survive without signal."""

import io
import uuid

import pytest
from PIL import Image, ImageDraw

from coverage.models import FieldReport, ReportPhoto
from kimportal.demo import OFFICER_USERNAME, STAFF_USERNAME

from ..factories import make_event
from .conftest import OFFICE_SCREEN, admin_log_in
from .test_offline_report import PHONE_360, item, log_in, open_offline, submit, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_320 = {"width": 320, "height": 640}
FIELD_PAGES = {
    "beranda": "/petugas/",
    "lapor": "/petugas/laporan/baru/",
    "rencana": "/petugas/kegiatan/rencana/",
    "usulan": "/petugas/kim/usulkan/",
    "aktivitas": "/petugas/aktivitas/catat/",
    "laporan-saya": "/petugas/laporan/",
}
# Where the demo's officer stands in the test: digits the public pages must never show.
FIX = {"latitude": -2.187346, "longitude": 112.903817}


def phone_context(browser, viewport=PHONE_360, **options):
    return browser.new_context(
        viewport=viewport,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        service_workers="allow",
        **options,
    )


def big_photo(width=3000, height=2000) -> bytes:
    """A 6-megapixel JPEG as a phone camera makes it."""
    image = Image.new("RGB", (width, height), (70, 130, 60))
    draw = ImageDraw.Draw(image)
    for n in range(0, width, 150):
        draw.rectangle([n, 0, n + 70, height], fill=(200, 170 - n % 90, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


QUEUED = """() => new Promise(resolve => {
  const open = indexedDB.open("kimportal-petugas");
  open.onsuccess = () => {
    const db = open.result;
    const read = db.transaction("laporan").objectStore("laporan").getAll();
    read.onsuccess = async () => {
      const out = [];
      for (const record of read.result) {
        const photos = [];
        for (const f of record.files) {
          const bitmap = await createImageBitmap(f.blob);
          photos.push({width: bitmap.width, height: bitmap.height, type: f.blob.type, bytes: f.blob.size});
        }
        out.push({fields: Object.fromEntries(record.fields), photos, state: record.state});
      }
      db.close();
      resolve(out);
    };
  };
})"""


def header_rows(page) -> list[float]:
    """The distinct tops of the field area's header links: one value when they share one row."""
    return page.evaluate(
        """() => [...new Set([...document.querySelectorAll('.site-header nav li.field-nav')]
        .filter(li => li.offsetParent !== null).map(li => Math.round(li.getBoundingClientRect().top)))]"""
    )


def wrapped_header_links(page) -> list[str]:
    """Header links whose words break over two lines."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.site-header nav li.field-nav a, .site-header nav li.field-nav button')]
        .filter(e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length > 1; })
        .map(e => e.textContent.trim())"""
    )


def small_header_targets(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.site-header a, .site-header button')]
        .filter(e => e.offsetParent !== null)
        .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
        .map(e => e.textContent.trim())"""
    )


@pytest.mark.parametrize("viewport", [PHONE_320, PHONE_360, OFFICE_SCREEN], ids=["320px", "360px", "1366px"])
def test_the_field_header_keeps_its_links_on_one_row_from_a_small_phone_up(
    live_server, demo, browser, screenshot, viewport
):
    context = phone_context(browser, viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url)
    for name, path in FIELD_PAGES.items():
        page.goto(live_server.url + path)
        screenshot(page, f"field-header-{viewport['width']}-{name}")
        assert len(header_rows(page)) == 1, path
        assert wrapped_header_links(page) == [], path
        assert small_header_targets(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
        assert page.locator(".site-header").bounding_box()["height"] <= 110, path
    context.close()


def test_a_report_carries_the_location_and_a_photo_made_small_on_the_phone(
    live_server, demo, staff, browser, screenshot
):
    context = phone_context(browser, geolocation={**FIX, "accuracy": 750}, permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base)
    context.set_offline(True)

    open_offline(page, f"{base}/petugas/laporan/baru/")
    page.select_option("#id_kind", "sosialisasi")
    page.select_option("#id_kecamatan", label="Parenggean")
    page.fill("#id_day", "2022-03-30")
    page.fill("#id_summary", "Sosialisasi KIM di balai desa.")
    page.set_input_files("#id_photos", {"name": "kamera.jpg", "mimeType": "image/jpeg", "buffer": big_photo()})
    page.get_by_role("button", name="Catat lokasi saya").click()
    page.wait_for_selector(".location-status.is-imprecise")
    status = page.inner_text("[data-location-status]")
    assert "±750\u00a0m" in status and "Lokasi tidak presisi" in status
    screenshot(page, "field-lokasi", show="[data-location]")
    submit(page)

    queued = page.evaluate(QUEUED)
    assert [(p["width"], p["height"], p["type"]) for p in queued[0]["photos"]] == [(1600, 1067, "image/jpeg")]
    assert (queued[0]["fields"]["latitude"], queued[0]["fields"]["location_accuracy"]) == ("-2.187346", "750")

    context.set_offline(False)
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item[data-kind=report].is-delivered")
    report = FieldReport.objects.get()
    assert (str(report.latitude), report.location_accuracy, report.is_location_imprecise) == ("-2.187346", 750, True)
    assert (ReportPhoto.objects.get().width, ReportPhoto.objects.get().height) == (1600, 1067)
    context.close()

    # Sari, at the office, sees where the officer stood, flagged as imprecise.
    office = browser.new_context(viewport=OFFICE_SCREEN, locale="id-ID")
    admin = office.new_page()
    admin_log_in(admin, base, "sari")
    admin.goto(f"{base}/admin/coverage/fieldreport/{report.pk}/change/")
    shown = admin.inner_text(".field-location")
    assert "-2.187346, 112.903817" in shown and "lokasi tidak presisi" in shown
    screenshot(admin, "field-admin-lokasi", show=".field-location")
    office.close()


def test_a_phone_that_refuses_the_location_says_so_and_the_report_still_goes(live_server, demo, browser):
    context = phone_context(browser)  # location permission never granted: the browser denies it
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/petugas/laporan/baru/")
    page.get_by_role("button", name="Catat lokasi saya").click()
    page.wait_for_selector(".location-status.is-error")
    assert page.inner_text("[data-location-status]").startswith("Izin lokasi ditolak.")
    page.select_option("#id_kind", "pembinaan")
    page.select_option("#id_kecamatan", label="Parenggean")
    page.fill("#id_day", "2022-03-30")
    page.fill("#id_summary", "Pembinaan pengurus KIM.")
    submit(page)
    assert "Terkirim" in page.inner_text("[data-flash]")
    assert "menunggu pemeriksaan" in page.inner_text("[data-flash]")
    assert FieldReport.objects.get().has_location is False
    context.close()


def test_a_report_and_a_proposal_left_mid_typing_offline_come_back_as_drafts(live_server, demo, browser, screenshot):
    context = phone_context(browser, geolocation={**FIX, "accuracy": 20}, permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base)
    context.set_offline(True)

    open_offline(page, f"{base}/petugas/laporan/baru/")
    page.fill("#id_summary", "Setengah jalan menulis laporan.")
    page.set_input_files("#id_photos", {"name": "kamera.jpg", "mimeType": "image/jpeg", "buffer": big_photo()})
    page.get_by_role("button", name="Catat lokasi saya").click()
    page.wait_for_selector(".location-status.is-recorded")
    page.wait_for_timeout(800)  # the draft is written 300 ms after the last change (and the photo made small)
    page.close()
    page = context.new_page()
    open_offline(page, f"{base}/petugas/kim/usulkan/")
    page.fill("#id_name", "KIM Setengah Jadi")
    page.wait_for_timeout(600)
    page.close()

    page = context.new_page()
    open_offline(page, f"{base}/petugas/laporan/baru/")
    page.wait_for_selector("[data-draft-notice]:not([hidden])")
    assert page.input_value("#id_summary") == "Setengah jalan menulis laporan."
    assert page.evaluate("document.querySelector('#id_photos').files[0].name") == "kamera.jpg"
    assert "±20\u00a0m" in page.inner_text("[data-location-status]")
    open_offline(page, f"{base}/petugas/kim/usulkan/")
    page.wait_for_selector("[data-draft-notice]:not([hidden])")
    assert page.input_value("#id_name") == "KIM Setengah Jadi"
    open_offline(page, f"{base}/petugas/")
    page.wait_for_selector("[data-drafts] .draft-item >> nth=1")
    assert sorted(page.eval_on_selector_all("[data-drafts] .draft-item", "els => els.map(e => e.dataset.kind)")) == [
        "proposal",
        "report",
    ]
    screenshot(page, "field-draf", show="[data-drafts]")
    context.close()


def test_offline_a_receipt_sent_from_this_phone_opens_and_a_page_never_kept_says_so(
    live_server, demo, browser, screenshot
):
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/petugas/laporan/baru/")
    page.select_option("#id_kind", "sosialisasi")
    page.select_option("#id_kecamatan", label="Parenggean")
    page.fill("#id_day", "2022-03-30")
    page.fill("#id_summary", "Laporan yang tanda terimanya dibuka tanpa sinyal.")
    submit(page)
    report = FieldReport.objects.get()
    receipt_page = f"{base}{report.get_absolute_url()}"
    wait_until(
        page,
        f"caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => c.match('{report.get_absolute_url()}'))))).then(r => r.some(Boolean))",
    )
    context.set_offline(True)

    open_offline(page, receipt_page)
    assert report.receipt in page.inner_text("h1")
    assert "Menunggu pemeriksaan" in page.inner_text(".facts")
    assert page.locator("[data-not-kept]").is_hidden()
    screenshot(page, "field-tanda-terima-offline", full_page=True)
    open_offline(page, f"{base}/petugas/laporan/99999/")
    assert page.locator("[data-not-kept]").is_visible()
    assert page.locator("[data-net-status]").is_hidden()  # one message about the signal, not two
    screenshot(page, "field-belum-tersimpan")
    assert "belum tersimpan di HP" in page.inner_text("[data-not-kept]")
    assert item(page, "report", "delivered").count() == 1
    context.close()


QUEUED_FILES = """() => new Promise(resolve => {
  const open = indexedDB.open("kimportal-petugas");
  open.onsuccess = () => {
    const read = open.result.transaction("laporan").objectStore("laporan").getAll();
    read.onsuccess = () => { open.result.close(); resolve(read.result.map(r => r.files.map(f => [f.name, f.blob.size]))); };
  };
})"""


def test_a_photo_the_phone_cannot_decode_is_queued_as_it_is(live_server, demo, browser):
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base)
    context.set_offline(True)
    open_offline(page, f"{base}/petugas/laporan/baru/")
    page.select_option("#id_kind", "sosialisasi")
    page.select_option("#id_kecamatan", label="Parenggean")
    page.fill("#id_day", "2022-03-30")
    page.fill("#id_summary", "Foto dari kamera yang tidak dikenal browser.")
    unknown = b"\xff\xd8\xff" + b"bukan gambar " * 400
    page.set_input_files("#id_photos", {"name": "rusak.jpg", "mimeType": "image/jpeg", "buffer": unknown})
    submit(page)
    assert page.evaluate(QUEUED_FILES) == [[["rusak.jpg", len(unknown)]]]
    context.close()


BADGE_LOOK = """selector => [...document.querySelectorAll(selector)].map(badge => {
  const style = getComputedStyle(badge);
  return {text: badge.textContent.trim(), look: [style.backgroundColor, style.color, style.borderTopStyle, style.borderTopColor].join(" ")};
})"""


def test_a_report_waiting_for_review_looks_different_from_a_refused_one(live_server, demo, browser, screenshot):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username=OFFICER_USERNAME)
    kecamatan = officer.kecamatan_assignments.first().kecamatan
    waiting, refused = (
        FieldReport.objects.create(
            client_id=uuid.uuid4(),
            receipt=f"LAP-2026-0000{n}",
            event=make_event(kecamatan=kecamatan),
            submitted_by=officer,
        )
        for n in (1, 2)
    )
    refused.refuse(by=get_user_model().objects.get(username=STAFF_USERNAME), reason="Foto tidak jelas.")
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, live_server.url)
    page.goto(live_server.url + "/petugas/laporan/")
    badges = page.evaluate(BADGE_LOOK, "[data-server-reports] .badge")
    looks = {badge["text"].lstrip("◷✕✓ "): badge["look"] for badge in badges}  # the words, without the icon
    screenshot(page, "field-report-badges", show="[data-server-reports]")
    context.close()
    assert set(looks) == {"Menunggu pemeriksaan", "Ditolak"}
    assert looks["Menunggu pemeriksaan"] != looks["Ditolak"]
    assert "rgb(253, 236, 234)" not in looks["Menunggu pemeriksaan"]  # not the refusal's red box (--warn-bg)

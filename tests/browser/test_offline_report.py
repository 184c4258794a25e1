"""A field officer reports an event from a phone with no signal; it arrives once when the signal returns."""

import io

import pytest
from PIL import Image

from coverage.models import FieldReport, OutreachEvent, ReportPhoto
from kimportal.demo import DEMO_PASSWORD, OFFICER_USERNAME

# serialized_rollback: the roles made by data migration survive the flush between browser tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_until(page, expression, timeout=15.0):
    """Poll `expression` with page.evaluate: the portal's CSP forbids the eval that wait_for_function uses."""
    for _ in range(int(timeout / 0.1)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout} s: {expression}")


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (1.0, 55.0, 48.0), 3: "E", 4: (113.0, 3.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def log_in(page, base):
    page.goto(f"{base}/petugas/masuk/")
    page.fill("#id_username", OFFICER_USERNAME)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{base}/petugas/")


def queue_item(page):
    return page.locator("[data-queue] .queue-item").first


def test_a_report_made_offline_waits_on_the_phone_and_is_delivered_exactly_once(live_server, demo, phone, screenshot):
    base = live_server.url
    page = phone.new_page()
    log_in(page, base)
    wait_until(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    screenshot(page, "petugas-beranda")
    page.goto(f"{base}/petugas/laporan/baru/")
    wait_until(page, "navigator.serviceWorker.controller !== null")

    phone.set_offline(True)
    planned = OutreachEvent.objects.get(title="Sosialisasi KIM di Kelurahan Parenggean")
    page.select_option("#id_event", str(planned.pk))
    page.fill("#id_day", "2022-03-30")
    page.fill("#id_participants", "25")
    page.fill("#id_participants_women", "11")
    page.fill("#id_participants_men", "14")
    page.check("text=KIM Kecamatan Parenggean")
    page.fill("#id_summary", "Sosialisasi KIM bersama warga Kelurahan Parenggean.")
    page.fill("#id_outcome", "Warga sepakat membentuk KIM di dua desa.")
    page.fill("#id_follow_up", "Pendampingan pembentukan pengurus.")
    page.set_input_files("#id_photos", {"name": "kegiatan.jpg", "mimeType": "image/jpeg", "buffer": gps_jpeg()})
    screenshot(page, "petugas-laporan-isi", show="#id_participants")
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-queue] .queue-item.is-waiting")

    reloaded = page.reload()  # still offline: the service worker serves the page, IndexedDB holds the report
    assert reloaded.from_service_worker
    page.wait_for_selector("[data-queue] .queue-item.is-waiting")
    assert "Menunggu sinyal" in queue_item(page).inner_text()
    assert "1 foto" in queue_item(page).inner_text()
    screenshot(page, "petugas-laporan-menunggu", show="[data-queue] .queue-item")
    assert not FieldReport.objects.exists()
    home = page.goto(f"{base}/petugas/")  # the rest of the area opens offline too
    assert home.from_service_worker and "Kecamatan saya" in page.inner_text("main")
    page.go_back()
    page.wait_for_selector("[data-queue] .queue-item.is-waiting")

    # The signal returns, the server stores the report, but its answer is lost on the way back.
    lost = []

    def lose_the_answer(route):
        route.fetch()
        lost.append(route.request.url)
        route.abort("internetdisconnected")

    page.route("**/petugas/laporan/kirim/", lose_the_answer)
    phone.set_offline(False)
    wait_until(page, "() => window.navigator.onLine")
    page.click("[data-sync-now]")
    page.wait_for_timeout(500)
    for _ in range(40):
        if lost:
            break
        page.wait_for_timeout(250)
    assert lost, "the phone never tried to send"
    assert FieldReport.objects.count() == 1
    assert queue_item(page).get_attribute("class").endswith("is-waiting")

    # The phone retries with the same id: the server answers with the first receipt.
    page.unroute("**/petugas/laporan/kirim/")
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item.is-delivered")
    report = FieldReport.objects.get()
    assert f"Nomor tanda terima: {report.receipt}" in queue_item(page).inner_text()
    assert (FieldReport.objects.count(), ReportPhoto.objects.count()) == (1, 1)
    assert report.event == planned and report.event.participants_women == 11
    screenshot(page, "petugas-laporan-terkirim", show="[data-queue] .queue-item")

    page.goto(f"{base}/petugas/laporan/")
    assert report.receipt in page.locator("[data-server-reports]").inner_text()
    screenshot(page, "petugas-daftar-laporan")


def test_a_report_the_server_refuses_shows_why_and_can_be_fixed_and_sent(live_server, demo, phone, screenshot):
    base = live_server.url
    page = phone.new_page()
    log_in(page, base)
    page.goto(f"{base}/petugas/laporan/baru/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    page.fill("#id_title", "Sosialisasi KIM di Desa Tehang")
    page.select_option("#id_kind", "sosialisasi")
    page.select_option("#id_kecamatan", label="Bukit Santuai")
    page.fill("#id_day", "2099-01-01")  # a held event cannot lie in the future
    page.fill("#id_summary", "Warga Bukit Santuai ingin membentuk KIM.")
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-queue] .queue-item.is-waiting")

    phone.set_offline(False)
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item.is-refused")
    assert "Tanggal pelaksanaan tidak boleh di masa depan." in queue_item(page).inner_text()
    screenshot(page, "petugas-laporan-ditolak", show="[data-queue] .queue-item.is-refused")

    queue_item(page).get_by_role("link", name="Perbaiki").click()
    page.wait_for_selector("[data-fix-errors]:not([hidden])")
    assert page.input_value("#id_title") == "Sosialisasi KIM di Desa Tehang"
    page.fill("#id_day", "2022-03-28")
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-queue] .queue-item.is-delivered")
    assert page.locator("[data-queue] .queue-item").count() == 1
    assert FieldReport.objects.get().event.kecamatan.name == "Bukit Santuai"


def test_an_officer_switches_to_english_and_the_phone_keeps_the_english_pages(live_server, demo, phone, screenshot):
    base = live_server.url
    page = phone.new_page()
    log_in(page, base)
    wait_until(page, "navigator.serviceWorker.controller !== null")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{base}/petugas/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Hello,")
    # The page asks for the English worker, which keeps the area's pages anew, in English.
    wait_until(page, "navigator.serviceWorker.controller?.scriptURL.endsWith('?lang=en')")
    screenshot(page, "petugas-english")

    phone.set_offline(True)
    form = page.goto(f"{base}/petugas/laporan/baru/")
    assert form.from_service_worker
    assert page.locator("h1").inner_text() == "Report an event that has been held"
    phone.set_offline(False)
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_url(f"{base}/petugas/laporan/baru/")
    assert page.locator("h1").inner_text() == "Laporkan kegiatan yang sudah dilaksanakan"

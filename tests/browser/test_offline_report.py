"""A field officer plans, reports and proposes from a phone with no signal; each arrives once when it returns."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from coverage.models import FieldReport, FieldSubmission, OutreachEvent, ReportPhoto
from kimportal.demo import DEMO_PASSWORD, OFFICER_USERNAME
from registry.models import Desa, Kim

# serialized_rollback: the roles made by data migration survive the flush between browser tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_360 = {"width": 360, "height": 740}
PLANNED = "Sosialisasi KIM di Kelurahan Parenggean"


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


@pytest.fixture
def phone360(browser):
    context = browser.new_context(
        viewport=PHONE_360,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        service_workers="allow",
    )
    yield context
    context.close()


def log_in(page, base):
    page.goto(f"{base}/petugas/masuk/")
    page.fill("#id_username", OFFICER_USERNAME)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{base}/petugas/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    # Every form is kept on the phone at the first visit, also those never opened.
    for path in ("/petugas/kegiatan/rencana/", "/petugas/laporan/baru/", "/petugas/kim/usulkan/"):
        wait_until(
            page,
            f"caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => c.match('{path}'))))).then(r => r.some(Boolean))",
        )


def open_offline(page, url):
    response = page.goto(url)
    assert response.from_service_worker
    assert page.locator("#field-app").count() == 1, "the browser's offline page"


def submit(page):
    page.click("form[data-offline-form] button[type=submit]")
    page.wait_for_selector("[data-flash]:not([hidden])")


def item(page, kind, state=None):
    return page.locator(f"[data-queue] .queue-item[data-kind={kind}]" + (f".is-{state}" if state else ""))


def fill_plan(page, title):
    page.fill("#id_title", title)
    page.select_option("#id_kind", "pembinaan")
    page.select_option("#id_kecamatan", label="Parenggean")
    page.fill("#id_day", (date.today() + timedelta(days=60)).isoformat())  # within the planning horizon


def test_every_field_form_works_offline_and_arrives_exactly_once(live_server, demo, phone360, screenshot):
    base = live_server.url
    page = phone360.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 740 / 5
    phone360.set_offline(True)

    # First in the queue: a report the server will refuse (a held event cannot lie in the future).
    # The phone sends oldest first; everything queued after it must still arrive.
    open_offline(page, f"{base}/petugas/laporan/baru/")
    page.select_option("#id_kind", "sosialisasi")
    page.select_option("#id_kecamatan", label="Bukit Santuai")
    page.fill("#id_day", "2099-01-01")
    page.fill("#id_summary", "Warga Bukit Santuai ingin membentuk KIM.")
    submit(page)

    # A plan, offline.
    open_offline(page, f"{base}/petugas/kegiatan/rencana/")
    fill_plan(page, "Pembinaan KIM Parenggean")
    screenshot(page, "petugas-rencana-isi")
    submit(page)
    assert "menunggu sinyal" in page.inner_text("[data-flash]").lower()
    screenshot(page, "petugas-beranda-antre")

    # A report of the planned event, offline: it starts from the plan.
    open_offline(page, f"{base}/petugas/laporan/baru/")
    planned = OutreachEvent.objects.get(title=PLANNED)
    page.select_option("#id_event", str(planned.pk))
    assert page.input_value("#id_title") == PLANNED
    assert page.input_value("#id_kecamatan") == str(planned.kecamatan_id)
    page.fill("#id_day", "2022-03-30")
    page.fill("#id_participants", "25")
    page.check("text=KIM Kecamatan Parenggean")
    page.fill("#id_summary", "Sosialisasi KIM bersama warga Kelurahan Parenggean.")
    page.set_input_files("#id_photos", {"name": "kegiatan.jpg", "mimeType": "image/jpeg", "buffer": gps_jpeg()})
    small = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, main select, main input, main textarea')]
        .filter(e => e.offsetParent !== null && e.type !== 'checkbox' && e.type !== 'hidden')
        .map(e => e.closest('label:has(input[type=checkbox])') || e)
        .concat([...document.querySelectorAll('main label:has(input[type=checkbox])')])
        .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
        .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == []
    screenshot(page, "petugas-laporan-isi", show="#id_participants")
    submit(page)

    # A KIM proposal, offline.
    open_offline(page, f"{base}/petugas/kim/usulkan/")
    page.fill("#id_name", "KIM Sungai Hanya Maju")
    free = Desa.objects.filter(kecamatan=planned.kecamatan).exclude(pk__in=Kim.objects.values("desa")).first()
    page.select_option("#id_desa", str(free.pk))
    page.fill("#id_formed_on", "2022-03-01")
    page.fill("#id_pengurus-0-name", "Rina")
    page.select_option("#id_pengurus-0-role", "1")
    submit(page)

    page.reload()  # still offline: the service worker serves the page, IndexedDB holds the queue
    for kind in ("plan", "report", "proposal"):
        page.wait_for_selector(f"[data-queue] .queue-item[data-kind={kind}].is-waiting")
    assert "Menunggu sinyal" in item(page, "plan").inner_text()
    assert page.inner_text("[data-count=waiting]") == "4"
    screenshot(page, "petugas-laporan-menunggu", show="[data-queue] .queue-item")
    assert not (FieldReport.objects.exists() or FieldSubmission.objects.exists())

    # A second plan, the page closed while typing: its draft waits on the phone.
    open_offline(page, f"{base}/petugas/kegiatan/rencana/")
    page.fill("#id_title", "Rencana yang belum selesai")
    page.fill("#id_venue", "Balai desa")
    page.wait_for_timeout(600)
    page.close()
    page = phone360.new_page()
    open_offline(page, f"{base}/petugas/kegiatan/rencana/")
    page.wait_for_selector("[data-draft-notice]:not([hidden])")
    assert page.input_value("#id_title") == "Rencana yang belum selesai"
    screenshot(page, "petugas-draf-dipulihkan")
    open_offline(page, f"{base}/petugas/")
    page.wait_for_selector("[data-drafts] .draft-item")
    assert "Rencana yang belum selesai" in page.inner_text("[data-drafts]")

    # The signal returns; the server stores each item, but its first answer to each address is lost
    # (a refusal comes through: it stores nothing).
    lost = []

    def lose_the_first_answer(route):
        if route.request.method != "POST" or route.request.url in lost:
            route.continue_()
            return
        answer = route.fetch()
        if answer.status >= 400:
            route.fulfill(response=answer)
            return
        lost.append(route.request.url)
        route.abort("internetdisconnected")

    for path in ("kegiatan/rencana/", "laporan/kirim/", "kim/usulkan/"):
        page.route(f"**/petugas/{path}", lose_the_first_answer)
    phone360.set_offline(False)
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item.is-refused")
    for _ in range(150):  # the refused report went first; the three after it are still sent
        if len(lost) == 3:
            break
        page.wait_for_timeout(100)
    assert len(lost) == 3
    assert (FieldSubmission.objects.count(), FieldReport.objects.count()) == (2, 1)
    assert "Tanggal pelaksanaan tidak boleh di masa depan." in item(page, "report", "refused").inner_text()

    # The phone sends again with the same ids: each answered with the first receipt, nothing stored twice.
    page.unroute("**/petugas/**")
    page.click("[data-sync-now]")
    for kind in ("plan", "report", "proposal"):
        page.wait_for_selector(f"[data-queue] .queue-item[data-kind={kind}].is-delivered")
    plan = FieldSubmission.objects.get(kind="plan")
    proposal = FieldSubmission.objects.get(kind="proposal")
    report = FieldReport.objects.get()
    assert f"Nomor tanda terima: {plan.receipt}" in item(page, "plan", "delivered").inner_text()
    assert f"Nomor tanda terima: {report.receipt}" in item(page, "report", "delivered").inner_text()
    assert f"Nomor tanda terima: {proposal.receipt}" in item(page, "proposal", "delivered").inner_text()
    assert OutreachEvent.objects.filter(title="Pembinaan KIM Parenggean").count() == 1
    assert Kim.objects.filter(name="KIM Sungai Hanya Maju").count() == 1
    assert (report.event, ReportPhoto.objects.count()) == (planned, 1)
    assert page.inner_text("[data-count=delivered]") == "3"
    screenshot(page, "petugas-laporan-terkirim", show="[data-queue] .queue-item.is-delivered")
    screenshot(page, "petugas-laporan-ditolak", show="[data-queue] .queue-item.is-refused")

    # Fix the refused one: the form opens filled with it; sent again, it arrives.
    item(page, "report", "refused").get_by_role("link", name="Perbaiki").click()
    page.wait_for_selector("[data-fix-errors]:not([hidden])")
    assert page.input_value("#id_summary") == "Warga Bukit Santuai ingin membentuk KIM."
    page.fill("#id_day", "2022-03-28")
    submit(page)
    assert "Terkirim" in page.inner_text("[data-flash]")
    screenshot(page, "petugas-terkirim-atas")
    assert FieldReport.objects.filter(event__kecamatan__name="Bukit Santuai").count() == 1
    page.wait_for_selector("[data-queue] .queue-item[data-kind=report].is-delivered >> nth=1")
    assert item(page, "report", "refused").count() == 0

    # The draft can be deleted.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-drafts] .draft-item").get_by_role("button", name="Hapus draf").click()
    page.wait_for_selector("[data-drafts] .draft-item", state="detached")


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

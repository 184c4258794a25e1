"""A field officer logs what a KIM did from a phone with no signal; it arrives once, waiting for review."""

import pytest
from django.utils import timezone

from registry.models import KimActivity

from .test_offline_report import PHONE_360, item, log_in, open_offline, submit, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACTIVITY = "/petugas/aktivitas/catat/"


@pytest.fixture
def phone_context(browser):
    def make(viewport=PHONE_360):
        return browser.new_context(
            viewport=viewport,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            service_workers="allow",
        )

    contexts = []

    def opened(viewport=PHONE_360):
        contexts.append(make(viewport))
        return contexts[-1]

    yield opened
    for context in contexts:
        context.close()


def test_an_officer_logs_kim_activity_offline_and_it_arrives_once_waiting_for_review(
    live_server, demo, phone_context, screenshot
):
    base = live_server.url
    phone = phone_context()
    page = phone.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base)
    # The activity form is kept on the phone at login, before the officer ever opened it.
    wait_until(
        page,
        f"caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => c.match('{ACTIVITY}'))))).then(r => r.some(Boolean))",
    )
    phone.set_offline(True)

    open_offline(page, f"{base}{ACTIVITY}")
    assert page.get_attribute("#id_date", "max") == timezone.localdate().isoformat()
    page.select_option("#id_kim", label="KIM Kecamatan Parenggean (Parenggean)")
    page.fill("#id_date", "2026-01-15")
    page.select_option("#id_kind", "kimid_post")
    page.fill("#id_link", "https://parenggean.kim.id/berita/rapat-januari")
    page.fill("#id_note", "Berita rapat pengurus bulan Januari.")
    screenshot(page, "petugas-aktivitas-isi", full_page=True)
    submit(page)
    assert "menunggu sinyal" in page.inner_text("[data-flash]").lower()

    page.reload()  # still offline: the service worker serves the page, IndexedDB holds the entry
    page.wait_for_selector("[data-queue] .queue-item[data-kind=activity].is-waiting")
    assert "Aktivitas KIM" in item(page, "activity").inner_text()
    from_phones = KimActivity.objects.filter(client_id__isnull=False)  # the demo's own entries are staff's
    assert not from_phones.exists()

    # The signal returns, the server's first answer is lost: the phone sends again with the same id.
    lost = []

    def lose_the_first_answer(route):
        if route.request.method != "POST" or lost:
            route.continue_()
            return
        route.fetch()
        lost.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(f"**{ACTIVITY}", lose_the_first_answer)
    phone.set_offline(False)
    page.click("[data-sync-now]")
    for _ in range(150):
        if lost:
            break
        page.wait_for_timeout(100)
    assert from_phones.count() == 1
    page.unroute(f"**{ACTIVITY}")
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item[data-kind=activity].is-delivered")
    activity = from_phones.get()
    assert f"Nomor tanda terima: {activity.receipt}" in item(page, "activity", "delivered").inner_text()
    assert (activity.review_status, activity.entered_by.username) == ("waiting", "petugas.demo")

    page.reload()
    assert "menunggu pemeriksaan" in page.inner_text("#aktivitas-saya + ul").lower()
    screenshot(page, "petugas-aktivitas-terkirim", show="#aktivitas-saya")


@pytest.mark.parametrize("width", [320, 360])
def test_the_activity_form_fits_a_small_phone(live_server, demo, phone_context, screenshot, width):
    phone = phone_context({"width": width, "height": 740})
    page = phone.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}{ACTIVITY}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    small = page.evaluate(
        """() => [...document.querySelectorAll('main form button, main form select, main form input, main form textarea')]
        .filter(e => e.offsetParent !== null && e.type !== 'hidden')
        .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
        .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == []
    screenshot(page, f"petugas-aktivitas-{width}", full_page=True)
    page.goto(f"{live_server.url}/petugas/")
    screenshot(page, f"petugas-beranda-aktivitas-{width}", show="#aktivitas-saya")

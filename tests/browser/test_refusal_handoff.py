"""A refusal reaches the officer, and the correction reaches staff, on a 360 x 740 phone: staff refuse
a report with a reason (the admin's decision); the officer, online, reads the reason at the top of
the home page, taps *Perbaiki dan kirim ulang*, fixes the report and resends it; staff find the
corrected report waiting in the admin's inbox, linked to the refused one."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from coverage.models import FieldReport

from ..factories import make_user
from .conftest import admin_log_in
from .test_offline_report import PHONE_360, log_in, submit, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REASON = "Jumlah peserta 300 tidak cocok dengan foto; periksa daftar hadir."
SUMMARY = "Warga Parenggean membahas pembentukan KIM di balai desa."


def phone_page(browser):
    context = browser.new_context(
        viewport=PHONE_360,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        service_workers="allow",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_refused_report_is_fixed_from_the_top_of_the_home_page_and_waits_for_staff_again(
    live_demo, browser, new_page, screenshot
):
    base = live_demo.url
    context, phone = phone_page(browser)
    log_in(phone, base)

    # The officer reports an event, online: delivered at once.
    phone.goto(f"{base}/petugas/laporan/baru/")
    phone.select_option("#id_kind", "sosialisasi")
    phone.select_option("#id_kecamatan", label="Parenggean")
    phone.fill("#id_day", (date.today() - timedelta(days=1)).isoformat())
    phone.fill("#id_participants", "300")
    phone.fill("#id_summary", SUMMARY)
    submit(phone)
    wait_until(phone, "document.querySelector('[data-flash]').className.includes('is-delivered')")
    refused = FieldReport.objects.get(event__summary=SUMMARY)

    # Staff refuse it, with a reason, on the report's admin page.
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    office = new_page(PHONE_360)
    admin_log_in(office, base, "dewi")
    office.goto(f"{base}/admin/coverage/fieldreport/{refused.pk}/change/")
    office.fill("#id_reason", REASON)
    office.click("button[value=refuse]")
    office.wait_for_selector(".messagelist .success")

    # The officer, online, opens the home page: the reason is on the first screen.
    phone.goto(f"{base}/petugas/")
    decision = phone.locator(".decisions .decision.is-refused").first
    assert REASON in decision.inner_text()
    assert decision.bounding_box()["y"] + decision.bounding_box()["height"] <= PHONE_360["height"]
    wait_until(phone, "document.querySelector('[data-count=refused]').textContent === '1'")
    # The phone's own item no longer says "Terkirim": it follows staff's decision.
    wait_until(
        phone,
        f"[...document.querySelectorAll('[data-queue] .queue-item')].some(li => li.dataset.clientId === "
        f"'{refused.client_id}' && li.querySelector('[data-state=staff-refused]'))",
    )
    screenshot(phone, "petugas-beranda-ditolak-staf")

    # Perbaiki dan kirim ulang: the form holds what was sent, and the reason.
    decision.get_by_role("link", name="Perbaiki dan kirim ulang").click()
    phone.wait_for_url(f"**/petugas/laporan/baru/?perbaiki={refused.client_id}")
    assert phone.input_value("#id_summary") == SUMMARY
    assert REASON in phone.inner_text("[data-correcting]")
    screenshot(phone, "petugas-perbaiki-laporan")
    phone.fill("#id_participants", "30")
    submit(phone)
    wait_until(phone, "document.querySelector('[data-flash]').className.includes('is-delivered')")
    corrected = FieldReport.objects.exclude(pk=refused.pk).get(event__summary=SUMMARY)
    assert (corrected.corrects, corrected.event.participants) == (refused, 30)
    assert phone.locator(".decisions .decision.is-refused").count() == 0
    wait_until(phone, "document.querySelector('[data-count=refused]').textContent === '0'")

    # Staff find it waiting in the inbox, and see which refused report it corrects.
    office.goto(f"{base}/admin/")
    waiting = office.locator(".inbox-reports_waiting")
    assert waiting.locator(".inbox-count").inner_text() == str(FieldReport.objects.waiting().count())
    waiting.locator("a").first.click()
    office.get_by_role("link", name=corrected.receipt).click()
    expect(office.locator("#content-main")).to_contain_text(refused.receipt)  # waits for the page
    assert REASON in office.inner_text("body")
    context.close()

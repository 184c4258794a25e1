"""The notice at the top of the field home page follows the item it announced: an item queued
without signal and then refused by the server says it was refused, and what to do."""

import pytest

from coverage.models import FieldReport

from .test_field_phone import phone_context
from .test_offline_report import log_in, open_offline, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_queued_report_the_server_refuses_says_so_at_the_top_with_what_to_do(live_server, demo, browser, screenshot):
    base = live_server.url
    phone = phone_context(browser)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base)
    phone.set_offline(True)
    open_offline(page, f"{base}/petugas/laporan/baru/")
    page.select_option("#id_kind", "sosialisasi")
    page.select_option("#id_kecamatan", label="Bukit Santuai")
    page.fill("#id_day", "2099-01-01")  # a held event cannot lie in the future: the server refuses it
    page.fill("#id_summary", "Warga Bukit Santuai ingin membentuk KIM.")
    submit(page)
    assert "menunggu sinyal" in page.inner_text("[data-flash]")

    phone.set_offline(False)
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item.is-refused")
    page.wait_for_selector("[data-flash].is-refused")
    notice = page.inner_text("[data-flash]")
    assert "menunggu sinyal" not in notice
    assert "Ditolak server" in notice and "Tanggal pelaksanaan tidak boleh di masa depan." in notice
    assert "Tekan Perbaiki, betulkan isiannya, lalu kirim lagi" in notice
    screenshot(page, "petugas-ditolak-atas", show="[data-flash]")

    page.locator("[data-flash]").get_by_role("link", name="Perbaiki").click()
    page.wait_for_selector("[data-fix-errors]:not([hidden])")
    assert page.input_value("#id_summary") == "Warga Bukit Santuai ingin membentuk KIM."
    assert not FieldReport.objects.exists()
    phone.close()

"""Without signal, an officer plans an event and then reports it: the report form offers the plan
still waiting on the phone, and when the signal returns both arrive as one held event."""

from datetime import date

import pytest

from coverage.models import FieldReport, FieldSubmission, OutreachEvent

from .test_offline_report import PHONE_360, log_in, open_offline, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Pembinaan KIM Sungai Hanya"


def test_a_report_of_a_plan_made_offline_makes_one_event(live_demo, browser, screenshot):
    base = live_demo.url
    context = browser.new_context(
        viewport=PHONE_360, is_mobile=True, has_touch=True, locale="id-ID", service_workers="allow"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base)
    context.set_offline(True)

    open_offline(page, f"{base}/petugas/kegiatan/rencana/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", "pembinaan")
    page.select_option("#id_kecamatan", label="Parenggean")
    page.fill("#id_day", date.today().isoformat())
    submit(page)

    open_offline(page, f"{base}/petugas/laporan/baru/")
    option = page.locator("#id_event option[data-plan]")
    option.wait_for(state="attached")
    assert TITLE in option.inner_text()
    page.select_option("#id_event", index=page.evaluate("document.querySelector('#id_event option[data-plan]').index"))
    assert page.input_value("#id_title") == TITLE  # the report starts from the plan
    page.fill("#id_summary", "Pengurus KIM dilatih menulis berita desa.")
    screenshot(page, "petugas-laporan-rencana-di-hp", show="#id_event")
    submit(page)
    assert not OutreachEvent.objects.filter(title=TITLE).exists()

    context.set_offline(False)
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-queue] .queue-item[data-kind=report].is-delivered")
    page.wait_for_selector("[data-queue] .queue-item[data-kind=plan].is-delivered")
    event = OutreachEvent.objects.get(title=TITLE)
    assert event.status == OutreachEvent.Status.HELD
    assert FieldSubmission.objects.get(event=event).receipt.startswith("REN-")
    assert FieldReport.objects.get(event=event).plan_client_id == FieldSubmission.objects.get(event=event).client_id
    context.close()

"""Staff at a 1366 x 768 office screen use the admin with a screen reader too: its home page with
the inbox, the lists they work from, and the KIM and event forms."""

import uuid

import pytest

from coverage.models import FieldReport, OutreachEvent
from registry.models import Kim, Pengurus

from .conftest import OFFICE_SCREEN, PHONE, admin_log_in, axe_problems

# serialized_rollback: the roles made by data migration survive the flush between browser tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_axe_finds_no_violation_on_the_admin_kim_and_event_forms(live_demo, staff, new_page, screenshot):
    kim = Kim.objects.filter(pengurus__role=Pengurus.Role.KETUA).first()
    page = new_page(OFFICE_SCREEN, axe=True)
    admin_log_in(page, live_demo.url, "sari")
    problems = []
    for url in [
        "/admin/registry/kim/add/",
        f"/admin/registry/kim/{kim.pk}/change/",
        "/admin/coverage/outreachevent/add/",
    ]:
        page.goto(live_demo.url + url)
        page.wait_for_selector(".select2-container")  # the autocomplete widgets are up
        if url.endswith("/kim/add/"):
            page.click("#pengurus-group .add-row a")  # a pengurus row added in the browser too
            page.locator("#pengurus-group").scroll_into_view_if_needed()
            screenshot(page, "admin-kim-tambah-pengurus")
        problems += [f"{url}: {problem}" for problem in axe_problems(page)]
    assert not problems, "\n".join(problems)


def test_axe_finds_no_violation_on_the_admin_home_and_the_lists_staff_work_from(live_demo, staff, new_page):
    event = OutreachEvent.objects.filter(status=OutreachEvent.Status.HELD).first()
    FieldReport.objects.create(  # a report with an imprecise location: the list flags it
        client_id=uuid.uuid4(),
        event=event,
        submitted_by=staff,
        receipt="LAP-2026-00001",
        latitude=-2.0,
        longitude=112.9,
        location_accuracy=900,
        located_at=event.starts_at,
    )
    page = new_page(OFFICE_SCREEN, axe=True)
    admin_log_in(page, live_demo.url, "sari")
    problems = []
    for url in [
        "/admin/",
        "/admin/registry/kim/",
        "/admin/registry/kim/?review_status__exact=waiting",
        "/admin/coverage/outreachevent/",
        "/admin/coverage/fieldreport/",
        "/admin/registry/kecamatan/",
        f"/admin/registry/kim/{Kim.objects.first().pk}/history/",
    ]:
        page.goto(live_demo.url + url)
        problems += [f"{url}: {problem}" for problem in axe_problems(page)]
    assert not problems, "\n".join(problems)


def test_a_kims_history_does_not_scroll_the_page_sideways_on_a_360_px_phone(live_demo, staff, new_page, screenshot):
    kim = Kim.objects.filter(pengurus__role=Pengurus.Role.KETUA).first()  # its pengurus' changes too
    page = new_page(PHONE)
    admin_log_in(page, live_demo.url, "sari")
    page.goto(f"{live_demo.url}/admin/registry/kim/{kim.pk}/history/")
    scroll_width, table_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.querySelector('#change-history').offsetWidth]"
    )
    screenshot(page, "admin-history-360", full_page=True)
    assert scroll_width <= PHONE["width"]
    assert table_width > PHONE["width"]  # the table keeps readable columns and scrolls in its box

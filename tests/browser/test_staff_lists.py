"""At 1366 x 768 the KIM, event, report and kecamatan lists show every column without scrolling
sideways: no list of every model beside them (Beranda has it)."""

import uuid

import pytest
from django.contrib.auth.models import Group

from coverage.models import FieldReport, OutreachEvent

from ..factories import make_officer_user, make_user
from .conftest import OFFICE_SCREEN, admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LISTS = {  # the columns staff decide by
    "/admin/registry/kim/": ["column-status"],
    "/admin/coverage/outreachevent/": ["column-status_label"],
    "/admin/coverage/fieldreport/": ["column-review_status", "column-location_flag"],
    "/admin/registry/kecamatan/": ["column-stage"],
}


def test_the_decisive_columns_fit_the_office_screen(live_demo, new_page, screenshot):
    event = OutreachEvent.objects.filter(status=OutreachEvent.Status.HELD).first()
    officer = make_officer_user(username="agus", kecamatan=[event.kecamatan])
    FieldReport.objects.create(
        client_id=uuid.uuid4(),
        event=event,
        submitted_by=officer,
        receipt="LAP-2026-00001",
        latitude=-2.5,
        longitude=112.9,
        location_accuracy=900,  # imprecise: flagged in its own column
        located_at=event.starts_at,
    )
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    page = new_page(OFFICE_SCREEN)
    admin_log_in(page, live_demo.url, "dewi")
    too_wide = {}
    for url, columns in LISTS.items():
        page.goto(live_demo.url + url)
        screenshot(page, "admin-daftar-" + url.strip("/").split("/")[-1])
        visible = page.evaluate("document.querySelector('.results').getBoundingClientRect().right")
        headers = page.evaluate(
            "[...document.querySelectorAll('.results thead th')].map(th => [th.className, th.getBoundingClientRect().right])"
        )
        assert all(any(column in names.split() for names, _right in headers) for column in columns)
        for names, right in headers:
            if right > visible + 1 or page.evaluate("document.documentElement.scrollWidth > innerWidth"):
                too_wide[f"{url} {names}"] = (right, visible)
    assert too_wide == {}
    assert page.locator("#nav-sidebar").count() == 0
    page.goto(f"{live_demo.url}/admin/coverage/fieldreport/")
    assert page.locator("td.field-location_flag").inner_text() == "⚠ tidak presisi"

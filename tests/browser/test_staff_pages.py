"""At the office screen (1366 x 768, navigation sidebar open) the pages staff edit never scroll
sideways: a KIM with its pengurus and activity entries, an event, a field report. The browser sits
in WITA (a province portal's staff, or a laptop set to Makassar), so the admin adds its time-zone
note under every date: the widest these forms get."""

import uuid

import pytest
from django.contrib.auth.models import Group

from coverage.models import FieldReport, OutreachEvent
from registry.models import Kim, Pengurus

from ..factories import make_officer_user, make_user
from .conftest import OFFICE_SCREEN, admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


SIDEWAYS = """() => {
  const page = document.documentElement.scrollWidth - innerWidth;
  const boxes = [...document.querySelectorAll('.inline-group .tabular')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => box.closest('[id]').id);
  return {page, boxes};
}"""


def test_the_kim_event_and_report_pages_do_not_scroll_sideways(live_demo, new_page, screenshot):
    kim = Kim.objects.filter(pengurus__role=Pengurus.Role.KETUA, activities__isnull=False).distinct().first()
    event = OutreachEvent.objects.filter(status=OutreachEvent.Status.HELD).first()
    officer = make_officer_user(username="agus", kecamatan=[event.kecamatan])
    report = FieldReport.objects.create(
        client_id=uuid.uuid4(),
        event=event,
        submitted_by=officer,
        receipt="LAP-2026-00001",
        latitude=-2.5,
        longitude=112.9,
        location_accuracy=40,
        located_at=event.starts_at,
    )
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    page = new_page(OFFICE_SCREEN, timezone_id="Asia/Makassar")
    admin_log_in(page, live_demo.url, "dewi")
    pages = {  # screenshot's name: (page, what to show)
        "admin-kim-ubah-1366": (f"/admin/registry/kim/{kim.pk}/change/", "#activities-group"),
        "admin-kim-tambah-1366": ("/admin/registry/kim/add/", "#activities-group"),
        "admin-kegiatan-ubah-1366": (f"/admin/coverage/outreachevent/{event.pk}/change/", None),
        "admin-laporan-ubah-1366": (f"/admin/coverage/fieldreport/{report.pk}/change/", None),
    }
    sideways = {}
    for name, (url, show) in pages.items():
        page.goto(live_demo.url + url)
        screenshot(page, name, show=show)
        found = page.evaluate(SIDEWAYS)
        if found["page"] > 0 or found["boxes"]:
            sideways[url] = found
    assert sideways == {}

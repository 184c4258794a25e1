"""Staff at the office screen (1366 x 768) and on a phone (360 px): a field report's photos beside the
decision, the inbox naming its kabupaten, a kecamatan's target on its page and in the admin list."""

import io
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coverage.models import FieldReport, OutreachEvent, ReportPhoto
from registry.models import Kecamatan

from ..factories import make_officer_user, make_user
from .conftest import OFFICE_SCREEN, PHONE, admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BOXES = """selectors => selectors.map(s => [...document.querySelectorAll(s)].map(e => {
  const r = e.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width};
}))"""
SIDEWAYS = "() => document.documentElement.scrollWidth - innerWidth"


def photo(n):
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40 * n, 120, 200 - 40 * n)).save(out, format="JPEG")
    return SimpleUploadedFile(f"kegiatan-{n}.jpg", out.getvalue(), content_type="image/jpeg")


def waiting_report():
    event = OutreachEvent.objects.filter(status=OutreachEvent.Status.HELD).first()
    event.summary = "Sosialisasi KIM bersama perangkat desa. " * 12
    event.save()
    officer = make_officer_user(username="agus", kecamatan=[event.kecamatan])
    report = FieldReport.objects.create(
        client_id=uuid.uuid4(), event=event, submitted_by=officer, receipt="LAP-2026-00001"
    )
    for n in range(1, 4):
        ReportPhoto.objects.create(report=report, image=photo(n))
    return report


def dewi():
    user = make_user(username="dewi", is_staff=True)
    user.groups.add(Group.objects.get(name="Admin Diskominfo"))
    return user


def test_a_waiting_reports_photos_are_beside_the_decision_without_scrolling(live_demo, new_page, screenshot):
    report = waiting_report()
    dewi()
    page = new_page(OFFICE_SCREEN)
    admin_log_in(page, live_demo.url, "dewi")
    page.goto(f"{live_demo.url}/admin/coverage/fieldreport/{report.pk}/change/")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    screenshot(page, "staf-laporan-foto-di-samping-keputusan-1366")
    (decision,), photos = page.evaluate(BOXES, [".decision", ".decision-photos img"])
    assert len(photos) == 3
    assert all(0 <= box["top"] and box["bottom"] <= 768 and box["width"] > 100 for box in photos), photos
    assert decision["bottom"] <= 768
    assert min(box["left"] for box in photos) >= decision["right"]  # beside it, not below
    assert page.evaluate(SIDEWAYS) <= 0

    phone = new_page(PHONE)
    admin_log_in(phone, live_demo.url, "dewi")
    phone.goto(f"{live_demo.url}/admin/coverage/fieldreport/{report.pk}/change/")
    screenshot(phone, "staf-laporan-foto-di-samping-keputusan-360", full_page=True)
    assert phone.evaluate(SIDEWAYS) <= 0


def test_the_inbox_the_kecamatan_target_and_the_import_guide_at_360_and_1366(live_demo, new_page, screenshot):
    dewi()
    kecamatan = Kecamatan.objects.get(code="62.02.04")
    for name, viewport in [("1366", OFFICE_SCREEN), ("360", PHONE)]:
        page = new_page(viewport)
        page.goto(f"{live_demo.url}/kecamatan/{kecamatan.code}/")
        page.locator("#target-desa").scroll_into_view_if_needed()
        screenshot(page, f"kecamatan-target-{name}", show="#target-desa")
        assert page.evaluate(SIDEWAYS) <= 0, name
        admin_log_in(page, live_demo.url, "dewi")
        assert "Perlu ditindaklanjuti di Kabupaten Kotawaringin Timur" in page.text_content(".inbox caption")
        screenshot(page, f"staf-kotak-masuk-{name}")
        assert page.evaluate(SIDEWAYS) <= 0, name
        page.goto(f"{live_demo.url}/admin/registry/kecamatan/")
        screenshot(page, f"staf-kecamatan-target-{name}")
        if viewport == OFFICE_SCREEN:  # the target in view without scrolling the list sideways
            (box,), cells = page.evaluate(BOXES, ["#changelist-form .results", "td.field-desa_target"])
            assert max(cell["right"] for cell in cells) <= box["right"]
        assert "(kabupaten)" in page.inner_text("#result_list td.field-desa_target >> nth=0")
        page.goto(f"{live_demo.url}/admin/registry/kim/import/")
        page.click(".import-columns summary")
        screenshot(page, f"staf-impor-terakhir-aktif-{name}", show="code:text('terakhir_aktif')")
        assert page.evaluate(SIDEWAYS) <= 0, name

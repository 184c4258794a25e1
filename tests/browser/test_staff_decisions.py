"""On a phone (360 px), staff refuse a KIM proposal with a reason on its own page (at the office
screen, 1366 x 768, test_staff_morning.py walks the same and more)."""

import pytest
from django.contrib.auth.models import Group

from registry.models import Desa, Kim

from ..factories import make_kim, make_officer_user, make_user
from .conftest import PHONE, admin_log_in, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_refuse_a_proposal_with_a_reason_on_a_phone(live_demo, new_page, screenshot):
    viewport = PHONE
    desa = Desa.objects.filter(kecamatan__code="62.02.04").order_by("code").last()
    officer = make_officer_user(username="agus", kecamatan=[desa.kecamatan])
    kim = make_kim(desa=desa, name="KIM Usulan Baru", review_status=Kim.Review.WAITING, proposed_by=officer)
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    page = new_page(viewport, bypass_csp=True)
    admin_log_in(page, live_demo.url, "dewi")
    screenshot(page, f"admin-beranda-kotak-masuk-{viewport['width']}", full_page=True)
    page.goto(f"{live_demo.url}/admin/registry/kim/{kim.pk}/change/")
    assert [v["id"] for v in axe_violations(page, ".decision")] == []
    page.fill("#id_reason", "Nama KIM sama dengan KIM yang sudah ada di desa ini.")
    screenshot(page, f"admin-kim-keputusan-{viewport['width']}")
    page.click("button[value=refuse]")
    page.wait_for_selector(".messagelist .success")
    assert "KIM Usulan Baru ditolak." in page.locator(".messagelist").inner_text()
    assert page.locator(".decision").count() == 0
    screenshot(page, f"admin-kim-ditolak-{viewport['width']}")
    kim.refresh_from_db()
    assert kim.review_status == Kim.Review.REFUSED

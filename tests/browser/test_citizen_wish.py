"""Issue 22's "done when": a visitor on a phone learns what a KIM is, finds a kecamatan without one,
raises their hand without JavaScript and keeps a receipt; staff see the wish in their inbox and plan
a sosialisasi from it; the kecamatan page then shows that citizens want a KIM there (never who)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from coverage.models import Wish

from ..factories import make_user
from .conftest import OFFICE_SCREEN, PHONE, admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_citizen_raises_their_hand_and_staff_plan_a_sosialisasi(live_demo, new_page, screenshot, artifacts):
    from playwright.sync_api import expect

    base = live_demo.url
    visitor = new_page(PHONE, java_script_enabled=False)

    # What a KIM is, on the first screen of /.
    visitor.goto(base + "/")
    explained = visitor.locator(".what-is-kim")
    assert explained.inner_text().startswith("Komunitas Informasi Masyarakat (KIM) adalah")
    box = explained.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    screenshot(visitor, "wish-1-dashboard-360")

    # An uncovered kecamatan, and its call to form a KIM.
    visitor.locator(".uncovered").get_by_role("link", name="Cempaga", exact=True).click()
    assert visitor.locator("h1").inner_text().startswith("Kecamatan Cempaga")
    visitor.get_by_role("link", name="Bentuk KIM di Patai").click()
    assert visitor.locator("#id_desa").input_value() == "62.02.02.2005"
    screenshot(visitor, "wish-2-form-360", show="#minat")

    # The form, sent without JavaScript.
    visitor.fill("#id_name", "Siti Aminah")
    visitor.fill("#id_phone", "0812 3456 7890")
    visitor.select_option("#id_role", "karang_taruna")
    visitor.fill("#id_people", "12")
    visitor.fill("#id_message", "Kami bisa berkumpul setiap Jumat sore.")
    visitor.check("#id_consent")
    visitor.get_by_role("button", name="Kirim minat").click()
    receipt = visitor.locator(".receipt-number").inner_text()
    assert receipt == Wish.objects.get(desa__code="62.02.02.2005").receipt
    screenshot(visitor, "wish-3-receipt-360", show=".receipt")

    # Staff read it in their inbox and plan a sosialisasi from it in one step.
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    staff = new_page(OFFICE_SCREEN)
    admin_log_in(staff, base, "dewi")
    row = staff.locator(".inbox tbody tr", has_text="Minat membentuk KIM")
    assert row.locator(".inbox-count").inner_text() == "3"  # the demo's two in Desa Tangar, and this one
    row.get_by_role("link").first.click()
    staff.get_by_role("link", name=receipt).click()
    expect(staff.locator(".field-phone")).to_contain_text("081234567890")  # staff see the contact
    staff.get_by_role("link", name="Rencanakan sosialisasi").click()
    expect(staff.locator("#id_title")).to_have_value("Sosialisasi pembentukan KIM Desa Patai")
    day = timezone.localdate() + timedelta(days=14)
    staff.fill("#id_starts_at_0", day.strftime("%d-%m-%Y"))
    staff.fill("#id_starts_at_1", "09:00")
    assert staff.locator("#id_desa").input_value() != ""  # the prefilled desa survives the page's scripts
    staff.locator("input[name=_save]").click()
    assert "tindak lanjut minat" in staff.locator(".messagelist").inner_text()
    screenshot(staff, "wish-4-staff-planned-1366")
    wish = Wish.objects.get(desa__code="62.02.02.2005")
    assert wish.event.desa.code == "62.02.02.2005" and wish.is_accepted

    # The kecamatan page shows that citizens want a KIM there, and the planned sosialisasi.
    visitor.goto(base + "/kecamatan/62.02.02/")
    page = visitor.content()
    assert "Ada minat warga: 1" in page and "Sosialisasi pembentukan KIM Desa Patai" in page
    assert "Siti Aminah" not in page and "081234567890" not in page
    screenshot(visitor, "wish-5-kecamatan-360", show=".wish-count")


@pytest.mark.parametrize("width", [320, 360, 1366])
def test_the_citizens_pages_fit_every_screen_and_the_form_prints(live_demo, new_page, screenshot, artifacts, width):
    page = new_page({"width": width, "height": 740 if width < 1000 else 768})
    for name, path in [
        ("dashboard", "/"),
        ("kecamatan", "/kecamatan/62.02.02/"),
        ("form", "/membentuk-kim/?desa=62.02.02.2005"),
        ("form-en", "/en/membentuk-kim/?desa=62.02.02.2005"),
    ]:
        page.goto(live_demo.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways at {width}px"
        screenshot(page, f"wish-{name}-{width}", full_page=True)
    box = page.locator(".what-is-kim").bounding_box() if page.locator(".what-is-kim").count() else None
    assert box is None  # the explainer is on /, not on the form page
    if width == 360:
        pdf = artifacts / "membentuk-kim-form.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4")
        assert pdf.stat().st_size > 10_000

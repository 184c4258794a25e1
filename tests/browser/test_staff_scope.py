"""Staff of one kabupaten at their office screen (1366 x 768) and on a phone (360 px):
they see their kabupaten's KIM only, the autocomplete offers only their desa, and a
superuser assigns a kabupaten on the user's page."""

import pytest
from django.contrib.auth.models import Group

from registry.models import Kabupaten, StaffKabupaten

from ..factories import make_desa, make_kabupaten, make_kecamatan, make_kim, make_user
from .conftest import OFFICE_SCREEN, PHONE, admin_log_in, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def katingan_staff(live_demo):
    """Lina, Admin Diskominfo of Katingan, whose one KIM sits beside Kotim's demo data."""
    katingan = make_kabupaten(code="62.06", name="Kabupaten Katingan")
    desa = make_desa(
        kecamatan=make_kecamatan(kabupaten=katingan, code="62.06.01", name="Katingan Kuala"), name="Pegatan"
    )
    make_kim(desa=desa, name="KIM Pegatan Mandiri")
    lina = make_user(username="lina", is_staff=True)
    lina.groups.add(Group.objects.get(name="Admin Diskominfo"))
    StaffKabupaten.objects.create(user=lina, kabupaten=katingan)
    return lina


@pytest.mark.parametrize("viewport", [OFFICE_SCREEN, PHONE], ids=["1366", "360"])
def test_katingan_staff_see_only_katingan_in_lists_and_autocomplete(
    live_demo, katingan_staff, new_page, screenshot, viewport
):
    page = new_page(viewport)
    admin_log_in(page, live_demo.url, "lina")
    page.goto(f"{live_demo.url}/admin/registry/kim/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "KIM Pegatan Mandiri" in rows.first.inner_text()
    screenshot(page, f"admin-staf-katingan-kim-{viewport['width']}")
    page.goto(f"{live_demo.url}/admin/registry/kim/add/")
    page.click("#id_desa + .select2-container")
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    options = page.locator(".select2-results__option").all_inner_texts()
    assert options == ["Pegatan — Katingan Kuala"]  # only their desa, with its kecamatan
    screenshot(page, f"admin-staf-katingan-pilihan-desa-{viewport['width']}")


def test_staff_without_a_kabupaten_in_a_province_portal_are_told_why(live_demo, new_page, screenshot, settings):
    settings.PORTAL_REGION = "62"  # a province portal
    ani = make_user(username="ani", is_staff=True)
    ani.groups.add(Group.objects.get(name="Admin Diskominfo"))
    for viewport in (OFFICE_SCREEN, PHONE):
        page = new_page(viewport)
        admin_log_in(page, live_demo.url, "ani")
        assert "belum ditugaskan ke kabupaten/kota mana pun" in page.locator(".messagelist").inner_text()
        screenshot(page, f"admin-staf-tanpa-wilayah-{viewport['width']}")
        page.goto(f"{live_demo.url}/admin/registry/kim/")
        assert page.locator("#result_list tbody tr").count() == 0


def test_a_superuser_assigns_a_kabupaten_on_the_users_page(live_demo, superuser, new_page, screenshot):
    dewi = make_user(username="dewi", is_staff=True)
    page = new_page(OFFICE_SCREEN, bypass_csp=True)
    admin_log_in(page, live_demo.url, "root")
    page.goto(f"{live_demo.url}/admin/auth/user/{dewi.pk}/change/")
    group = page.locator("#staff_kabupaten-group")
    group.scroll_into_view_if_needed()
    group.locator(".select2-container").first.click()
    page.locator(".select2-search__field").fill("Kotawaringin")
    page.locator(".select2-results__option", has_text="Kotawaringin Timur").click()
    screenshot(page, "admin-penugasan-staf")
    assert [v["id"] for v in axe_violations(page, "#staff_kabupaten-group")] == []
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_demo.url}/admin/auth/user/")
    assert StaffKabupaten.objects.get(user=dewi).kabupaten == Kabupaten.objects.get(code="62.02")

"""At the office screen, an event's desa list follows the kecamatan chosen first, and says each desa's kecamatan."""

import pytest
from django.contrib.auth.models import Group

from ..factories import make_user
from .conftest import OFFICE_SCREEN, admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_desa_list_of_an_event_follows_its_kecamatan(live_demo, new_page, screenshot):
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    page = new_page(OFFICE_SCREEN, bypass_csp=True)
    admin_log_in(page, live_demo.url, "dewi", next="/admin/coverage/outreachevent/add/")
    page.wait_for_selector("#id_kecamatan + .select2-container")
    page.click("#id_kecamatan + .select2-container")
    page.locator(".select2-dropdown .select2-search__field").fill("Cempaga Hulu")
    page.locator(".select2-results__option", has_text="Cempaga Hulu").first.click()
    page.click("#id_desa + .select2-container")
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    page.wait_for_timeout(300)
    options = page.locator(".select2-results__option").all_inner_texts()
    screenshot(page, "admin-kegiatan-desa-mengikuti-kecamatan")
    assert options and all(option.endswith(" — Cempaga Hulu") for option in options), options

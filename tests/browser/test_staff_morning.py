"""Dewi's morning at Diskominfo Kotim (issue 12's "done when"), at her office screen (1366 x 768).

She opens the admin and reads the inbox; refuses one of the field officer's KIM proposals with a
reason (the officer reads it in /petugas/) and verifies the other (the public dashboard counts
it); opens the officer's field report and marks it reviewed; imports a `;`-separated CSV with a BOM
saved from Excel, with one bad row (its row number is shown, nothing is saved), fixes it and
imports three KIM with their pengurus; and sees the dashboard change.
"""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coverage.models import FieldReport, OutreachEvent
from kimportal.demo import DEMO_PASSWORD, OFFICER_USERNAME
from registry.models import Desa, Kim, Pengurus

from ..factories import make_kim, make_user
from .conftest import OFFICE_SCREEN, PHONE, admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = "kode_desa;nama;tanggal_terbentuk;ketua;sekretaris;bendahara"


def excel_csv(rows):
    """A CSV as Excel with Indonesian regional settings saves it: `;`, CRLF, a UTF-8 BOM."""
    return ("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n").encode()


def inbox(page):
    """The inbox as staff read it: {label: count}."""
    rows = page.locator(".inbox tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator(".inbox-count").inner_text())
        for i in range(rows.count())
    }


def headline(page, base):
    page.goto(f"{base}/")
    return page.locator(".headline").inner_text()


def test_a_staff_members_morning(live_demo, new_page, screenshot, tmp_path):
    from playwright.sync_api import expect

    officer = get_user_model().objects.get(username=OFFICER_USERNAME)  # petugas.demo: Parenggean, Bukit Santuai
    santuai = Desa.objects.filter(kecamatan__name="Bukit Santuai").order_by("code").first()
    parenggean = Desa.objects.get(code="62.02.04.1004")
    formed = timezone.localdate() - timedelta(days=20)
    proposal = make_kim(
        desa=santuai,
        name="KIM Santuai Bersatu",
        formed_on=formed,
        review_status=Kim.Review.WAITING,
        proposed_by=officer,
    )
    double = make_kim(
        desa=parenggean,
        name="KIM Parenggean Dua",
        formed_on=formed,
        review_status=Kim.Review.WAITING,
        proposed_by=officer,
    )
    event = OutreachEvent.objects.filter(status=OutreachEvent.Status.HELD).first()
    report = FieldReport.objects.create(
        client_id=uuid.uuid4(), event=event, submitted_by=officer, receipt="LAP-2026-00007"
    )
    dewi = make_user(username="dewi", is_staff=True, first_name="Dewi")
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    base = live_demo.url

    public = new_page(OFFICE_SCREEN, timezone_id="Asia/Jakarta")
    assert headline(public, base) == "10 dari 17 kecamatan sudah memiliki KIM"

    # 07.30: the admin, and what needs doing.
    page = new_page(OFFICE_SCREEN, timezone_id="Asia/Jakarta")
    admin_log_in(page, base, "dewi")
    waiting = inbox(page)
    assert waiting["Usulan KIM menunggu pemeriksaan"] == 2
    assert waiting["Laporan petugas belum diperiksa"] == 1
    assert waiting["Kecamatan tanpa KIM aktif"] == 7
    screenshot(page, "staf-pagi-1-kotak-masuk")

    # The proposals: refuse the double one with a reason...
    page.get_by_role("link", name="Usulan KIM menunggu pemeriksaan").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    screenshot(page, "staf-pagi-2-usulan")
    page.get_by_role("link", name="KIM Parenggean Dua").click()
    page.wait_for_selector(".decision")
    page.fill("#id_reason", "Kelurahan Parenggean sudah punya KIM; gabung dengan KIM Kecamatan Parenggean.")
    screenshot(page, "staf-pagi-3-tolak-dengan-alasan")
    page.get_by_role("button", name="Tolak dengan alasan").click()
    expect(page.locator(".messagelist")).to_contain_text("KIM Parenggean Dua ditolak.")

    # ...which the officer reads on his phone.
    phone = new_page(PHONE, timezone_id="Asia/Jakarta")
    phone.goto(f"{base}/petugas/masuk/")
    phone.fill("#id_username", OFFICER_USERNAME)
    phone.fill("#id_password", DEMO_PASSWORD)
    phone.get_by_role("button", name="Masuk", exact=True).click()
    phone.wait_for_url(f"{base}/petugas/")
    refused = phone.locator("section[aria-labelledby=ditolak]")
    assert "gabung dengan KIM Kecamatan Parenggean" in refused.inner_text()
    screenshot(phone, "staf-pagi-4-petugas-membaca-alasan", show="#ditolak")

    # Verify the one in Bukit Santuai: the public dashboard counts it.
    page.goto(f"{base}/admin/registry/kim/?review_status__exact=waiting")
    page.get_by_role("link", name="KIM Santuai Bersatu").click()
    page.get_by_role("button", name="Terima").click()
    expect(page.locator(".messagelist")).to_contain_text("KIM Santuai Bersatu diterima.")
    assert headline(public, base) == "11 dari 17 kecamatan sudah memiliki KIM"
    assert "Bukit Santuai" not in public.locator(".uncovered").inner_text()

    # The field report: read what the officer sent, mark it reviewed.
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Laporan petugas belum diperiksa").click()
    page.get_by_role("link", name="LAP-2026-00007").click()
    expect(page.locator("#content-main")).to_contain_text("Konsolidasi pengurus")
    screenshot(page, "staf-pagi-5-laporan")
    page.get_by_role("button", name="Terima").click()
    expect(page.locator(".messagelist")).to_contain_text("LAP-2026-00007 diterima.")

    # The spreadsheet from Excel: three KIM with their pengurus, one date mistyped on row 3.
    desa = {
        name: Desa.objects.filter(kecamatan__name=name).order_by("code").first()
        for name in ["Mentaya Hulu", "Cempaga", "Cempaga Hulu"]
    }
    rows = [
        f"{desa['Mentaya Hulu'].code};KIM Mentaya Hulu Maju;{formed:%d/%m/%Y};Rina (contoh);Tono (contoh);Ani (contoh)",
        f"{desa['Cempaga'].code};KIM Cempaga Cerdas;31/02/2026;Budi (contoh);Sari (contoh);Joko (contoh)",
        f"{desa['Cempaga Hulu'].code};KIM Cempaga Hulu Informasi;{formed:%d/%m/%Y};Wati (contoh);Dodi (contoh);Eka (contoh)",
    ]
    kim_before = Kim.objects.count()
    bad = tmp_path / "kim-excel.csv"
    bad.write_bytes(excel_csv(rows))
    page.goto(f"{base}/admin/registry/kim/import/")
    page.set_input_files("#id_import_file", str(bad))
    page.select_option("#id_format", label="csv")
    page.get_by_role("button", name="Kirim").click()
    row = page.locator(".import-preview tbody tr")
    expect(row).to_have_count(1)
    assert row.locator("th").inner_text() == "Baris 3"
    assert "“31/02/2026” bukan tanggal yang valid: tanggal itu tidak ada di kalender" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # the wide table scrolls in its box
    assert page.get_by_role("button", name="Konfirmasi impor").count() == 0
    assert Kim.objects.count() == kim_before  # nothing saved
    screenshot(page, "staf-pagi-6-impor-baris-salah", show=".import-preview")

    rows[1] = rows[1].replace("31/02/2026", f"{formed:%d/%m/%Y}")
    fixed = tmp_path / "kim-excel-diperbaiki.csv"
    fixed.write_bytes(excel_csv(rows))
    page.set_input_files("#id_import_file", str(fixed))
    page.select_option("#id_format", label="csv")
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".import-preview tr.new")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "staf-pagi-7-impor-pratinjau")
    page.get_by_role("button", name="Konfirmasi impor").click()
    expect(page.locator(".messagelist")).to_contain_text("Impor selesai: 3 baru")
    imported = Kim.objects.filter(
        name__in=["KIM Mentaya Hulu Maju", "KIM Cempaga Cerdas", "KIM Cempaga Hulu Informasi"]
    )
    assert imported.count() == 3 and Pengurus.objects.filter(kim__in=imported).count() == 9

    # Each decision and the import read in the KIM's history: who, when, what and why.
    page.goto(f"{base}/admin/registry/kim/{double.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("ditolak: Kelurahan Parenggean sudah punya KIM")
    assert "Menunggu pemeriksaan → Ditolak" in page.locator("#change-history").inner_text()
    cempaga = Kim.objects.get(name="KIM Cempaga Cerdas")
    page.goto(f"{base}/admin/registry/kim/{cempaga.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(4)  # the KIM and its ketua, sekretaris and bendahara
    assert all("Diimpor dari kim-excel-diperbaiki.csv" in text for text in rows.all_inner_texts())
    assert all("dewi" in text for text in rows.all_inner_texts())
    screenshot(page, "staf-pagi-riwayat-impor")

    # The dashboard changed: the inbox, and the public page.
    page.goto(f"{base}/admin/")
    after = inbox(page)
    assert (after["Usulan KIM menunggu pemeriksaan"], after["Laporan petugas belum diperiksa"]) == (0, 0)
    assert after["Kecamatan tanpa KIM aktif"] == 3
    screenshot(page, "staf-pagi-8-kotak-masuk-sesudah")
    assert headline(public, base) == "14 dari 17 kecamatan sudah memiliki KIM"
    screenshot(public, "staf-pagi-9-dasbor-publik")
    double.refresh_from_db()
    report.refresh_from_db()
    assert (double.review_status, report.review_status) == (Kim.Review.REFUSED, FieldReport.Review.ACCEPTED)
    assert proposal in Kim.objects.active_on(timezone.localdate())

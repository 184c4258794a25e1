"""Citizens raise their hand on /membentuk-kim/ (coverage.models.Wish): the form, its refusals, the
public demand ("Ada minat warga"), staff's follow-up and the erasure of contacts."""

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from coverage.models import OutreachEvent, Wish
from kimportal.demo import WISH_DESA
from registry.models import Desa

from ..factories import make_desa, make_kabupaten, make_kecamatan, make_kim, make_wish

# Desa Patai of Kecamatan Cempaga: Cempaga has no KIM in the demo.
PATAI = "62.02.02.2005"
CEMPAGA = "62.02.02"


def sent():
    """The wishes this test sent (the demo has two of its own in Desa Tangar)."""
    return Wish.objects.exclude(desa__code=WISH_DESA)


def form(**changes):
    data = {
        "name": "Siti Aminah",
        "desa": PATAI,
        "phone": "0812 3456 7890",
        "email": "",
        "role": "karang_taruna",
        "people": "12",
        "message": "Kami bisa berkumpul setiap Jumat sore.",
        "consent": "on",
        "website": "",
    }
    return {**data, **changes}


def send(client, data, *, address="198.51.100.7", path="/membentuk-kim/"):
    return client.post(path, data, REMOTE_ADDR=address)


@pytest.fixture
def patai(demo):
    return Desa.objects.get(code=PATAI)


def test_a_citizen_sends_the_form_and_reads_a_receipt_number(client, patai):
    response = send(client, form())
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    wish = sent().get()
    assert wish.receipt.startswith(f"MNT-{timezone.localdate():%Y}-")
    assert wish.receipt in page and "Terima kasih, minat Anda sudah kami terima." in page
    assert (wish.desa, wish.phone, wish.people, wish.awaits_decision) == (patai, "081234567890", 12, True)


def test_the_form_says_what_is_kept_why_for_how_long_and_who_sees_it_and_asks_consent(client, demo):
    page = client.get("/membentuk-kim/").content.decode()
    for words in ["Yang disimpan:", "Untuk apa:", "Siapa yang melihat:", "dihapus 12 bulan setelah dikirim"]:
        assert words in page
    assert 'name="consent"' in page and "Pelindungan Data Pribadi" in page


def test_a_desa_link_chooses_the_desa_and_a_kecamatan_link_offers_only_its_desa(client, patai):
    chosen = client.get(f"/membentuk-kim/?desa={PATAI}").content.decode()
    assert f'<option value="{PATAI}" selected>' in chosen
    offered = client.get(f"/membentuk-kim/?kecamatan={CEMPAGA}").content.decode()
    assert PATAI in offered and "62.02.04." not in offered  # no desa of Parenggean


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"name": "", "desa": "", "phone": "", "role": "", "people": "", "consent": ""},
            "Bidang ini tidak boleh kosong",
        ),
        ({"name": "x" * 101}, "paling banyak 100 karakter"),
        ({"message": "x" * 1001}, "paling banyak 1000 karakter"),
        ({"desa": "99.99.99.9999"}, "Desa/kelurahan tidak dikenal. Pilih dari daftar."),
        ({"phone": "bukan nomor"}, "Nomor telepon/WhatsApp tidak dikenali."),
        ({"phone": "12345"}, "Nomor telepon/WhatsApp tidak dikenali."),
        ({"phone": "", "email": ""}, "Isi nomor telepon/WhatsApp atau e-mail (salah satu cukup)."),
        ({"email": "siti@"}, "alamat email yang valid"),
        ({"people": "0"}, "lebih besar dari atau sama dengan 1"),
        ({"people": "100000"}, "lebih kecil dari atau sama dengan 1000"),
        ({"consent": ""}, "Centang persetujuan agar kami boleh menyimpan kontak Anda."),
        ({"role": "presiden"}, "Masukkan pilihan yang valid"),
    ],
)
def test_bad_input_gets_a_clear_indonesian_message_and_stores_nothing(client, demo, changes, message):
    response = send(client, form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not sent().exists()


def test_a_desa_outside_the_portals_region_is_refused(client, demo):
    outside = make_desa(kecamatan=make_kecamatan(kabupaten=make_kabupaten(code="62.06", name="Kabupaten Katingan")))
    response = send(client, form(desa=outside.code))
    assert "Desa/kelurahan ini berada di luar wilayah portal ini." in response.content.decode()
    assert not sent().exists()


def test_a_form_posted_twice_is_stored_once_with_one_receipt(client, patai):
    first, again = send(client, form()), send(client, form())
    assert first["Location"] == again["Location"]
    assert sent().count() == 1


def test_a_filled_honeypot_is_refused_quietly(client, patai):
    response = send(client, form(website="http://spam.example"))
    assert response.status_code == 400
    assert "Kiriman tidak dapat diproses." in response.content.decode()
    assert not sent().exists()


def test_many_posts_from_one_address_are_refused_after_the_limit(client, patai, settings):
    settings.WISH_RATE_LIMIT = 5
    statuses = [send(client, form(people=str(n + 1))).status_code for n in range(40)]
    assert statuses[:5] == [302] * 5 and set(statuses[5:]) == {429}
    assert sent().count() == 5
    assert send(client, form(people="99"), address="198.51.100.8").status_code == 302  # another address


def test_a_post_without_the_csrf_token_is_refused(patai):
    response = Client(enforce_csrf_checks=True).post("/membentuk-kim/", form())
    assert response.status_code == 403
    assert not sent().exists()


def test_the_address_is_never_stored_nor_logged(client, patai, caplog):
    with caplog.at_level(logging.DEBUG):
        send(client, form(), address="203.0.113.77")
        send(client, form(website="x"), address="203.0.113.77")
    assert "203.0.113.77" not in caplog.text
    assert "203.0.113.77" not in str(list(Wish.objects.values()))


def test_the_form_page_is_never_kept_in_the_page_cache(client, demo):
    first, second = client.get("/membentuk-kim/"), client.get("/membentuk-kim/")
    assert "private" in first["Cache-Control"] and "ETag" not in first
    assert second.get("X-Cache") != "hit"


def test_the_kecamatan_page_shows_how_many_want_a_kim_never_who(client, patai):
    before = client.get(f"/kecamatan/{CEMPAGA}/").content.decode()
    make_wish(desa=patai, name="Siti Aminah")
    make_wish(desa=patai, name="Yohanes")
    make_wish(desa=patai, name="Ditolak", review_status=Wish.Review.REFUSED, review_reason="Ganda")
    page = client.get(f"/kecamatan/{CEMPAGA}/").content.decode()
    assert "Ada minat warga" not in before
    assert "Ada minat warga: 2" in page and f"/membentuk-kim/?desa={PATAI}#minat" in page
    assert "Siti Aminah" not in page and "081234567890" not in page


def test_a_desa_with_an_active_kim_shows_no_demand(client, patai):
    make_wish(desa=patai)
    make_kim(desa=patai, name="KIM Patai Maju", formed_on=timezone.localdate() - timedelta(days=10))
    page = client.get(f"/kecamatan/{CEMPAGA}/").content.decode()
    assert "Ada minat warga" not in page


def test_the_desa_open_data_counts_open_wishes_of_desa_without_kim(client, patai):
    make_wish(desa=patai)
    response = client.get("/data/desa-coverage.json")
    rows = {row["code"]: row for row in json.loads(b"".join(response.streaming_content))["desa"]}
    assert rows[PATAI]["wishes_open"] == 1
    assert rows["62.02.04.2001"]["wishes_open"] == 0


def test_the_dashboard_says_what_a_kim_is_and_links_uncovered_kecamatan_to_the_form(client, demo):
    page = client.get("/").content.decode()
    assert "<strong>Komunitas Informasi Masyarakat (KIM)</strong> adalah" in page
    assert "<strong>Community Information Group" in client.get("/en/").content.decode()
    assert f"/membentuk-kim/?kecamatan={CEMPAGA}#minat" in page


def test_retention_erases_old_contacts_and_keeps_the_wish(patai, settings):
    settings.WISH_RETENTION_MONTHS = 12
    old = make_wish(
        desa=patai, name="Lama", email="lama@contoh.invalid", created_at=timezone.now() - timedelta(days=370)
    )
    young = make_wish(desa=patai, name="Baru", created_at=timezone.now() - timedelta(days=300))
    out = StringIO()
    call_command("erase_wish_contacts", stdout=out)
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.name, old.phone, old.email, old.message, old.digest) == ("", "", "", "", None)
    assert old.contact_erased_at is not None and old.desa == patai and old.people == 5
    assert young.name == "Baru" and young.phone
    assert out.getvalue().startswith("1 wish contact(s)")


def test_staff_erase_a_contact_on_request(staff_client, patai):
    wish = make_wish(desa=patai, name="Minta Dihapus")
    response = staff_client.post(
        "/admin/coverage/wish/", {"action": "erase_contact", "_selected_action": [wish.pk]}, follow=True
    )
    wish.refresh_from_db()
    assert "minatnya tetap tercatat" in response.content.decode()
    assert (wish.name, wish.phone, wish.has_contact) == ("", "", False)


def test_staff_plan_a_sosialisasi_from_a_wish_in_one_step(staff_client, patai):
    wish = make_wish(desa=patai)
    change = staff_client.get(f"/admin/coverage/wish/{wish.pk}/change/").content.decode()
    link = change.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    form_page = staff_client.get(link)
    initial = form_page.context["adminform"].form.initial
    assert (initial["kecamatan"], initial["desa"], initial["kind"]) == (
        str(patai.kecamatan_id),
        str(patai.pk),
        OutreachEvent.Kind.SOSIALISASI,
    )
    day = timezone.localdate() + timedelta(days=14)
    staff_client.post(
        link,
        {
            "title": initial["title"],
            "kind": "sosialisasi",
            "status": "planned",
            "starts_at_0": day.strftime("%d-%m-%Y"),
            "starts_at_1": "09:00",
            "kecamatan": patai.kecamatan_id,
            "desa": patai.pk,
        },
    )
    wish.refresh_from_db()
    assert wish.event is not None and wish.event.desa == patai
    assert wish.is_accepted


def test_a_wish_is_refused_with_a_reason_like_everything_staff_review(staff_client, patai):
    wish = make_wish(desa=patai)
    staff_client.post(f"/admin/coverage/wish/{wish.pk}/keputusan/", {"decision": "refuse", "reason": "Kiriman uji"})
    wish.refresh_from_db()
    assert (wish.is_refused, wish.review_reason) == (True, "Kiriman uji")


def test_the_demo_shows_demand_in_mentaya_hulu_and_real_looking_contact_details_are_examples(client, demo):
    page = client.get("/kecamatan/62.02.03/").content.decode()
    assert "Ada minat warga: 2" in page
    assert all("(contoh)" in wish.name for wish in Wish.objects.filter(desa__code=WISH_DESA))

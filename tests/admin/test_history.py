"""A KIM's history page tells its story in Indonesian: who changed what, when and why.

Sari (staff) edits KIM Harapan on its page, its pengurus inline, imports a list and decides
on a field officer's proposal; every change reads on the KIM's history page as people say it:
field labels, old → new values as the form shows them, dates in Indonesian, "(kosong)" for
nothing, and the reason she gave.
"""

import re
import tracemalloc
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Desa, Kim, KimActivity, Pengurus

from ..factories import make_kim, make_pengurus, make_tier


def history_text(client, kim, **params):
    """The visible text of the KIM's history page, tags dropped and spaces collapsed."""
    html = client.get(reverse("admin:registry_kim_history", args=[kim.pk]), params).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&nbsp;", " ", html)).replace("&rarr;", "→").replace("&#x27;", "'")


def change_form(kim, members=(), activities=(), **fields):
    """The KIM's change form as posted; `members` are (pengurus or None, name, role, delete),
    `activities` (date, kind, note) new activity entries."""
    data = {
        "name": kim.name,
        "desa": kim.desa_id,
        "tier": kim.tier_id or "",
        "formed_on": kim.formed_on.isoformat(),
        "pengurus-TOTAL_FORMS": str(len(members)),
        "pengurus-INITIAL_FORMS": str(sum(1 for member, *_ in members if member)),
        "pengurus-MIN_NUM_FORMS": "0",
        "pengurus-MAX_NUM_FORMS": "1000",
        "activities-TOTAL_FORMS": str(len(activities)),
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, (member, name, role, delete) in enumerate(members):
        data |= {f"pengurus-{index}-name": name, f"pengurus-{index}-role": role, f"pengurus-{index}-phone": ""}
        data[f"pengurus-{index}-kim"] = kim.pk
        if member:
            data[f"pengurus-{index}-id"] = member.pk
        if delete:
            data[f"pengurus-{index}-DELETE"] = "on"
    for index, (day, kind, note) in enumerate(activities):
        data |= {f"activities-{index}-date": day, f"activities-{index}-kind": kind, f"activities-{index}-note": note}
        data |= {f"activities-{index}-link": "", f"activities-{index}-kim": kim.pk}
    return data


def save(client, kim, data):
    response = client.post(reverse("admin:registry_kim_change", args=[kim.pk]), data)
    errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert response.status_code == 302, errors


def test_a_change_reads_with_labels_indonesian_dates_choice_labels_and_kosong(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan", formed_on=date(2021, 9, 14))
    data = change_form(
        kim,
        tier=make_tier(name="Madya").pk,
        formed_on="2022-03-01",
        sk_number="7/2022",
        sk_date="2022-02-20",
        sk_issued_by=Kim.SkIssuer.LURAH,
        history_reason="SK baru dari lurah",
    )
    save(staff_client, kim, data)
    history = history_text(staff_client, kim)
    assert "Tingkatan: (kosong) → Madya" in history
    assert "Tanggal terbentuk: 14 September 2021 → 1 Maret 2022" in history
    assert "SK ditetapkan oleh: (kosong) → Lurah" in history
    assert "Tanggal SK: (kosong) → 20 Februari 2022" in history
    assert "Diubah sari SK baru dari lurah" in history  # what, who, why


def test_a_kim_moved_to_another_desa_names_both_with_their_kecamatan(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    tehang = Desa.objects.get(kecamatan__name="Parenggean", name="Tehang")
    save(staff_client, kim, change_form(kim, desa=tehang.pk))
    assert "Desa/kelurahan: Parenggean — Parenggean → Tehang — Parenggean" in history_text(staff_client, kim)


def test_the_history_never_says_none_or_speaks_english(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    save(staff_client, kim, change_form(kim, sk_number="12/2022", sk_date="2022-02-01"))
    save(staff_client, kim, change_form(kim, sk_number="", sk_date=""))
    history = history_text(staff_client, kim)
    assert "Nomor SK: 12/2022 → (kosong)" in history
    assert "Riwayat perubahan: KIM Harapan" in history
    assert not re.search(r"\bNone\b|Changes|Change history|Created|Changed", history)


def test_pengurus_added_changed_and_removed_on_the_kims_page_appear_in_its_history(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    tono = make_pengurus(kim=kim, name="Tono (uji)", role=Pengurus.Role.ANGGOTA)
    dodi = make_pengurus(kim=kim, name="Dodi (uji)", role=Pengurus.Role.BENDAHARA)
    members = [
        (tono, "Tono (uji)", Pengurus.Role.SEKRETARIS, False),
        (dodi, "Dodi (uji)", Pengurus.Role.BENDAHARA, True),
        (None, "Wati (uji)", Pengurus.Role.KETUA, False),
    ]
    save(staff_client, kim, change_form(kim, members, history_reason="Hasil rapat anggota Mei"))
    history = history_text(staff_client, kim)
    assert "Pengurus: Tono (uji) (Sekretaris) " in history and "Jabatan: Anggota → Sekretaris" in history
    assert "Pengurus: Dodi (uji) (Bendahara) " in history and " Dihapus sari Hasil rapat anggota Mei" in history
    assert "Pengurus: Wati (uji) (Ketua) " in history and " Dibuat sari Hasil rapat anggota Mei" in history


def test_an_activity_entry_added_on_the_kims_page_appears_in_its_history(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    activities = [("2026-01-15", KimActivity.Kind.MEETING, "Rapat anggota")]
    save(staff_client, kim, change_form(kim, activities=activities, history_reason="Laporan rapat"))
    assert "Aktivitas KIM: KIM Harapan · Pertemuan · 15-01-2026" in history_text(staff_client, kim)


def test_an_imported_kim_and_its_pengurus_say_which_file_they_came_from(staff_client, kotim):
    rows = "kode_desa;nama;tanggal_terbentuk;ketua\r\n62.02.04.1004;KIM Harapan;2022-03-24;Wati (uji)\r\n"
    upload = SimpleUploadedFile("daftar-kim-2022.csv", ("\ufeff" + rows).encode())
    preview = staff_client.post("/admin/registry/kim/import/", {"format": "0", "import_file": upload})
    html = preview.content.decode()
    fields = {
        name: html.split(f'name="{name}" value="')[1].split('"')[0]
        for name in ("import_file_name", "original_file_name", "format")
    }
    staff_client.post("/admin/registry/kim/process_import/", {**fields, "resource": ""})
    history = history_text(staff_client, Kim.objects.get(name="KIM Harapan"))
    assert history.count("Dibuat sari Diimpor dari daftar-kim-2022.csv") == 2  # the KIM and its ketua


def test_a_refusal_reads_with_who_and_the_reason(client, diskominfo_admin, officer_parenggean, parenggean):
    desa = parenggean.desa.order_by("code").first()
    kim = make_kim(desa=desa, name="KIM Usulan", review_status=Kim.Review.WAITING, proposed_by=officer_parenggean)
    client.force_login(diskominfo_admin)
    decision = reverse("admin:registry_kim_decision", args=[kim.pk])
    client.post(decision, {"decision": "refuse", "reason": "Nama sama dengan KIM lain."})
    history = history_text(client, kim)
    assert "Pemeriksaan: Menunggu pemeriksaan → Ditolak" in history
    assert "Diubah dewi ditolak: Nama sama dengan KIM lain." in history


def test_huge_text_stored_before_the_limits_keeps_the_history_page_small(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    Kim.objects.filter(pk=kim.pk).update(notes="a" * 2_000_000)  # a row from before the 5,000-character limit
    kim.refresh_from_db()
    kim.save()  # its history now holds the 2 MB note
    Kim.objects.filter(pk=kim.pk).update(notes="b" + "a" * 2_000_000)
    kim.refresh_from_db()
    kim.save()
    response = staff_client.get(reverse("admin:registry_kim_history", args=[kim.pk]))
    assert len(response.content) < 60_000
    assert "karakter tidak ditampilkan" in response.content.decode()


def test_a_kims_page_and_its_revert_page_show_no_more_text_than_the_field_accepts(staff_client, kotim):
    """A 2 MB note from before the 5,000-character limit: the KIM's page and the history's revert
    page show its first 5,000 characters and say so; saving the form keeps those."""
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    Kim.objects.filter(pk=kim.pk).update(notes="b" * 10 + "a" * 2_000_000)
    kim.refresh_from_db()
    kim.save()
    version = kim.history.order_by("-history_id").first()
    change = staff_client.get(reverse("admin:registry_kim_change", args=[kim.pk]))
    revert = staff_client.get(reverse("admin:registry_kim_simple_history", args=[kim.pk, version.history_id]))

    for response in (change, revert):
        html = response.content.decode()
        assert response.status_code == 200 and len(html) < 200_000
        assert "Tersimpan 2.000.010 karakter, lebih dari batas 5.000" in html
    form_class = change.context["adminform"].form.__class__
    data = {name: value for name, value in form_class(instance=kim).initial.items() if value is not None}
    form = form_class(data, instance=kim)
    assert form.is_valid(), form.errors
    form.save()
    kim.refresh_from_db()
    assert kim.notes == "b" * 10 + "a" * (Kim.NOTES_MAX - 10)


def test_a_page_of_history_holds_only_its_own_versions_in_memory(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Harapan")
    note = "catatan lama " * 4_000  # 48 KB, stored before the 5,000-character limit
    for version in range(150):  # 7 MB of history
        Kim.objects.filter(pk=kim.pk).update(notes=f"{version} {note}")
        kim.refresh_from_db()
        kim.save()
    url = reverse("admin:registry_kim_history", args=[kim.pk])
    tracemalloc.start()
    try:
        response = staff_client.get(url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 4_000_000  # 26 versions of 48 KB, not 150


def test_the_history_page_reads_a_fixed_number_of_queries_however_long_the_history(staff_client, kotim):
    kim = make_kim(desa=Desa.objects.get(code="62.02.04.1004"), name="KIM Ramai")

    def grow(n):
        for i in range(n):
            member = make_pengurus(kim=kim, name=f"Pengurus {i} (uji)")
            member.name += " baru"
            member.save()
            kim.address = f"Jalan {i}"
            kim.save()
            activity = KimActivity.objects.create(
                kim=kim, date=date(2026, 1, 1 + i % 28), kind=KimActivity.Kind.MEETING
            )
            activity.note = "Rapat"
            activity.save()

    grow(2)
    url = reverse("admin:registry_kim_history", args=[kim.pk])
    staff_client.get(url)  # the process's first history page also caches its content types: not counted
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    grow(30)  # more than two pages of history (25 records each)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(url)
        staff_client.get(url, {"p": 2})
    assert len(many) == 2 * len(few)

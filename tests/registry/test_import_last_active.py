"""Staff import KIM with the day each was last known to be active (column terakhir_aktif), and an
old KIM imported without it is not declared vakum on the day it arrives (registry.vitality)."""

import io
from datetime import date, timedelta

import openpyxl
import tablib
from django.contrib.auth.models import Group
from django.utils import timezone

from coverage.inbox import staff_inbox
from registry.models import Kim, KimActivity
from registry.resources import KimResource
from registry.vitality import Vitality

from ..factories import make_user

HEADER = "kode_desa,nama,tanggal_terbentuk,terakhir_aktif\n"


def import_csv(text, user=None):
    return KimResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False, user=user)


def imported_entries(name):
    return list(KimActivity.objects.filter(kim__name=name, kind=KimActivity.IMPORTED).values_list("date", flat=True))


def vitality_today(name):
    return Kim.objects.with_vitality(timezone.localdate()).get(name=name).vitality


def test_a_last_activity_date_becomes_one_accepted_diimpor_entry_by_the_importing_staff(kotim, staff):
    import_csv(HEADER + "62.02.04.1004,KIM Lama,2019-05-01,14/02/2025\n", user=staff)
    entry = KimActivity.objects.get(kim__name="KIM Lama")
    assert (entry.date, entry.get_kind_display(), entry.entered_by) == (
        date(2025, 2, 14),
        "Diimpor (terakhir aktif menurut daftar)",
        staff,
    )
    assert entry.is_accepted


def test_importing_the_same_file_again_adds_no_second_entry_and_changes_nothing(kotim):
    text = HEADER + "62.02.04.1004,KIM Lama,2019-05-01,14-02-2025\n"
    import_csv(text)
    again = import_csv(text)
    assert [row.import_type for row in again.rows] == ["skip"]
    assert imported_entries("KIM Lama") == [date(2025, 2, 14)]


def test_a_later_date_in_a_new_list_is_recorded_and_an_earlier_one_is_not(kotim):
    import_csv(HEADER + "62.02.04.1004,KIM Lama,2019-05-01,2025-02-14\n")
    import_csv(HEADER + "62.02.04.1004,KIM Lama,2019-05-01,2024-01-01\n")  # older than what the portal knows
    import_csv(HEADER + "62.02.04.1004,KIM Lama,2019-05-01,2025-06-30\n")
    assert imported_entries("KIM Lama") == [date(2025, 6, 30), date(2025, 2, 14)]


def test_an_xlsx_date_cell_works_for_terakhir_aktif(kotim):
    dataset = tablib.Dataset(headers=HEADER.strip().split(","))
    dataset.append(["62.02.04.1004", "KIM Excel", date(2019, 5, 1), date(2024, 8, 17)])
    KimResource().import_data(tablib.Dataset().load(dataset.export("xlsx"), format="xlsx"), dry_run=False)
    assert imported_entries("KIM Excel") == [date(2024, 8, 17)]


def row_messages(text):
    result = KimResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)
    return [
        (column, str(e)) for row in result.invalid_rows for column, errors in row.error_dict.items() for e in errors
    ]


def test_a_last_activity_in_the_future_or_before_the_kim_was_formed_is_refused_on_its_column(kotim):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert row_messages(HEADER + f"62.02.04.1004,KIM A,2019-05-01,{tomorrow}\n") == [
        ("terakhir_aktif", "Tanggal terakhir aktif tidak boleh di masa depan.")
    ]
    assert row_messages(HEADER + "62.02.04.1004,KIM A,2019-05-01,2018-12-31\n") == [
        ("terakhir_aktif", "Tanggal terakhir aktif tidak boleh sebelum tanggal_terbentuk (01-05-2019).")
    ]
    assert row_messages(HEADER + "62.02.04.1004,KIM A,2019-05-01,kemarin\n")[0][0] == "terakhir_aktif"
    assert not Kim.objects.exists() and not KimActivity.objects.exists()


def kotim_staff():
    dewi = make_user(username="dewi", is_staff=True)
    dewi.groups.add(Group.objects.get(name="Admin Diskominfo"))
    return dewi


def quiet_in_inbox(user):
    return {item.key: item.count for item in staff_inbox(user=user, on=timezone.localdate())}["kim_quiet"]


def test_importing_five_old_kim_without_a_last_activity_does_not_move_the_inbox_vakum_count(kotim):
    dewi = kotim_staff()
    before = quiet_in_inbox(dewi)
    desa = kotim.kecamatan.get(code="62.02.04").desa.order_by("code")[:5]
    import_csv("kode_desa,nama,tanggal_terbentuk\n" + "".join(f"{d.code},KIM Lama {d.code},2018-03-01\n" for d in desa))
    assert Kim.objects.count() == 5
    assert quiet_in_inbox(dewi) == before
    assert vitality_today(f"KIM Lama {desa[0].code}") == Vitality.ACTIVE


def test_a_kim_imported_with_a_last_activity_long_ago_is_vakum_at_once(kotim):
    import_csv(HEADER + "62.02.04.1004,KIM Tidur,2018-03-01,2020-06-01\n")
    assert vitality_today("KIM Tidur") == Vitality.QUIET


def test_a_kim_imported_without_a_last_activity_is_vakum_once_the_portal_has_watched_it_six_months(kotim):
    import_csv("kode_desa,nama,tanggal_terbentuk\n62.02.04.1004,KIM Diam,2018-03-01\n")
    later = timezone.localdate() + timedelta(days=186)
    assert Kim.objects.with_vitality(later).get(name="KIM Diam").vitality == Vitality.QUIET


def test_the_export_gives_the_last_sign_of_life_and_importing_it_changes_nothing(kotim):
    import_csv(HEADER + "62.02.04.1004,KIM Lama,2019-05-01,2025-02-14\n")
    exported = KimResource().export()
    assert exported.dict[0]["terakhir_aktif"] == "2025-02-14"
    again = KimResource().import_data(tablib.Dataset().load(exported.export("csv"), format="csv"), dry_run=False)
    assert [row.import_type for row in again.rows] == ["skip"]
    assert KimActivity.objects.count() == 1


def test_the_csv_and_xlsx_templates_carry_the_terakhir_aktif_column(staff_client, kotim):
    csv_header = staff_client.get("/admin/registry/kim/import/templat.csv").content.decode("utf-8-sig")
    assert "terakhir_aktif" in csv_header.splitlines()[0].split(";")
    book = openpyxl.load_workbook(io.BytesIO(staff_client.get("/admin/registry/kim/import/templat.xlsx").content))
    assert "terakhir_aktif" in next(book["KIM"].iter_rows(values_only=True))
    assert ("terakhir_aktif", "tidak") in [row[:2] for row in book["Petunjuk"].iter_rows(values_only=True)]


def test_a_ketua_name_too_long_is_refused_on_its_column(kotim):
    text = "kode_desa,nama,tanggal_terbentuk,ketua\n62.02.04.1004,KIM A,2019-05-01," + "x" * 300 + "\n"
    assert [column for column, _message in row_messages(text)] == ["ketua"]

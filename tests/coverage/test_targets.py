"""Desa coverage against the yearly target, and whether this year's pace reaches it."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coverage.models import DesaTarget
from coverage.targets import all_targets, desa_target_progress

from ..factories import make_desa, make_kabupaten, make_kecamatan, make_kim


def make_target(*, kabupaten, year, percent, kecamatan=None):
    target = DesaTarget(kabupaten=kabupaten, kecamatan=kecamatan, year=year, target_percent=Decimal(percent))
    target.full_clean()
    target.save()
    return target


@pytest.fixture
def ten_desa(db):
    """A kabupaten of one kecamatan with ten desa; KIM in two of them since 2023."""
    kabupaten = make_kabupaten()
    kecamatan = make_kecamatan(kabupaten=kabupaten)
    desa = [make_desa(kecamatan=kecamatan) for _ in range(10)]
    make_kim(desa=desa[0], formed_on=date(2023, 5, 1))
    make_kim(desa=desa[1], formed_on=date(2023, 6, 1))
    return kabupaten, kecamatan, desa


def test_no_target_means_no_progress_to_show(ten_desa):
    kabupaten, _kecamatan, _desa = ten_desa
    assert desa_target_progress(kabupaten=kabupaten, on=date(2024, 6, 30)) is None


def test_progress_shows_share_and_desa_still_needed(ten_desa):
    kabupaten, _kecamatan, desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    make_kim(desa=desa[2], formed_on=date(2024, 3, 1))
    progress = desa_target_progress(kabupaten=kabupaten, on=date(2024, 6, 30))
    assert (progress.desa_covered, progress.share, progress.target_desa) == (3, 30.0, 5)
    assert progress.still_needed == 2
    assert progress.newly_covered == 1


def test_a_pace_of_one_desa_in_half_a_year_does_not_reach_two_more(ten_desa):
    kabupaten, _kecamatan, desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    make_kim(desa=desa[2], formed_on=date(2024, 3, 1))
    progress = desa_target_progress(kabupaten=kabupaten, on=date(2024, 7, 1))
    assert progress.projected_year_end == 4
    assert not progress.on_pace


def test_a_pace_of_two_desa_in_half_a_year_reaches_the_target(ten_desa):
    kabupaten, _kecamatan, desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    make_kim(desa=desa[2], formed_on=date(2024, 2, 1))
    make_kim(desa=desa[3], formed_on=date(2024, 3, 1))
    progress = desa_target_progress(kabupaten=kabupaten, on=date(2024, 7, 1))
    assert progress.projected_year_end == 6
    assert progress.on_pace


def test_a_second_kim_in_a_covered_desa_does_not_count_twice(ten_desa):
    kabupaten, _kecamatan, desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="20")
    make_kim(desa=desa[0], formed_on=date(2024, 2, 1))
    progress = desa_target_progress(kabupaten=kabupaten, on=date(2024, 7, 1))
    assert (progress.desa_covered, progress.newly_covered, progress.reached) == (2, 0, True)


def test_a_kecamatan_target_counts_only_its_desa(ten_desa):
    kabupaten, kecamatan, _desa = ten_desa
    other = make_kecamatan(kabupaten=kabupaten)
    make_kim(desa=make_desa(kecamatan=other), formed_on=date(2023, 1, 1))
    make_target(kabupaten=kabupaten, kecamatan=kecamatan, year=2024, percent="100")
    progress = desa_target_progress(kabupaten=kabupaten, kecamatan=kecamatan, on=date(2024, 7, 1))
    assert (progress.desa_covered, progress.desa_total, progress.still_needed) == (2, 10, 8)


def test_a_target_outside_0_to_100_percent_or_a_year_out_of_range_is_refused(ten_desa):
    kabupaten, _kecamatan, _desa = ten_desa
    for year, percent in [(2024, "0"), (2024, "100.1"), (1999, "50"), (9999, "50")]:
        with pytest.raises(ValidationError):
            make_target(kabupaten=kabupaten, year=year, percent=percent)
    assert DesaTarget.objects.count() == 0


def test_one_kabupaten_target_per_year(ten_desa):
    kabupaten, _kecamatan, _desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    with pytest.raises(ValidationError):
        make_target(kabupaten=kabupaten, year=2024, percent="60")


def test_a_kecamatan_of_another_kabupaten_is_refused(ten_desa):
    kabupaten, _kecamatan, _desa = ten_desa
    elsewhere = make_kecamatan(kabupaten=make_kabupaten(code="62.03", name="Kapuas"))
    with pytest.raises(ValidationError) as error:
        make_target(kabupaten=kabupaten, kecamatan=elsewhere, year=2024, percent="50")
    assert "kecamatan" in error.value.message_dict


def test_all_targets_judge_past_years_on_31_december(ten_desa):
    kabupaten, kecamatan, desa = ten_desa
    make_target(kabupaten=kabupaten, year=2023, percent="20")
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    make_target(kabupaten=kabupaten, kecamatan=kecamatan, year=2024, percent="40")
    make_kim(desa=desa[2], formed_on=date(2024, 3, 1))
    rows = all_targets(kabupaten=kabupaten, today=date(2024, 7, 1))
    assert [(r.year, r.scope_code, r.on, r.desa_covered, r.share) for r in rows] == [
        (2023, kabupaten.code, date(2023, 12, 31), 2, 20.0),
        (2024, kabupaten.code, date(2024, 7, 1), 3, 30.0),
        (2024, kecamatan.code, date(2024, 7, 1), 3, 30.0),
    ]


def test_progress_costs_the_same_queries_with_many_desa_and_kim(ten_desa, django_assert_num_queries):
    kabupaten, kecamatan, _desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    for _ in range(30):
        make_kim(desa=make_desa(kecamatan=kecamatan), formed_on=date(2024, 2, 1))
    with django_assert_num_queries(4):
        desa_target_progress(kabupaten=kabupaten, on=date(2024, 7, 1))


def test_the_dashboard_shows_the_target_of_the_year(ten_desa, client):
    kabupaten, _kecamatan, _desa = ten_desa
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    page = client.get("/?tanggal=2024-07-01").content.decode()
    assert "Target desa/kelurahan ber-KIM 2024" in page
    assert "Masih diperlukan" in page


def test_the_kecamatan_page_lists_desa_without_a_kim_first(ten_desa, client):
    _kabupaten, kecamatan, desa = ten_desa
    page = client.get(f"/kecamatan/{kecamatan.code}/").content.decode()
    table = page[page.index('id="desa"') :]
    assert table.index(desa[9].name + " ") < table.index(desa[0].name + " ")


def test_coverage_json_names_this_years_desa_target_or_null(ten_desa, client):
    import json

    kabupaten, _kecamatan, _desa = ten_desa
    before = json.loads(b"".join(client.get("/data/coverage.json?tanggal=2024-07-01").streaming_content))
    make_target(kabupaten=kabupaten, year=2024, percent="50")
    after = json.loads(b"".join(client.get("/data/coverage.json?tanggal=2024-07-01").streaming_content))
    assert (before["desa_target"], before["desa_target_year"]) == (None, None)
    assert (after["desa_target"], after["desa_target_year"]) == (50.0, 2024)


def test_the_targets_dataset_lists_each_target_with_its_actual_share(ten_desa, client):
    import json

    kabupaten, _kecamatan, _desa = ten_desa
    make_target(kabupaten=kabupaten, year=2023, percent="20")
    data = json.loads(b"".join(client.get("/data/targets.json").streaming_content))
    assert data["targets"] == [
        {
            "year": 2023,
            "scope_code": kabupaten.code,
            "scope_name": str(kabupaten),
            "target_percent": 20.0,
            "as_of": "2023-12-31",
            "desa_total": 10,
            "desa_covered": 2,
            "actual_percent": 20.0,
            "scope_code_kemendagri": kabupaten.code.replace(".", ""),
        }
    ]


def test_staff_changing_a_target_leave_who_when_and_why_in_its_history(ten_desa, staff_client, staff):
    from django.urls import reverse

    kabupaten, _, _ = ten_desa
    target = make_target(kabupaten=kabupaten, year=2024, percent=20)
    form = {"year": 2024, "kabupaten": kabupaten.pk, "kecamatan": "", "target_percent": "35.0", "note": ""}
    form["history_reason"] = "Surat Kepala Dinas 045/123"
    response = staff_client.post(reverse("admin:coverage_desatarget_change", args=[target.pk]), form)
    assert response.status_code == 302
    latest = target.history.latest()
    assert (latest.history_user, latest.target_percent, latest.history_change_reason) == (
        staff,
        Decimal("35.0"),
        "Surat Kepala Dinas 045/123",
    )
    assert latest.prev_record.target_percent == Decimal(20)


def test_a_targets_history_page_in_the_admin_says_who_changed_what_in_indonesian(ten_desa, staff_client, staff):
    from django.urls import reverse

    kabupaten, _, _ = ten_desa
    target = make_target(kabupaten=kabupaten, year=2024, percent=20)
    target.target_percent, target._change_reason = Decimal(35), "Rapat evaluasi Juni"
    target.save()
    target.history.filter(history_user=None).update(history_user=staff)
    page = staff_client.get(reverse("admin:coverage_desatarget_history", args=[target.pk])).content.decode()
    assert "Rapat evaluasi Juni" in page and "sari" in page
    changes = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ").split())
    assert "Alasan perubahan" in changes and "Target (%): 20.0 → 35.0" in changes


def test_admin_diskominfo_may_read_a_targets_history_but_never_rewrite_it(db):
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name="Admin Diskominfo").permissions.values_list("codename", flat=True))
    assert {"change_desatarget", "view_historicaldesatarget"} <= perms
    assert not {"change_historicaldesatarget", "delete_historicaldesatarget"} & perms

"""The stored KIM summary (per kabupaten and month: KIM counting and kecamatan covered at the
month's end) stays equal to the KIM on every write path, and the monthly chart reads it instead of
sweeping over every KIM of the kabupaten (issue 23).

Every database test of the suite also ends with the summary checked against the KIM
(tests/conftest.py summary_checked); these tests name each write path and the rows it must leave.
"""

import random
from datetime import date, timedelta
from io import StringIO

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import EARLIEST_DAY
from core.review import Review
from coverage import queries
from coverage.queries import kecamatan_coverage, monthly_progress
from registry.models import Desa, KecamatanKimSummary, Kim, KimMonthlySummary
from registry.resources import KimResource
from registry.summary import KecamatanMonth, KimMonth, kecamatan_months, kim_months

from ..factories import make_desa, make_kabupaten, make_kecamatan, make_kim, make_user

MARCH, APRIL, MAY = date(2022, 3, 1), date(2022, 4, 1), date(2022, 5, 1)


def rows(kabupaten) -> list[tuple[date, int, int, date]]:
    """(month, active KIM, covered kecamatan, last change) of the kabupaten's stored rows."""
    return list(
        KimMonthlySummary.objects.filter(kabupaten=kabupaten)
        .order_by("month")
        .values_list("month", "active_kim", "covered_kecamatan", "last_change")
    )


@pytest.fixture
def two(db):
    """A kabupaten with two kecamatan of one desa each, and a second kabupaten."""
    kabupaten = make_kabupaten()
    a, b = make_kecamatan(kabupaten=kabupaten), make_kecamatan(kabupaten=kabupaten)
    return make_desa(kecamatan=a), make_desa(kecamatan=b)


def test_each_month_with_a_change_holds_the_kim_counting_and_the_kecamatan_covered_at_its_end():
    formed_and_left = [
        (1, 10, date(2022, 3, 5), None),
        (1, 10, date(2022, 3, 20), date(2022, 5, 2)),
        (1, 11, date(2022, 4, 1), None),
        (1, 12, date(2022, 4, 9), date(2022, 4, 9)),  # inactive the day it was formed: never counts
        (1, 13, date(2022, 5, 9), date(2022, 3, 1)),  # inactive before it was formed (stored so): neither
        (2, 20, date(2022, 5, 31), None),
    ]
    assert sorted(kim_months(formed_and_left)) == [
        KimMonth(1, MARCH, 2, 1, date(2022, 3, 20)),
        KimMonth(1, APRIL, 3, 2, date(2022, 4, 9)),
        KimMonth(1, MAY, 2, 2, date(2022, 5, 9)),
        KimMonth(2, MAY, 1, 1, date(2022, 5, 31)),
    ]


def test_a_kim_recorded_counts_in_its_kabupatens_rows_and_a_proposal_only_once_accepted(two):
    a, b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    proposal = make_kim(desa=b, formed_on=date(2022, 4, 9), review_status=Review.WAITING)
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]
    proposal.verify(by=make_user(is_staff=True))
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5)), (APRIL, 2, 2, date(2022, 4, 9))]


def test_a_kim_made_inactive_changed_and_deleted_changes_the_rows(two):
    a, _b = two
    kim = make_kim(desa=a, formed_on=date(2022, 3, 5))
    kim.inactive_since, kim.inactive_reason = date(2022, 5, 2), "Pengurus pindah"
    kim.save()
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5)), (MAY, 0, 0, date(2022, 5, 2))]
    kim.formed_on = date(2022, 4, 30)
    kim.save(update_fields=["formed_on"])
    assert rows(a.kecamatan.kabupaten) == [(APRIL, 1, 1, date(2022, 4, 30)), (MAY, 0, 0, date(2022, 5, 2))]
    kim.delete()
    assert rows(a.kecamatan.kabupaten) == []


def test_a_save_that_changes_nothing_the_summary_reads_does_not_recompute_it(two):
    a, _b = two
    kim = make_kim(desa=a, formed_on=date(2022, 3, 5))
    kim.name = "KIM Baru"
    with CaptureQueriesContext(connection) as plain:
        kim.save()
    kim.address = "Jl. Baru"
    with CaptureQueriesContext(connection) as named:
        kim.save(update_fields=["address"])
    assert not [q for q in plain.captured_queries if "kimmonthlysummary" in q["sql"]]
    # With update_fields that neither the summary nor the search text reads, not even the KIM's
    # stored dates are read.
    assert not [q for q in named.captured_queries if '"registry_kim"."formed_on"' in q["sql"]]


def test_queryset_update_bulk_create_and_delete_keep_the_rows(two):
    a, b = two
    kabupaten = a.kecamatan.kabupaten
    Kim.objects.bulk_create(
        [Kim(desa=a, name="KIM A", formed_on=date(2022, 3, 5)), Kim(desa=b, name="KIM B", formed_on=date(2022, 4, 1))]
    )
    assert rows(kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5)), (APRIL, 2, 2, date(2022, 4, 1))]
    Kim.objects.filter(name="KIM B").update(review_status=Review.WAITING)
    assert rows(kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]
    Kim.objects.filter(name="KIM A").update(inactive_since=date(2022, 5, 9), inactive_reason="Bubar")
    assert rows(kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5)), (MAY, 0, 0, date(2022, 5, 9))]
    Kim.objects.filter(name="KIM A").delete()
    assert rows(kabupaten) == []


def test_a_kim_moved_to_a_desa_of_another_kabupaten_leaves_one_and_counts_in_the_other(two):
    a, _b = two
    elsewhere = make_desa(kecamatan=make_kecamatan(kabupaten=make_kabupaten(code="62.03", name="Kabupaten Katingan")))
    kim = make_kim(desa=a, formed_on=date(2022, 3, 5))
    Kim.objects.filter(pk=kim.pk).update(desa=elsewhere)
    assert rows(a.kecamatan.kabupaten) == []
    assert rows(elsewhere.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]
    kim.refresh_from_db()
    kim.desa = a
    kim.save()
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]
    assert rows(elsewhere.kecamatan.kabupaten) == []


def test_a_desa_moved_to_another_kecamatan_changes_which_kecamatan_are_covered(two):
    a, b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    make_kim(desa=b, formed_on=date(2022, 4, 1))
    assert rows(a.kecamatan.kabupaten)[-1] == (APRIL, 2, 2, date(2022, 4, 1))
    b.kecamatan = a.kecamatan
    b.save()
    assert rows(a.kecamatan.kabupaten)[-1] == (APRIL, 2, 1, date(2022, 4, 1))


def test_a_kecamatan_moved_to_another_kabupaten_takes_its_kim_along(two):
    a, _b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    before, after = a.kecamatan.kabupaten, make_kabupaten(code="62.03", name="Kabupaten Katingan")
    a.kecamatan.kabupaten = after
    a.kecamatan.save()
    assert rows(before) == [] and rows(after) == [(MARCH, 1, 1, date(2022, 3, 5))]


def test_a_kim_recorded_changed_and_deleted_in_the_admin_keeps_the_rows(staff_client, two):
    a, _b = two
    data = {
        "name": "KIM Mentaya",
        "desa": a.pk,
        "formed_on": "05-03-2022",
        "review_status": Review.ACCEPTED,
        "pengurus-TOTAL_FORMS": "0",
        "pengurus-INITIAL_FORMS": "0",
        "activities-TOTAL_FORMS": "0",
        "activities-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:registry_kim_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    kim = Kim.objects.get()
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]
    change = reverse("admin:registry_kim_change", args=[kim.pk])
    changed = {**data, "inactive_since": "02-05-2022", "inactive_reason": "Pengurus pindah"}
    assert staff_client.post(change, changed).status_code == 302
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5)), (MAY, 0, 0, date(2022, 5, 2))]
    changelist = reverse("admin:registry_kim_changelist")
    staff_client.post(changelist, {"action": "delete_selected", "_selected_action": [kim.pk], "post": "yes"})
    assert not Kim.objects.exists() and rows(a.kecamatan.kabupaten) == []


def check_summary(*args) -> str:
    out = StringIO()
    call_command("check_summary", *args, stdout=out)
    return out.getvalue()


@pytest.mark.summary_unchecked
def test_check_summary_reports_a_corrupted_or_missing_row_and_fix_repairs_it(two):
    a, b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    make_kim(desa=b, formed_on=date(2022, 4, 1))
    KimMonthlySummary.objects.filter(month=MARCH).update(active_kim=7)
    KimMonthlySummary.objects.filter(month=APRIL).delete()
    with pytest.raises(CommandError) as error:
        check_summary()
    assert error.value.returncode == 1
    fixed = check_summary("--fix")
    code = a.kecamatan.kabupaten.code
    assert f"kabupaten {code} 2022-03: stored 7 KIM, 1 kecamatan, last change 2022-03-05, KIM 1 KIM" in fixed
    assert f"kabupaten {code} 2022-04: stored no row, KIM 2 KIM, 2 kecamatan, last change 2022-04-01" in fixed
    assert "KIM summary: 2 difference(s)\nrebuilt from the KIM: 2 row(s)\n" in fixed
    assert KimMonthlySummary.objects.differences() == []
    assert check_summary() == (
        "monthly summary: 0 difference(s)\nKIM summary: 0 difference(s)\nKIM summary per kecamatan: 0 difference(s)\n"
        "KIM search text: 0 difference(s)\n"
    )


def random_kim(kabupaten, seed: int) -> None:
    """Forty KIM over six kecamatan in 2019-2023: some inactive (a few on or before the day they
    were formed), some waiting or refused, a few in the early 1990s and one in year 1."""
    rng = random.Random(seed)
    desa = [make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten)) for _n in range(6)]
    status = [Review.ACCEPTED] * 6 + [Review.WAITING, Review.REFUSED]
    kims = []
    for n in range(40):
        formed = date(2019, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        if n % 13 == 0:
            formed = formed.replace(year=1991)
        inactive = None
        if rng.random() < 0.4:
            inactive = formed + timedelta(days=rng.randrange(-10, 900))
        kims.append(
            Kim(
                desa=rng.choice(desa),
                name=f"KIM {n}",
                formed_on=formed,
                inactive_since=inactive,
                review_status=rng.choice(status),
            )
        )
    kims.append(Kim(desa=desa[0], name="KIM kuno", formed_on=date(1, 1, 1)))
    # Inactive before it was formed (a row stored so before the form's check): it never counts.
    kims.append(Kim(desa=desa[1], name="KIM mundur", formed_on=date(2021, 5, 9), inactive_since=date(2020, 3, 1)))
    Kim.objects.bulk_create(kims)


DAYS = [date(2021, 2, 1), date(2021, 2, 28), date(2022, 6, 15), date(2023, 12, 31), date(2024, 1, 9)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_chart_counts_from_the_summary_what_it_counted_from_every_kim(db, seed, monkeypatch):
    """The chart read from the stored rows equals the sweep over every KIM (coverage.queries'
    own, run with the stored path turned off), on days at a month's start, middle and end."""
    kabupaten = make_kabupaten()
    random_kim(kabupaten, seed)
    charts = {on: monthly_progress(kabupaten=kabupaten, on=on) for on in DAYS}
    # The dashboard's way: the month of `on` from the coverage figures of that day.
    with_coverage = {
        on: monthly_progress(kabupaten=kabupaten, on=on, coverage=kecamatan_coverage(kabupaten=kabupaten, on=on))
        for on in DAYS
    }
    monkeypatch.setattr(queries, "_stored_progress", lambda **kwargs: None)
    swept = {on: monthly_progress(kabupaten=kabupaten, on=on) for on in DAYS}
    assert charts == swept
    assert with_coverage == swept


def test_a_kim_formed_later_in_the_month_is_left_out_of_a_chart_judged_earlier_in_it(two):
    a, b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    make_kim(desa=b, formed_on=date(2022, 3, 20))
    (point,) = [p for p in monthly_progress(kabupaten=a.kecamatan.kabupaten, on=date(2022, 3, 10)) if p.month == MARCH]
    assert (point.active_kim, point.covered_kecamatan) == (1, 1)
    (point,) = [p for p in monthly_progress(kabupaten=a.kecamatan.kabupaten, on=date(2022, 3, 20)) if p.month == MARCH]
    assert (point.active_kim, point.covered_kecamatan) == (2, 2)


def test_given_the_days_coverage_the_chart_judges_a_month_changing_later_without_reading_the_kim(
    two, django_assert_num_queries
):
    a, b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    make_kim(desa=b, formed_on=date(2022, 3, 20))
    kabupaten, on = a.kecamatan.kabupaten, date(2022, 3, 10)
    coverage = kecamatan_coverage(kabupaten=kabupaten, on=on)
    with django_assert_num_queries(2):  # the held events of the months before (this one is the coverage's), the summary
        (point,) = monthly_progress(kabupaten=kabupaten, on=on, coverage=coverage)
    assert (point.month, point.active_kim, point.covered_kecamatan) == (MARCH, 1, 1)
    # The coverage of another day is not taken for this one.
    (point,) = monthly_progress(kabupaten=kabupaten, on=on, coverage=kecamatan_coverage(kabupaten=kabupaten, on=MAY))
    assert (point.active_kim, point.covered_kecamatan) == (1, 1)


def test_the_chart_reads_the_summary_instead_of_the_kabupatens_kim(two, django_assert_num_queries):
    a, _b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    with django_assert_num_queries(2) as captured:  # the held events (one UNION), the summary
        monthly_progress(kabupaten=a.kecamatan.kabupaten, on=date(2022, 6, 1))
    assert not [q for q in captured.captured_queries if 'FROM "registry_kim"' in q["sql"]]


def summary_rewrites(captured) -> int:
    """How many times the KIM summary was recomputed: one DELETE of a kabupaten's rows each."""
    return sum(1 for q in captured.captured_queries if q["sql"].startswith("DELETE FROM registry_kimmonthlysummary"))


def test_a_spreadsheet_import_refreshes_each_kabupatens_summary_once_not_once_a_row(kotim):
    lines = "".join(f",Baamang,Baamang Hulu,KIM Impor {n},,0{n}-03-2022,\n" for n in range(1, 6))
    dataset = tablib.Dataset().load(
        "kode_desa,kecamatan,desa,nama,tingkatan,tanggal_terbentuk,telepon_kontak\n" + lines
    )
    with CaptureQueriesContext(connection) as captured:
        result = KimResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Kim.objects.count() == 5
    assert summary_rewrites(captured) == 1
    assert rows(kotim)[-1] == (MARCH, 5, 1, date(2022, 3, 5))


def test_writes_in_a_deferring_block_that_fails_leave_the_summary_as_it_was(two):
    a, _b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    with pytest.raises(ValueError), KimMonthlySummary.objects.deferring():
        make_kim(desa=a, formed_on=date(2022, 4, 1))
        raise ValueError("the import fails")
    assert Kim.objects.count() == 1
    assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]
    with KimMonthlySummary.objects.deferring(), KimMonthlySummary.objects.deferring():  # nested: one refresh
        make_kim(desa=a, formed_on=date(2022, 4, 1))
        assert rows(a.kecamatan.kabupaten) == [(MARCH, 1, 1, date(2022, 3, 5))]  # not yet
    assert rows(a.kecamatan.kabupaten)[-1] == (APRIL, 2, 1, date(2022, 4, 1))


def test_a_new_desa_or_kecamatan_looks_up_no_previous_parent(two):
    a, _b = two
    with CaptureQueriesContext(connection) as captured:
        kecamatan = make_kecamatan(kabupaten=a.kecamatan.kabupaten)
        make_desa(kecamatan=kecamatan)
    # The move check reads a saved row's parent only: a new one has none (`WHERE id IS NULL`).
    assert not [q for q in captured.captured_queries if '"id" IS NULL' in q["sql"]]


# The summary per kecamatan (KecamatanKimSummary): what a dashboard reads each kecamatan's KIM from.


def kecamatan_rows(kecamatan) -> list[tuple[date, int, int, date]]:
    """(month, active KIM, covered desa, last change) of the kecamatan's stored rows."""
    return list(
        KecamatanKimSummary.objects.filter(kecamatan=kecamatan)
        .order_by("month")
        .values_list("month", "active_kim", "covered_desa", "last_change")
    )


def test_each_kecamatans_months_hold_the_kim_counting_and_the_desa_covered_at_their_end():
    formed_and_left = [
        (10, 100, date(2022, 3, 5), None),
        (10, 100, date(2022, 3, 20), date(2022, 5, 2)),
        (10, 101, date(2022, 4, 1), None),
        (10, 102, date(2022, 4, 9), date(2022, 4, 9)),  # inactive the day it was formed: never counts
        (11, 110, date(2022, 5, 31), None),
    ]
    assert sorted(kecamatan_months(formed_and_left)) == [
        KecamatanMonth(10, MARCH, 2, 1, date(2022, 3, 20)),
        KecamatanMonth(10, APRIL, 3, 2, date(2022, 4, 9)),
        KecamatanMonth(10, MAY, 2, 2, date(2022, 5, 2)),
        KecamatanMonth(11, MAY, 1, 1, date(2022, 5, 31)),
    ]


def test_a_kim_recorded_and_a_desa_moved_within_the_kabupaten_change_each_kecamatans_rows(two):
    a, b = two
    first, second = a.kecamatan, b.kecamatan
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    make_kim(desa=b, formed_on=date(2022, 4, 1))
    assert kecamatan_rows(first) == [(MARCH, 1, 1, date(2022, 3, 5))]
    assert kecamatan_rows(second) == [(APRIL, 1, 1, date(2022, 4, 1))]
    a.kecamatan = second
    a.save()
    assert kecamatan_rows(first) == []
    assert kecamatan_rows(second) == [(MARCH, 1, 1, date(2022, 3, 5)), (APRIL, 2, 2, date(2022, 4, 1))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_dashboard_shows_each_kecamatans_kim_and_covered_desa_as_counted_from_the_kim(db, seed):
    """Read from the stored rows (or, for a day whose month changes later, counted), each
    kecamatan's active KIM and desa with one equal a count of the KIM by `active_on`."""
    kabupaten = make_kabupaten()
    random_kim(kabupaten, seed)
    formed = sorted(Kim.objects.values_list("formed_on", flat=True))
    # Days a KIM was formed and the days before, that a dashboard may be asked for (from EARLIEST_DAY).
    formed = [day for day in formed[::4] if day > EARLIEST_DAY]
    days = [*DAYS, *(day - timedelta(days=1) for day in formed), *formed]
    for on in days:
        shown = {
            k.code: (k.active_kim, k.desa_covered) for k in kecamatan_coverage(kabupaten=kabupaten, on=on).kecamatan
        }
        active = Kim.objects.active_on(on)
        counted = {
            desa.kecamatan.code: (
                active.filter(desa__kecamatan=desa.kecamatan).count(),
                Desa.objects.filter(kecamatan=desa.kecamatan, kims__in=active).distinct().count(),
            )
            for desa in Desa.objects.filter(kecamatan__kabupaten=kabupaten).select_related("kecamatan")
        }
        assert shown == counted, on


@pytest.mark.summary_unchecked
def test_the_dashboard_reads_the_stored_row_unless_its_month_changes_after_the_day(two, settings):
    a, _b = two
    kabupaten = a.kecamatan.kabupaten

    def shown(on):
        return {k.code: k.active_kim for k in kecamatan_coverage(kabupaten=kabupaten, on=on).kecamatan}[
            a.kecamatan.code
        ]

    make_kim(desa=a, formed_on=date(2022, 3, 5))
    make_kim(desa=a, formed_on=date(2022, 3, 20))
    KecamatanKimSummary.objects.filter(kecamatan=a.kecamatan).update(active_kim=7)  # so that a read shows
    assert shown(date(2022, 3, 25)) == 7  # the March row, whose last change (20 March) came before
    assert shown(date(2022, 5, 1)) == 7  # no row for May: March's still holds
    assert shown(date(2022, 3, 10)) == 1  # a KIM formed after the day in its month: counted
    assert shown(date(2022, 2, 28)) == 0  # no row yet
    settings.KIM_QUIET_COUNTS = False  # another rule than the summary's: counted
    assert shown(date(2022, 3, 25)) == 2


@pytest.mark.summary_unchecked
def test_check_summary_reports_a_corrupted_row_per_kecamatan_and_fix_repairs_it(two):
    a, _b = two
    make_kim(desa=a, formed_on=date(2022, 3, 5))
    KecamatanKimSummary.objects.update(covered_desa=3)
    with pytest.raises(CommandError):
        check_summary()
    fixed = check_summary("--fix")
    assert (
        f"kecamatan {a.kecamatan.code} 2022-03: stored 1 KIM, 3 desa, last change 2022-03-05, "
        "KIM 1 KIM, 1 desa, last change 2022-03-05"
    ) in fixed
    assert "KIM summary per kecamatan: 1 difference(s)\nrebuilt from the KIM: 1 row(s)\n" in fixed
    assert KecamatanKimSummary.objects.differences() == []

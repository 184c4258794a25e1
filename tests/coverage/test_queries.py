from datetime import date

from coverage.models import OutreachEvent
from coverage.queries import desa_coverage, kecamatan_coverage
from registry.models import Kecamatan

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan, make_kim

DAY = date(2022, 3, 25)


def coverage_of(kecamatan, on=DAY):
    result = kecamatan_coverage(kabupaten=kecamatan.kabupaten, on=on)
    return next(k for k in result.kecamatan if k.code == kecamatan.code)


def test_an_active_kim_covers_its_kecamatan(db):
    desa = make_desa()
    make_kim(desa=desa, formed_on=date(2021, 5, 1))
    row = coverage_of(desa.kecamatan)
    assert row.covered
    assert (row.active_kim, row.desa_covered, row.desa_total) == (1, 1, 1)


def test_an_inactive_kim_does_not_cover_its_kecamatan(db):
    desa = make_desa()
    make_kim(desa=desa, formed_on=date(2020, 1, 1), inactive_since=date(2021, 6, 1))
    assert not coverage_of(desa.kecamatan).covered


def test_a_kim_in_another_kecamatan_does_not_cover(db):
    kabupaten = make_kabupaten()
    empty = make_kecamatan(kabupaten=kabupaten)
    make_kim(desa=make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten)))
    assert not coverage_of(empty).covered


def test_coverage_is_as_of_the_given_day(db):
    desa = make_desa()
    make_kim(desa=desa, formed_on=date(2022, 1, 10), inactive_since=date(2022, 9, 1))
    assert not coverage_of(desa.kecamatan, on=date(2022, 1, 9)).covered
    assert coverage_of(desa.kecamatan, on=date(2022, 1, 10)).covered
    assert not coverage_of(desa.kecamatan, on=date(2022, 9, 1)).covered


def test_desa_covered_counts_each_desa_once(db):
    kecamatan = make_kecamatan()
    served, _unserved = make_desa(kecamatan=kecamatan), make_desa(kecamatan=kecamatan)
    make_kim(desa=served)
    make_kim(desa=served)
    row = coverage_of(kecamatan)
    assert (row.active_kim, row.desa_covered, row.desa_total) == (2, 1, 2)


def test_last_held_and_next_planned_event_as_of_the_day(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, starts_at=date(2022, 3, 1), kind=OutreachEvent.Kind.PEMBINAAN)
    make_event(kecamatan=kecamatan, starts_at=date(2022, 3, 24), kind=OutreachEvent.Kind.KONSOLIDASI)
    make_event(kecamatan=kecamatan, starts_at=date(2022, 3, 30), status=OutreachEvent.Status.PLANNED)
    make_event(kecamatan=kecamatan, starts_at=date(2022, 3, 27), status=OutreachEvent.Status.CANCELLED)
    row = coverage_of(kecamatan)
    assert (row.last_event.day, row.last_event.kind) == (date(2022, 3, 24), "konsolidasi")
    assert (row.next_event.day, row.next_event.kind) == (date(2022, 3, 30), "sosialisasi")
    assert row.overdue_events == 0


def test_a_planned_event_left_unreported_counts_as_overdue_after_its_day(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, starts_at=date(2022, 3, 30), status=OutreachEvent.Status.PLANNED)
    row = coverage_of(kecamatan, on=date(2022, 4, 1))
    assert row.next_event is None
    assert row.overdue_events == 1


def test_an_event_held_after_the_day_was_still_upcoming_on_that_day(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, starts_at=date(2022, 4, 5))
    row = coverage_of(kecamatan)
    assert row.last_event is None
    assert row.next_event.day == date(2022, 4, 5)


def test_the_spm_indicator_is_covered_kecamatan_out_of_all_in_percent(db):
    kabupaten = make_kabupaten()
    covered = make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten))
    make_kim(desa=covered)
    for _n in range(2):
        make_kecamatan(kabupaten=kabupaten)
    result = kecamatan_coverage(kabupaten=kabupaten, on=DAY)
    assert (result.covered_count, result.total, result.percentage) == (1, 3, 33.3)


def test_coverage_takes_one_query_however_many_rows(db, django_assert_num_queries):
    kabupaten = make_kabupaten()
    for _n in range(15):
        desa = make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten))
        kim = make_kim(desa=desa)
        make_event(desa=desa, kims=[kim])
        make_event(desa=desa, status=OutreachEvent.Status.PLANNED, starts_at=date(2022, 4, 2))
    with django_assert_num_queries(1):  # each kecamatan's last and next event come with its row
        result = kecamatan_coverage(kabupaten=kabupaten, on=DAY)
    assert Kecamatan.objects.count() == len(result.kecamatan) == 15
    assert {(k.last_event.kind_label, k.next_event.day) for k in result.kecamatan} == {
        ("Sosialisasi", date(2022, 4, 2))
    }


def test_the_coverage_query_is_built_once_but_asked_every_time(db, settings, django_assert_num_queries):
    """kecamatan_coverage remembers its SQL for a kabupaten and day, never its answer: a KIM
    formed between two calls counts in the second, and a setting that changes the rule of what
    counts (here: SK-ended KIM no longer count) changes the query."""
    desa = make_desa()
    assert not coverage_of(desa.kecamatan).covered
    kim = make_kim(desa=desa, formed_on=date(2021, 5, 1))

    with django_assert_num_queries(1):
        assert coverage_of(desa.kecamatan).covered

    kim.sk_date, kim.sk_term_end = date(2019, 1, 1), date(2022, 1, 1)
    kim.save()
    settings.KIM_SK_ENDED_COUNTS = False
    assert not coverage_of(desa.kecamatan).covered


def test_desa_coverage_without_vitality_has_the_same_desa_and_kim_and_no_vitality(demo):
    parenggean = Kecamatan.objects.get(code="62.02.04")
    on = date(2022, 3, 25)
    full = desa_coverage(kecamatan=parenggean, on=on)
    bare = desa_coverage(kecamatan=parenggean, on=on, vitality=False)
    assert [(d.code, d.covered, [(k.pk, k.name, k.active) for k in d.kims]) for d in bare] == [
        (d.code, d.covered, [(k.pk, k.name, k.active) for k in d.kims]) for d in full
    ]
    assert any(d.kims for d in full) and {d.vitality for d in full if d.covered} - {None}
    assert {k.vitality for d in bare for k in d.kims} == {""} and {d.vitality for d in bare} == {None}

"""Each uncovered kecamatan shows where it stands on the path to coverage."""

from datetime import date, timedelta

import pytest

from core.dates import start_of_day
from coverage.models import OutreachEvent
from coverage.queries import Stage, kecamatan_coverage, monthly_progress, stage_of

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan, make_kim

DAY = date(2022, 6, 1)


def stage(kecamatan, on=DAY):
    rows = kecamatan_coverage(kabupaten=kecamatan.kabupaten, on=on).kecamatan
    return next(k.stage for k in rows if k.code == kecamatan.code)


def test_a_kecamatan_without_anything_has_no_activity_yet(db):
    assert stage(make_kecamatan()) == Stage.NO_ACTIVITY


def test_a_planned_sosialisasi_moves_it_to_planned(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, status=OutreachEvent.Status.PLANNED, starts_at=date(2022, 7, 1))
    assert stage(kecamatan) == Stage.PLANNED


def test_a_cancelled_sosialisasi_does_not_count(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, status=OutreachEvent.Status.CANCELLED, starts_at=date(2022, 5, 1))
    assert stage(kecamatan) == Stage.NO_ACTIVITY


def test_a_held_sosialisasi_moves_it_to_held(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, starts_at=date(2022, 5, 20))
    assert stage(kecamatan) == Stage.HELD


def test_a_sosialisasi_held_later_was_only_planned_on_the_day(db):
    kecamatan = make_kecamatan()
    make_event(kecamatan=kecamatan, starts_at=date(2022, 6, 20))
    assert stage(kecamatan) == Stage.PLANNED


def test_a_formed_kim_that_is_not_active_is_kim_formed(db):
    desa = make_desa()
    make_event(kecamatan=desa.kecamatan, starts_at=date(2021, 5, 20))
    make_kim(desa=desa, formed_on=date(2021, 6, 1), inactive_since=date(2022, 1, 1))
    assert stage(desa.kecamatan) == Stage.KIM_FORMED


def test_an_active_kim_is_the_last_step(db):
    desa = make_desa()
    make_kim(desa=desa, formed_on=date(2022, 5, 1))
    assert stage(desa.kecamatan) == Stage.KIM_ACTIVE
    assert stage(desa.kecamatan, on=date(2022, 4, 30)) == Stage.NO_ACTIVITY


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, Stage.NO_ACTIVITY),
        ({"planned_events": 2}, Stage.PLANNED),
        ({"planned_events": 1, "held_events": 1}, Stage.HELD),
        ({"held_events": 3, "formed_kim": 1}, Stage.KIM_FORMED),
        ({"formed_kim": 2, "active_kim": 1}, Stage.KIM_ACTIVE),
    ],
)
def test_the_stage_is_the_furthest_step_reached(counts, expected):
    base = {"active_kim": 0, "formed_kim": 0, "held_events": 0, "planned_events": 0}
    assert stage_of(**{**base, **counts}) == expected


def test_monthly_progress_follows_formation_and_inactivity(db):
    kabupaten = make_kabupaten()
    first, second = make_kecamatan(kabupaten=kabupaten), make_kecamatan(kabupaten=kabupaten)
    make_kim(desa=make_desa(kecamatan=first), formed_on=date(2022, 1, 15))
    make_kim(desa=make_desa(kecamatan=second), formed_on=date(2022, 2, 10), inactive_since=date(2022, 4, 5))
    make_event(kecamatan=second, starts_at=date(2022, 2, 3))
    points = monthly_progress(kabupaten=kabupaten, on=date(2022, 4, 20))
    assert [(p.month, p.covered_kecamatan, p.active_kim, p.held_events) for p in points] == [
        (date(2022, 1, 1), 1, 1, 0),
        (date(2022, 2, 1), 2, 2, 1),
        (date(2022, 3, 1), 2, 2, 0),
        (date(2022, 4, 1), 1, 1, 0),
    ]


def test_a_kim_proposed_by_a_field_officer_is_formed_but_not_active_until_verified(db):
    from registry.models import Kim

    desa = make_desa()
    kim = make_kim(desa=desa, formed_on=date(2022, 5, 1), review_status=Kim.Review.WAITING)
    assert stage(desa.kecamatan) == Stage.KIM_FORMED
    kim.verify(by=None)
    assert stage(desa.kecamatan) == Stage.KIM_ACTIVE


def test_monthly_progress_does_not_count_a_pending_kim(db):
    from registry.models import Kim

    kabupaten = make_kabupaten()
    make_kim(
        desa=make_desa(kecamatan=make_kecamatan(kabupaten=kabupaten)),
        formed_on=date(2022, 1, 15),
        review_status=Kim.Review.WAITING,
    )
    points = monthly_progress(kabupaten=kabupaten, on=date(2022, 2, 1))
    assert [(p.covered_kecamatan, p.active_kim) for p in points] == [(0, 0)]


def test_monthly_progress_agrees_with_active_on_for_every_month(db):
    from registry.models import Kim

    kabupaten = make_kabupaten()
    kecamatan = [make_kecamatan(kabupaten=kabupaten) for _n in range(3)]
    spans = [
        (0, date(2021, 1, 31), None),
        (0, date(2021, 3, 1), date(2021, 3, 31)),
        (1, date(2021, 2, 28), date(2021, 5, 1)),
        (1, date(2021, 4, 15), None),
        (2, date(2021, 6, 30), date(2021, 7, 1)),
    ]
    for kec, formed, inactive in spans:
        make_kim(desa=make_desa(kecamatan=kecamatan[kec]), formed_on=formed, inactive_since=inactive)
    for point in monthly_progress(kabupaten=kabupaten, on=date(2021, 8, 15)):
        last_day = min((point.month + timedelta(days=32)).replace(day=1) - timedelta(days=1), date(2021, 8, 15))
        active = Kim.objects.in_kabupaten(kabupaten).active_on(last_day)
        assert point.active_kim == active.count(), point
        assert point.covered_kecamatan == active.values("desa__kecamatan").distinct().count(), point


def plant_year_one(kabupaten):
    """A KIM and a held event (at 09:00) dated 1 January of year 1, written past validation as old rows may be."""
    from registry.models import Kim

    kecamatan = make_kecamatan(kabupaten=kabupaten)
    kim = make_kim(desa=make_desa(kecamatan=kecamatan), formed_on=date(2021, 1, 1))
    event = make_event(kecamatan=kecamatan, starts_at=date(2021, 1, 5))
    Kim.objects.filter(pk=kim.pk).update(formed_on=date(1, 1, 1))
    type(event).objects.filter(pk=event.pk).update(starts_at=start_of_day(date(1, 1, 1)) + timedelta(hours=9))


def test_monthly_progress_shows_at_most_ten_years_whatever_the_data_holds(db):
    kabupaten = make_kabupaten()
    plant_year_one(kabupaten)
    points = monthly_progress(kabupaten=kabupaten, on=date(2022, 4, 20))
    assert len(points) == 120
    assert points[0].month == date(2012, 5, 1)
    assert (points[0].active_kim, points[-1].active_kim) == (1, 1)  # the early KIM still counts


def test_monthly_progress_starts_no_earlier_than_january_2000(db):
    kabupaten = make_kabupaten()
    plant_year_one(kabupaten)
    points = monthly_progress(kabupaten=kabupaten, on=date(2001, 6, 30))
    assert (points[0].month, len(points)) == (date(2000, 1, 1), 18)
    assert sum(p.held_events for p in points) == 0  # the year-1 event lies before the chart

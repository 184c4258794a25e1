"""The monthly chart counts a KIM in a month exactly when the dashboard's figures would on that
month's last day, whatever the settings say about quiet and SK-ended KIM (issue 10)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coverage.queries import monthly_progress
from coverage.signs import held_event_signs
from registry import vitality
from registry.models import Kim, KimActivity, activity_signs

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan, make_kim

ON = date(2023, 3, 15)


def activity(kim, day):
    KimActivity.objects.create(kim=kim, date=day, kind=KimActivity.Kind.MEETING)


@pytest.fixture
def kabupaten(db):
    """Three kecamatan with KIM that go quiet, come back, and whose SK term ends."""
    kabupaten = make_kabupaten()
    kec = [make_kecamatan(kabupaten=kabupaten) for _n in range(3)]
    quiet = make_kim(desa=make_desa(kecamatan=kec[0]), formed_on=date(2021, 1, 31))
    activity(quiet, date(2021, 8, 31))
    activity(quiet, date(2022, 2, 28))  # a short month: the window's last day is kept
    revived = make_kim(desa=make_desa(kecamatan=kec[1]), formed_on=date(2021, 3, 10))
    make_event(desa=revived.desa, kims=[revived], starts_at=date(2022, 6, 1))
    make_event(desa=revived.desa, kims=[revived], starts_at=date(2022, 7, 1), status="cancelled")
    make_kim(
        desa=make_desa(kecamatan=kec[2]),
        formed_on=date(2021, 5, 1),
        sk_number="1/2021",
        sk_date=date(2021, 5, 1),
        sk_term_end=date(2022, 4, 30),
    )
    ended_and_inactive = make_kim(desa=make_desa(kecamatan=kec[2]), formed_on=date(2021, 6, 1))
    activity(ended_and_inactive, date(2022, 10, 1))
    Kim.objects.filter(pk=ended_and_inactive.pk).update(inactive_since=date(2022, 11, 20))
    return kabupaten


def dashboard_counts(kabupaten, day):
    active = Kim.objects.in_kabupaten(kabupaten).active_on(day)
    return active.values("desa__kecamatan").distinct().count(), active.count()


def chart_and_dashboard(kabupaten):
    for point in monthly_progress(kabupaten=kabupaten, on=ON):
        last_day = min((point.month + timedelta(days=32)).replace(day=1) - timedelta(days=1), ON)
        yield (
            (point.month, point.covered_kecamatan, point.active_kim),
            (point.month, *dashboard_counts(kabupaten, last_day)),
        )


@pytest.mark.parametrize(
    ("quiet_counts", "sk_ended_counts"), [(False, True), (True, False), (False, False), (True, True)]
)
def test_the_monthly_chart_counts_what_the_dashboard_counts_on_each_months_last_day(
    kabupaten, settings, quiet_counts, sk_ended_counts
):
    settings.KIM_QUIET_COUNTS, settings.KIM_SK_ENDED_COUNTS = quiet_counts, sk_ended_counts
    pairs = list(chart_and_dashboard(kabupaten))
    assert len(pairs) == 27
    assert [chart for chart, _dashboard in pairs] == [dashboard for _chart, dashboard in pairs]


def test_quiet_kim_leave_the_chart_when_they_do_not_count(kabupaten, settings):
    settings.KIM_QUIET_COUNTS = False
    points = {p.month: p for p in monthly_progress(kabupaten=kabupaten, on=ON)}
    # Formed 31 Jan 2021, entries on 31 Aug 2021 and 28 Feb 2022: quiet from 1 Sep 2022 on.
    assert points[date(2022, 8, 1)].active_kim - points[date(2022, 9, 1)].active_kim >= 1
    assert points[date(2023, 3, 1)].active_kim == 0


def test_the_chart_knows_every_kind_of_sign_of_life(db):
    """The chart reads signs of life itself (coverage.queries._life_sign_days); a new kind added to
    registry/vitality.py must be added there too."""
    assert vitality._all_sources() == [activity_signs, held_event_signs]


def test_a_kim_that_entered_the_portal_recently_counts_in_the_chart_as_on_the_dashboard(db, settings):
    """An old KIM imported without a last activity is not quiet until the portal has watched it
    for KIM_QUIET_MONTHS months (registry.vitality.newcomer_q), in the chart too."""
    settings.KIM_QUIET_COUNTS = False
    today = timezone.localdate()
    kabupaten = make_kabupaten()
    kecamatan = make_kecamatan(kabupaten=kabupaten)
    make_kim(desa=make_desa(kecamatan=kecamatan), formed_on=date(2019, 5, 1), entered_on=today - timedelta(days=40))
    make_kim(desa=make_desa(kecamatan=kecamatan), formed_on=date(2019, 5, 1), entered_on=date(2022, 1, 1))
    last = monthly_progress(kabupaten=kabupaten, on=today)[-1]
    assert (last.covered_kecamatan, last.active_kim) == dashboard_counts(kabupaten, today) == (1, 1)

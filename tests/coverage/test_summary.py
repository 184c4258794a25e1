"""The stored monthly summary (held public events per kecamatan and month) stays equal to the events
on every write path, and `manage.py check_summary` finds any difference (issue 23).

Every database test of the suite also ends with the summary checked against the events
(tests/conftest.py summary_checked); these tests name each write path and the rows it must leave.
"""

import random
import uuid
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from coverage.models import FieldReport, MonthlySummary, OutreachEvent, summary_month
from coverage.queries import kecamatan_coverage, monthly_progress
from registry.models import Kecamatan

from ..factories import make_event, make_kabupaten, make_kecamatan

HELD, PLANNED, CANCELLED = OutreachEvent.Status.HELD, OutreachEvent.Status.PLANNED, OutreachEvent.Status.CANCELLED
MARCH, APRIL = date(2022, 3, 1), date(2022, 4, 1)


def at(day: date, hour=9, minute=0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def stored(kecamatan, month) -> int:
    row = MonthlySummary.objects.filter(kecamatan=kecamatan, month=month).first()
    return row.held_events if row else 0


def check_summary(*args) -> str:
    out = StringIO()
    call_command("check_summary", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two(db):
    kabupaten = make_kabupaten()
    return make_kecamatan(kabupaten=kabupaten), make_kecamatan(kabupaten=kabupaten)


def test_a_held_event_counts_in_its_kecamatan_and_month_and_a_planned_one_does_not(two):
    a, _b = two
    make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)))
    make_event(kecamatan=a, starts_at=at(date(2022, 3, 28)))
    make_event(kecamatan=a, starts_at=at(date(2022, 3, 29)), status=CANCELLED)
    assert stored(a, MARCH) == 2


def test_the_month_is_the_portals_local_month():
    # 31 March 23:30 in Jakarta is 16:30 UTC on the same day; 1 April 00:30 is 31 March 17:30 UTC.
    assert summary_month(at(date(2022, 3, 31), 23, 30)) == MARCH
    assert summary_month(at(date(2022, 4, 1), 0, 30)) == APRIL


def test_moving_an_event_to_another_kecamatan_and_month_moves_its_count(two):
    a, b = two
    event = make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)))
    event.kecamatan, event.starts_at = b, at(date(2022, 4, 2))
    event.save()
    assert (stored(a, MARCH), stored(b, APRIL)) == (0, 1)


def test_a_status_change_and_a_delete_change_the_count(two):
    a, _b = two
    event = make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)), status=PLANNED)
    assert stored(a, MARCH) == 0
    event.mark_held(on=date(2022, 3, 5))
    event.save()
    assert stored(a, MARCH) == 1
    event.delete()
    assert stored(a, MARCH) == 0


def test_queryset_update_bulk_update_bulk_create_and_delete_keep_the_summary(two):
    a, b = two
    OutreachEvent.objects.bulk_create(
        [
            OutreachEvent(
                title=f"K{i}", kind="sosialisasi", status=HELD, starts_at=at(date(2022, 3, i + 1)), kecamatan=a
            )
            for i in range(3)
        ]
    )
    assert stored(a, MARCH) == 3
    OutreachEvent.objects.filter(title="K0").update(status=CANCELLED)
    assert stored(a, MARCH) == 2
    OutreachEvent.objects.filter(title="K1").update(kecamatan=b, starts_at=at(date(2022, 4, 1)))
    assert (stored(a, MARCH), stored(b, APRIL)) == (1, 1)
    moved = list(OutreachEvent.objects.filter(title="K2"))
    moved[0].kecamatan = b
    OutreachEvent.objects.bulk_update(moved, ["kecamatan"])
    assert (stored(a, MARCH), stored(b, MARCH)) == (0, 1)
    OutreachEvent.objects.filter(kecamatan=b).delete()
    assert (stored(b, MARCH), stored(b, APRIL)) == (0, 0)


def test_an_update_of_other_fields_does_not_touch_the_summary(two, django_assert_num_queries):
    a, _b = two
    make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)))
    with django_assert_num_queries(1):
        OutreachEvent.objects.filter(kecamatan=a).update(venue="Aula")


def test_a_field_reports_event_counts_only_once_staff_accept_the_report(two, staff):
    a, _b = two
    event = make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)))
    report = FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=staff)
    assert stored(a, MARCH) == 0
    report.verify(by=staff)
    assert stored(a, MARCH) == 1
    report.refuse(by=staff, reason="Bukan kegiatan ini.")
    assert stored(a, MARCH) == 0
    FieldReport.objects.filter(pk=report.pk).update(review_status=FieldReport.Review.ACCEPTED)
    assert stored(a, MARCH) == 1
    FieldReport.objects.filter(pk=report.pk).update(review_status=FieldReport.Review.WAITING)
    report.refresh_from_db()
    report.delete()  # no report left: staff's own event, public
    assert stored(a, MARCH) == 1


def test_an_officers_report_from_the_field_area_counts_once_verified(client, officer_parenggean, parenggean, staff):
    day = timezone.localdate() - timedelta(days=1)
    data = {
        "client_id": str(uuid.uuid4()),
        "title": "Sosialisasi KIM",
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "kecamatan": parenggean.pk,
        "day": day.isoformat(),
        "summary": "Warga antusias.",
    }
    client.force_login(officer_parenggean)
    assert client.post(reverse("field:report-submit"), data, HTTP_ACCEPT="application/json").status_code == 201
    assert stored(parenggean, day.replace(day=1)) == 0
    FieldReport.objects.get().verify(by=staff)
    assert stored(parenggean, day.replace(day=1)) == 1


def test_events_recorded_changed_and_deleted_in_the_admin_keep_the_summary(staff_client, kotim):
    parenggean = Kecamatan.objects.get(code="62.02.04")
    data = {
        "title": "Sosialisasi KIM",
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "status": HELD,
        "starts_at_0": "2022-03-30",
        "starts_at_1": "09:00",
        "kecamatan": parenggean.pk,
        "desa": "",
        "venue": "Aula",
        "summary": "",
    }
    assert staff_client.post(reverse("admin:coverage_outreachevent_add"), data).status_code == 302
    event = OutreachEvent.objects.get()
    assert stored(parenggean, MARCH) == 1
    change = reverse("admin:coverage_outreachevent_change", args=[event.pk])
    assert staff_client.post(change, {**data, "status": CANCELLED}).status_code == 302
    assert stored(parenggean, MARCH) == 0
    assert staff_client.post(change, data).status_code == 302
    changelist = reverse("admin:coverage_outreachevent_changelist")
    staff_client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert not OutreachEvent.objects.exists() and stored(parenggean, MARCH) == 0


def test_check_summary_reports_nothing_after_load_demo(demo):
    assert check_summary() == (
        "monthly summary: 0 difference(s)\nKIM summary: 0 difference(s)\nKIM summary per kecamatan: 0 difference(s)\n"
        "KIM search text: 0 difference(s)\n"
    )


@pytest.mark.summary_unchecked
def test_check_summary_reports_a_corrupted_row_and_fix_repairs_it(two):
    a, _b = two
    make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)))
    MonthlySummary.objects.filter(kecamatan=a, month=MARCH).update(held_events=7)
    with pytest.raises(CommandError) as error:
        check_summary()
    assert error.value.returncode == 1
    assert f"kecamatan {a.code} 2022-03: stored 7, events 1" in check_summary("--fix")
    assert MonthlySummary.objects.differences() == []


@pytest.mark.summary_unchecked
def test_check_summary_reports_a_missing_row(two):
    a, _b = two
    make_event(kecamatan=a, starts_at=at(date(2022, 3, 5)))
    MonthlySummary.objects.all().delete()
    assert MonthlySummary.objects.differences() == [(a.pk, MARCH, 0, 1)]


def test_rebuild_writes_what_the_events_say(two):
    a, b = two
    for kecamatan, day in [(a, date(2022, 3, 5)), (a, date(2022, 3, 9)), (b, date(2021, 12, 31))]:
        make_event(kecamatan=kecamatan, starts_at=at(day))
    assert MonthlySummary.objects.rebuild() == 2
    assert sorted(MonthlySummary.objects.values_list("kecamatan", "month", "held_events")) == [
        (a.pk, MARCH, 2),
        (b.pk, date(2021, 12, 1), 1),
    ]


def random_events(kecamatan, n=120):
    rng = random.Random(23)
    today = timezone.localdate()
    for _n in range(n):
        day = date(2021, 1, 1) + timedelta(days=rng.randrange((today - date(2021, 1, 1)).days + 1))
        starts_at = min(at(day, rng.randrange(24), rng.randrange(60)), timezone.now())
        make_event(kecamatan=rng.choice(kecamatan), starts_at=starts_at, status=rng.choice([HELD, HELD, CANCELLED]))


DAYS = [date(2022, 1, 1), date(2022, 3, 1), date(2022, 3, 15), date(2022, 3, 31), date(2022, 12, 31)]


def test_events_held_that_year_count_from_the_summary_what_they_counted_from_the_events(two):
    """Each kecamatan's "held this year" on the dashboard, for days at a year's and a month's
    start, middle and end, equals a count of its events from 1 January to the end of that day."""
    random_events(two)
    for on in [*DAYS, timezone.localdate()]:
        shown = {k.code: k.held_this_year for k in kecamatan_coverage(kabupaten=two[0].kabupaten, on=on).kecamatan}
        held = OutreachEvent.objects.public().held()
        counted = {
            k.code: held.filter(kecamatan=k, starts_at__gte=at(on.replace(month=1, day=1), 0))
            .filter(starts_at__lt=at(on + timedelta(days=1), 0))
            .count()
            for k in two
        }
        assert shown == counted


@pytest.mark.parametrize("on_the_dashboard", [False, True])
def test_the_chart_counts_from_the_summary_what_it_counted_from_the_events(two, on_the_dashboard):
    """Held events per month on the chart, for days at a month's start, middle and end, equal a
    count of the events themselves up to the end of that day; on the dashboard, whose coverage
    figures bring the as-of month's count along, too."""
    random_events(two)
    kabupaten = two[0].kabupaten
    for on in [*DAYS, timezone.localdate()]:
        coverage = kecamatan_coverage(kabupaten=kabupaten, on=on) if on_the_dashboard else None
        chart = {p.month: p.held_events for p in monthly_progress(kabupaten=kabupaten, on=on, coverage=coverage)}
        counted = {}
        for event in OutreachEvent.objects.public().held().filter(starts_at__lt=at(on + timedelta(days=1), 0)):
            counted[event.day.replace(day=1)] = counted.get(event.day.replace(day=1), 0) + 1
        assert {m: n for m, n in chart.items() if n} == {m: n for m, n in counted.items() if m >= min(chart)}
        assert chart.get(on.replace(day=1), 0) == counted.get(on.replace(day=1), 0)

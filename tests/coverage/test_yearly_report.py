"""The yearly report: the dashboard's numbers for the same day, bounded, and a clear 404 outside the data."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from coverage.models import DesaTarget
from coverage.queries import kecamatan_coverage
from coverage.report import YearOutOfRange, yearly_report
from registry.models import KimActivity

from ..factories import make_desa, make_event, make_kecamatan, make_kim


def figures(html: str) -> list[str]:
    """The "covered / total" pairs of a page, in order."""
    return re.findall(r"\d+ / \d+", html)


def test_the_report_of_2022_shows_the_same_coverage_as_the_dashboard_on_31_december(demo, client):
    report = client.get("/laporan/2022/").content.decode()
    dashboard = client.get("/?tanggal=2022-12-31").content.decode()
    coverage = kecamatan_coverage(kabupaten=demo, on=date(2022, 12, 31))
    assert f"{coverage.covered_count} / {coverage.total} ({coverage.percentage:.1f}%)".replace(".", ",") in report
    assert f"{coverage.desa_covered} / {coverage.desa_total}" in report
    assert f"{coverage.desa_covered} / {coverage.desa_total}" in dashboard


def test_the_report_numbers_equal_the_dashboards_functions_at_both_ends_of_the_year(demo):
    report = yearly_report(kabupaten=demo, year=2022, today=date(2026, 6, 1))
    assert report.coverage_start == kecamatan_coverage(kabupaten=demo, on=date(2022, 1, 1))
    assert report.coverage_end == kecamatan_coverage(kabupaten=demo, on=date(2022, 12, 31))
    assert [u.kecamatan for u in report.uncovered_desa if len(u.desa) == u.desa_total] == [
        "Cempaga",
        "Mentaya Hulu",
        "Antang Kalang",
        "Cempaga Hulu",
        "Bukit Santuai",
        "Tualan Hulu",
        "Telaga Antang",
    ]


def test_the_current_year_runs_to_today(demo):
    today = timezone.localdate()
    report = yearly_report(kabupaten=demo, year=today.year, today=today)
    assert (report.end, report.is_complete) == (today, today.month == 12 and today.day == 31)
    assert report.target.target_percent == Decimal(15)


@pytest.mark.parametrize("year", ["1", "0001", "1999", "2018", "9999", "2100"])
def test_years_outside_the_data_answer_404_with_the_years_that_exist(demo, client, year):
    response = client.get(f"/laporan/{year}/")
    assert response.status_code == 404
    assert f"tersedia untuk tahun 2019 sampai {timezone.localdate().year}" in response.content.decode()


def test_an_absurdly_long_year_is_refused_without_a_crash(demo, client):
    assert client.get("/laporan/" + "9" * 40 + "/").status_code in (400, 404)


def test_next_year_is_not_reported(demo):
    today = timezone.localdate()
    with pytest.raises(YearOutOfRange):
        yearly_report(kabupaten=demo, year=today.year + 1, today=today)


def test_outreach_counts_held_events_of_the_year_with_participants_by_gender(db, client):
    kecamatan = make_kecamatan(name="Parenggean")
    desa = make_desa(kecamatan=kecamatan)
    make_kim(desa=desa, formed_on=date(2020, 1, 1))
    make_event(desa=desa, starts_at=date(2023, 3, 1), participants=30, participants_women=12, participants_men=15)
    make_event(desa=desa, starts_at=date(2023, 5, 1), participants=10)
    make_event(desa=desa, starts_at=date(2024, 1, 2), participants=99)
    make_event(desa=desa, starts_at=date(2023, 6, 1), status="cancelled")
    report = yearly_report(kabupaten=kecamatan.kabupaten, year=2023, today=date(2024, 6, 1))
    row = next(o for o in report.outreach if o.name == "Parenggean")
    assert (row.held, row.participants, row.women, row.men, row.unspecified) == (2, 40, 12, 15, 13)


def test_kim_formed_quiet_and_expired_in_the_year(db):
    old = make_kim(formed_on=date(2020, 1, 1))
    new = make_kim(formed_on=date(2023, 4, 1))
    expired = make_kim(
        formed_on=date(2020, 1, 1), sk_number="1", sk_date=date(2020, 1, 1), sk_term_end=date(2023, 6, 30)
    )
    KimActivity.objects.create(kim=expired, date=date(2023, 12, 1), kind="meeting")
    KimActivity.objects.create(kim=new, date=date(2023, 11, 1), kind="kimid_post")
    report = yearly_report(kabupaten=old.desa.kecamatan.kabupaten, year=2023, today=date(2024, 6, 1))
    assert [k.name for k in report.formed] == [new.name]
    assert [k.name for k in report.quiet] == [old.name]
    assert [k.name for k in report.sk_ended] == [expired.name]
    assert (report.kim_with_activity, report.activity_total) == (2, 2)


def test_the_report_costs_the_same_queries_however_many_kim_and_events(db, client):
    kecamatan = make_kecamatan()
    DesaTarget.objects.create(kabupaten=kecamatan.kabupaten, year=2023, target_percent=50)

    def grow():
        for _ in range(15):
            desa = make_desa(kecamatan=kecamatan)
            kim = make_kim(desa=desa, formed_on=date(2021, 1, 1))
            make_event(desa=desa, kims=[kim], starts_at=date(2023, 2, 1), participants=5)
            make_event(desa=desa, starts_at=date(2023, 12, 1), status="planned")
            KimActivity.objects.create(kim=kim, date=date(2023, 3, 1), kind="meeting")

    def count_queries():
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/laporan/2023/").status_code == 200
        return len(queries)

    grow()
    before = count_queries()
    grow()
    grow()
    assert count_queries() == before


def test_the_forming_kim_page_explains_the_steps_and_shows_the_contact_from_settings(db, client, settings):
    from ..factories import make_kabupaten

    make_kabupaten()
    settings.DISKOMINFO_CONTACT = {**settings.DISKOMINFO_CONTACT, "phone": "0531 000000", "email": "kim@contoh.go.id"}
    page = client.get("/membentuk-kim/").content.decode()
    assert "Komunitas Informasi Masyarakat" in page
    assert all(step in page for step in ("Musyawarah warga.", "Susun pengurus.", "SK dari kepala desa atau lurah."))
    assert "0531 000000" in page and "mailto:kim@contoh.go.id" in page


def test_an_event_a_field_officer_reported_counts_in_the_report_only_after_review(
    parenggean, officer_parenggean, staff
):
    from ..field.test_review import officer_report

    make_kim(desa=parenggean.desa.first(), formed_on=date(2021, 1, 1))
    report = officer_report(officer_parenggean, parenggean)
    today = timezone.localdate()

    def held_in_parenggean():
        rows = yearly_report(kabupaten=parenggean.kabupaten, year=report.event.day.year, today=today).outreach
        return next(o.held for o in rows if o.code == parenggean.code)

    assert held_in_parenggean() == 0
    report.verify(by=staff)
    assert held_in_parenggean() == 1

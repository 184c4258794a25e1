"""Proof of presence: the phone's location travels with the report and is seen by staff only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coverage.models import FieldReport, OutreachEvent

from ..factories import make_kim
from .test_reports import JSON, SUBMIT, report_data
from .test_review import body, public_text

# Digits no other data holds: found on a page, they can only come from the stored location.
LATITUDE, LONGITUDE = "-2.187346", "112.903817"


def staff_browser(staff) -> Client:
    """Sari's own browser: `client` is Agus's phone in these tests."""
    browser = Client()
    browser.force_login(staff)
    return browser


def located(kecamatan, *, latitude=LATITUDE, longitude=LONGITUDE, accuracy="35", at=None, **fields):
    at = at or (timezone.now() - timedelta(minutes=5)).isoformat()
    return report_data(
        kecamatan, latitude=latitude, longitude=longitude, location_accuracy=accuracy, located_at=at, **fields
    )


def test_a_report_keeps_the_location_the_phone_recorded(agus_client, parenggean):
    assert agus_client.post(SUBMIT, located(parenggean), **JSON).status_code == 201
    report = FieldReport.objects.get()
    assert (report.latitude, report.longitude, report.location_accuracy) == (
        Decimal(LATITUDE),
        Decimal(LONGITUDE),
        35,
    )
    assert report.located_at < timezone.now()


def test_a_report_without_location_is_accepted(agus_client, parenggean):
    assert agus_client.post(SUBMIT, report_data(parenggean), **JSON).status_code == 201
    assert FieldReport.objects.get().has_location is False


@pytest.mark.parametrize(
    "change",
    [
        {"latitude": "91"},
        {"longitude": "-180.5"},
        {"location_accuracy": "-3"},
        {"location_accuracy": "2000000"},
        {"latitude": "1.1234567"},  # more decimals than a fix needs
        {"located_at": "1999-12-31T10:00:00Z"},
        {"located_at": "kemarin"},
    ],
)
def test_a_location_out_of_range_is_refused_in_indonesian_and_nothing_is_stored(agus_client, parenggean, change):
    response = agus_client.post(SUBMIT, {**located(parenggean), **change}, **JSON)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Ditolak server")
    assert (FieldReport.objects.count(), OutreachEvent.objects.count()) == (0, 0)


def test_a_location_from_a_phone_clock_far_ahead_is_refused(agus_client, parenggean):
    ahead = (timezone.now() + timedelta(days=3)).isoformat()
    response = agus_client.post(SUBMIT, located(parenggean, at=ahead), **JSON)
    messages = [m for row in response.json()["errors"] for m in row["messages"]]
    assert response.status_code == 400
    assert "Waktu lokasi berada di masa depan. Periksa jam HP." in messages


def test_half_a_location_is_refused(agus_client, parenggean):
    data = located(parenggean)
    del data["longitude"]
    response = agus_client.post(SUBMIT, data, **JSON)
    assert response.status_code == 400
    assert "Lokasi tidak lengkap" in response.content.decode()


@pytest.mark.parametrize(("accuracy", "imprecise"), [("500", False), ("501", True), ("4200", True)])
def test_a_fix_worse_than_500_metres_is_flagged_imprecise(agus_client, parenggean, accuracy, imprecise):
    agus_client.post(SUBMIT, located(parenggean, accuracy=accuracy), **JSON)
    assert FieldReport.objects.get().is_location_imprecise is imprecise


def test_staff_see_the_location_and_the_imprecise_flag_on_the_report_page(agus_client, staff, parenggean):
    agus_client.post(SUBMIT, located(parenggean, accuracy="750"), **JSON)
    report = FieldReport.objects.get()
    page = staff_browser(staff).get(reverse("admin:coverage_fieldreport_change", args=[report.pk])).content.decode()
    assert f"{LATITUDE}, {LONGITUDE}" in page
    assert "± 750 m" in page and "lokasi tidak presisi" in page


def test_staff_filter_reports_with_an_imprecise_location(agus_client, staff, parenggean):
    for accuracy in ("20", "900"):
        agus_client.post(SUBMIT, located(parenggean, accuracy=accuracy), **JSON)
    agus_client.post(SUBMIT, report_data(parenggean), **JSON)
    changelist, sari = reverse("admin:coverage_fieldreport_changelist"), staff_browser(staff)
    counts = {
        choice: sari.get(changelist, {"lokasi": choice}).context["cl"].result_count
        for choice in ("presisi", "tidak-presisi", "tanpa")
    }
    assert counts == {"presisi": 1, "tidak-presisi": 1, "tanpa": 1}


def test_the_location_appears_on_no_public_page_download_or_officer_page(
    agus_client, client, parenggean, officer_parenggean, staff
):
    kim = make_kim(desa=parenggean.desa.first())
    agus_client.post(SUBMIT, located(parenggean, kims=[kim.pk]), **JSON)
    report = FieldReport.objects.get()
    report.verify(by=staff)  # its event is public now; its location must stay private
    seen = public_text(client, parenggean, kim) + "".join(
        body(agus_client.get(address)) for address in (reverse("field:report-list"), report.get_absolute_url())
    )
    assert report.event.title in seen
    for digits in ("187346", "903817", "2.18734", "112.9038"):
        assert digits not in seen


def test_only_the_report_form_may_ask_for_the_phones_location(agus_client):
    policies = {
        name: agus_client.get(reverse(name)).headers["Permissions-Policy"]
        for name in ("field:report-new", "field:home", "field:event-plan", "field:kim-propose")
    }
    assert "geolocation=(self)" in policies.pop("field:report-new")
    assert all("geolocation=()" in policy for policy in policies.values())

"""An outreach event is planned at most PLANNING_HORIZON_DAYS ahead: a plan for 31 December 9999
was accepted from a field officer's phone and published as the kecamatan's next event."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coverage.models import OutreachEvent, planning_horizon

from ..factories import make_event

FAR = timezone.make_aware(datetime(9999, 12, 31, 9, 0))


def test_an_officer_planning_for_the_year_9999_is_told_how_far_ahead_a_plan_may_be(
    client, officer_parenggean, parenggean
):
    client.force_login(officer_parenggean)
    data = {"kind": "sosialisasi", "kecamatan": parenggean.pk, "day": "9999-12-31"}
    response = client.post(reverse("field:event-plan"), data)
    assert response.status_code == 400
    assert "Rencana kegiatan paling jauh 730 hari ke depan" in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_the_plan_forms_date_picker_stops_at_the_horizon(client, officer_parenggean):
    client.force_login(officer_parenggean)
    html = client.get(reverse("field:event-plan")).content.decode()
    assert f'max="{planning_horizon().isoformat()}"' in html


def test_a_plan_on_the_horizons_last_day_is_accepted_and_the_day_after_refused(parenggean, settings):
    settings.PLANNING_HORIZON_DAYS = 30
    last = timezone.localdate() + timedelta(days=30)
    make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=last)
    with pytest.raises(ValidationError) as refused:
        make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=last + timedelta(days=1))
    assert "30 hari ke depan" in str(refused.value.message_dict["starts_at"])


def test_staff_cannot_plan_for_the_year_9999_in_the_admin_either(staff_client, parenggean):
    response = staff_client.post(
        reverse("admin:coverage_outreachevent_add"),
        {
            "title": "Sosialisasi",
            "kind": "sosialisasi",
            "status": "planned",
            "starts_at_0": "31/12/9999",
            "starts_at_1": "09:00",
            "kecamatan": parenggean.pk,
        },
    )
    assert response.status_code == 200
    assert "Rencana kegiatan paling jauh" in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_a_plan_stored_for_9999_before_the_rule_is_published_nowhere(client, parenggean):
    event = make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now())
    OutreachEvent.objects.filter(pk=event.pk).update(starts_at=FAR, title="Rencana 9999")
    assert not OutreachEvent.objects.public().filter(pk=event.pk).exists()
    for url in ("/", f"/kecamatan/{parenggean.code}/", "/data/events.csv", "/data/catalog.ttl"):
        response = client.get(url)
        body = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
        assert "9999" not in body, url
    # The kecamatan's stage does not move to "sosialisasi direncanakan" on such a plan.
    assert "sosialisasi direncanakan" not in client.get(f"/kecamatan/{parenggean.code}/").content.decode().lower()

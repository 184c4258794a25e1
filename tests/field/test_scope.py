"""A field officer acts only in his own kecamatan, also when he edits ids in URLs or forms."""

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coverage.models import FieldReport, OutreachEvent
from registry.models import Kim

from ..factories import make_event, make_kim, make_user
from .test_reports import JSON, SUBMIT, kim_proposal, report_data


def test_a_report_for_another_kecamatan_is_refused(agus_client, baamang):
    response = agus_client.post(SUBMIT, report_data(baamang), **JSON)
    assert response.status_code == 400
    assert not OutreachEvent.objects.exists()


def test_an_officer_cannot_report_another_kecamatans_planned_event(agus_client, parenggean, baamang):
    theirs = make_event(kecamatan=baamang, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now())
    response = agus_client.post(SUBMIT, report_data(parenggean, event=theirs.pk), **JSON)
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == OutreachEvent.Status.PLANNED


def test_an_officer_cannot_plan_in_another_kecamatan(agus_client, baamang):
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = {"title": "Sosialisasi", "kind": "sosialisasi", "kecamatan": baamang.pk, "day": next_week}
    assert agus_client.post(reverse("field:event-plan"), data).status_code == 400
    assert not OutreachEvent.objects.exists()


def test_an_officer_cannot_propose_a_kim_in_another_kecamatan(agus_client, baamang):
    response = agus_client.post(reverse("field:kim-propose"), kim_proposal(baamang.desa.first(), [("Rina", 1)]))
    assert response.status_code == 400
    assert not Kim.objects.exists()


def test_another_kecamatans_report_is_not_found_nor_listed(client, officer_parenggean, officer_baamang, baamang):
    client.force_login(officer_baamang)
    client.post(SUBMIT, report_data(baamang), **JSON)
    report = FieldReport.objects.get()
    client.force_login(officer_parenggean)
    assert client.get(reverse("field:report-detail", args=[report.pk])).status_code == 404
    assert report.receipt not in client.get(reverse("field:report-list")).content.decode()


def test_another_kecamatans_events_and_proposals_stay_off_my_home_page(agus_client, baamang):
    make_event(kecamatan=baamang, title="Rapat rahasia Baamang", status=OutreachEvent.Status.PLANNED)
    make_kim(desa=baamang.desa.first(), name="KIM Usulan Baamang", review_status=Kim.Review.WAITING)
    html = agus_client.get(reverse("field:home")).content.decode()
    assert "Rapat rahasia Baamang" not in html
    assert "KIM Usulan Baamang" not in html


def test_a_retry_with_another_officers_client_id_gets_no_receipt(client, officer_parenggean, officer_baamang, baamang):
    client.force_login(officer_baamang)
    data = report_data(baamang)
    receipt = client.post(SUBMIT, data, **JSON).json()["receipt"]
    client.force_login(officer_parenggean)
    response = client.post(SUBMIT, data, **JSON)
    assert response.status_code == 400
    assert receipt not in response.content.decode()


def test_a_logged_in_user_without_the_field_role_is_refused(client, kotim):
    client.force_login(make_user(username="budi"))
    assert client.get(reverse("field:home")).status_code == 403


def test_an_expired_session_gets_a_json_answer_the_phone_understands(client, kotim):
    response = client.post(SUBMIT, {"client_id": str(uuid.uuid4())}, **JSON)
    assert response.status_code == 401
    assert "Masuk lagi" in response.json()["error"]

"""Every field form goes through the phone's outbox: JSON answers, once per client id, clear refusals."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coverage.models import FieldSubmission, OutreachEvent
from registry.models import Kim

from .photos import image_file
from .test_reports import JSON, SUBMIT, kim_proposal, report_data

PLAN = reverse("field:event-plan")
PROPOSE = reverse("field:kim-propose")


def plan_data(kecamatan, **fields):
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = {"client_id": str(uuid.uuid4()), "title": "Sosialisasi KIM", "kind": "sosialisasi"}
    return data | {"kecamatan": kecamatan.pk, "day": next_week} | fields


def test_a_plan_sent_twice_is_stored_once_and_the_retry_gets_the_first_receipt(agus_client, parenggean):
    data = plan_data(parenggean)
    first = agus_client.post(PLAN, data, **JSON)
    again = agus_client.post(PLAN, data, **JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["receipt"] == first.json()["receipt"] == FieldSubmission.objects.get().receipt
    assert first.json()["receipt"].startswith("REN-")
    assert OutreachEvent.objects.count() == 1


def test_a_proposal_sent_twice_is_stored_once_and_the_retry_gets_the_first_receipt(agus_client, parenggean):
    data = kim_proposal(parenggean.desa.exclude(code="62.02.04.1004").first(), [("Rina", 1)])
    data["client_id"] = str(uuid.uuid4())
    first = agus_client.post(PROPOSE, data, **JSON)
    again = agus_client.post(PROPOSE, data, **JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["receipt"] == first.json()["receipt"]
    assert first.json()["receipt"].startswith("USL-")
    assert (Kim.objects.count(), FieldSubmission.objects.get().kim.name) == (1, "KIM Tehang Maju")


def test_a_plan_with_another_officers_client_id_is_refused_and_gets_no_receipt(
    client, officer_parenggean, officer_baamang, parenggean, baamang
):
    client.force_login(officer_baamang)
    data = plan_data(baamang)
    client.post(PLAN, data, **JSON)
    client.force_login(officer_parenggean)
    response = client.post(PLAN, plan_data(parenggean, client_id=data["client_id"]), **JSON)
    assert response.status_code == 400
    assert "receipt" not in response.json()
    assert OutreachEvent.objects.count() == 1


def test_a_refused_proposal_names_the_pengurus_row_in_json(agus_client, parenggean):
    data = kim_proposal(parenggean.desa.first(), [("Rina", 1), ("Tono", 1)]) | {"client_id": str(uuid.uuid4())}
    response = agus_client.post(PROPOSE, data, **JSON)
    assert response.status_code == 400
    assert "Satu KIM hanya boleh memiliki satu ketua." in str(response.json()["errors"])


def test_a_request_too_large_is_refused_in_json_not_html(agus_client, parenggean, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = agus_client.post(SUBMIT, report_data(parenggean, summary="x" * 20_000), **JSON)
    assert response.status_code == 400
    assert response.json()["status"] == "refused"
    assert "terlalu besar" in response.json()["message"]


def test_too_many_files_are_refused_in_json_not_html(agus_client, parenggean, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    data = report_data(parenggean, photos=[image_file(), image_file(), image_file()])
    response = agus_client.post(SUBMIT, data, **JSON)
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")


def test_a_server_crash_is_answered_in_json(officer_parenggean, parenggean, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(officer_parenggean)

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("field.services.submit_report", crash)
    response = client.post(SUBMIT, report_data(parenggean), **JSON)
    assert (response.status_code, response.json()["status"]) == (500, "error")


def test_a_user_without_the_field_role_gets_403_in_json(client, kotim):
    from ..factories import make_user

    client.force_login(make_user(username="budi"))
    response = client.post(PLAN, {}, **JSON)
    assert (response.status_code, response["Content-Type"]) == (403, "application/json")


def test_an_unknown_field_address_gets_404_in_json(agus_client):
    response = agus_client.get("/petugas/laporan/999999/", **JSON)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_a_failed_csrf_check_gets_403_in_json(officer_parenggean, parenggean):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_parenggean)
    response = client.post(PLAN, plan_data(parenggean), **JSON)
    assert (response.status_code, response["Content-Type"]) == (403, "application/json")


def test_a_report_left_untitled_gets_a_title_from_its_kind_and_place(agus_client, parenggean):
    desa = parenggean.desa.first()
    data = report_data(parenggean, title="", desa=desa.pk)
    assert agus_client.post(SUBMIT, data, **JSON).status_code == 201
    assert OutreachEvent.objects.get().title == f"Sosialisasi KIM di {desa}"


def test_a_plan_left_untitled_gets_a_title_from_its_kind_and_kecamatan(agus_client, parenggean):
    agus_client.post(PLAN, plan_data(parenggean, title="", kind="pelatihan"), **JSON)
    assert OutreachEvent.objects.get().title == "Pelatihan KIM di Kecamatan Parenggean"


def test_the_report_form_caps_the_day_at_today(agus_client, parenggean):
    html = agus_client.get(reverse("field:report-new")).content.decode()
    assert f'max="{timezone.localdate().isoformat()}"' in html


def test_a_report_dated_tomorrow_is_refused(agus_client, parenggean):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = agus_client.post(SUBMIT, report_data(parenggean, day=tomorrow), **JSON)
    assert response.status_code == 400
    assert "Tanggal pelaksanaan tidak boleh di masa depan." in str(response.json()["errors"])


@pytest.mark.parametrize("url", [PLAN, PROPOSE, reverse("field:report-new")])
def test_every_field_form_is_queued_by_the_phone(agus_client, parenggean, url):
    html = agus_client.get(url).content.decode()
    assert "data-offline-form" in html and 'name="client_id"' in html

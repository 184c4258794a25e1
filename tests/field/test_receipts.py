"""Every item sent from the phone has its receipt page, as a report (LAP) does: plans (REN), KIM
proposals (USL) and activity entries (AKT). The outbox links each receipt to its page and the
service worker keeps it, so it opens without signal."""

import uuid

from django.urls import reverse

from .test_activity import ACTIVITY, activity_data, kim_in
from .test_outbox import PLAN, PROPOSE, plan_data
from .test_reports import JSON, kim_proposal


def test_a_plans_receipt_links_to_its_page_showing_the_plan(agus_client, parenggean):
    answer = agus_client.post(PLAN, plan_data(parenggean, title="Rapat KIM Tehang"), **JSON).json()
    page = agus_client.get(answer["url"])
    assert answer["url"].startswith("/petugas/kiriman/")
    assert answer["receipt"] in page.content.decode()
    assert "Rapat KIM Tehang" in page.content.decode()


def test_a_proposals_receipt_page_shows_the_kim_and_its_pengurus(agus_client, parenggean):
    data = kim_proposal(parenggean.desa.exclude(code="62.02.04.1004").first(), [("Rina", 1)])
    answer = agus_client.post(PROPOSE, data | {"client_id": str(uuid.uuid4())}, **JSON).json()
    html = agus_client.get(answer["url"]).content.decode()
    assert answer["receipt"].startswith("USL-")
    assert "KIM Tehang Maju" in html and "Rina" in html


def test_an_activitys_receipt_page_shows_the_entry_and_its_review(agus_client, parenggean):
    answer = agus_client.post(ACTIVITY, activity_data(kim_in(parenggean), note="Rapat bulanan Mei"), **JSON).json()
    html = agus_client.get(answer["url"]).content.decode()
    assert answer["url"].startswith("/petugas/aktivitas/")
    assert answer["receipt"] in html and "Rapat bulanan Mei" in html
    assert "Menunggu pemeriksaan" in html


def test_another_officers_receipt_page_is_not_found(agus_client, parenggean, client, officer_baamang):
    answer = agus_client.post(PLAN, plan_data(parenggean), **JSON).json()
    client.force_login(officer_baamang)
    assert client.get(answer["url"]).status_code == 404


def test_receipt_pages_are_in_the_field_area_the_service_worker_covers(agus_client):
    scope = reverse("field:home")
    assert reverse("field:submission-detail", args=[1]).startswith(scope)
    assert reverse("field:activity-detail", args=[1]).startswith(scope)

"""What staff decide reaches the officer: at the top of the phone's home page with its reason, as a
"Perbaiki dan kirim ulang" that opens the form prefilled, in the counts, and by client id for the
phone's outbox. A correction is a new submission linked to the refused one; both stay."""

import json
import re
import uuid

from django.test import Client
from django.urls import reverse

from coverage.models import FieldReport, FieldSubmission
from registry.models import Kim, KimActivity

from .test_activity import ACTIVITY, activity_data, kim_in
from .test_outbox import PROPOSE
from .test_reports import JSON, SUBMIT, kim_proposal, report_data

HOME = reverse("field:home")
REASON = "Jumlah peserta tidak cocok dengan daftar hadir."


def sent_report(client, kecamatan, **fields) -> FieldReport:
    data = report_data(kecamatan, **fields)
    response = client.post(SUBMIT, data, **JSON)
    assert response.status_code == 201, response.json()
    return FieldReport.objects.get(client_id=data["client_id"])


def sent_activity(client, kecamatan) -> KimActivity:
    data = activity_data(kim_in(kecamatan))
    assert client.post(ACTIVITY, data, **JSON).status_code == 201
    return KimActivity.objects.get(client_id=data["client_id"])


def sent_proposal(client, kecamatan) -> Kim:
    data = kim_proposal(kecamatan.desa.exclude(code="62.02.04.1004").first(), [("Rina", 1), ("Tono", 3)])
    data["client_id"] = str(uuid.uuid4())
    assert client.post(PROPOSE, data, **JSON).status_code == 201
    return FieldSubmission.objects.get(client_id=data["client_id"]).kim


def top_of_home(client) -> str:
    """The home page from its heading to the buttons below the decisions."""
    html = client.get(HOME).content.decode()
    return html[html.index("<h1") : html.index('class="actions"')]


def page_decisions(client) -> dict:
    html = client.get(HOME).content.decode()
    found = re.search(r'<script id="field-decisions" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_a_refused_report_opens_the_home_page_with_its_reason_and_a_way_to_fix_it(agus_client, parenggean, staff):
    report = sent_report(agus_client, parenggean)
    report.refuse(by=staff, reason=REASON)
    top = top_of_home(agus_client)
    assert REASON in top
    assert "Perbaiki dan kirim ulang" in top
    assert f"{reverse('field:report-new')}?perbaiki={report.client_id}" in top


def test_the_home_page_counts_staffs_refusals_and_acceptances(agus_client, parenggean, staff):
    sent_report(agus_client, parenggean).refuse(by=staff, reason=REASON)
    sent_activity(agus_client, parenggean).refuse(by=staff, reason=REASON)
    sent_proposal(agus_client, parenggean).verify(by=staff)
    top = top_of_home(agus_client)
    assert '<b data-count="refused">2</b>' in top
    assert '<b data-count="accepted">1</b>' in top


def test_a_refused_proposal_and_activity_are_on_top_with_their_reasons(agus_client, parenggean, staff):
    sent_proposal(agus_client, parenggean).refuse(by=staff, reason="Sudah ada KIM di desa ini.")
    sent_activity(agus_client, parenggean).refuse(by=staff, reason="Tautan tidak bisa dibuka.")
    top = top_of_home(agus_client)
    assert "Sudah ada KIM di desa ini." in top
    assert "Tautan tidak bisa dibuka." in top
    assert top.count("Perbaiki dan kirim ulang") == 2


def test_waiting_items_are_not_decisions_and_another_officers_refusals_are_not_mine(
    agus_client, parenggean, staff, officer_baamang, baamang
):
    client = Client()
    sent_report(agus_client, parenggean)
    client.force_login(officer_baamang)
    sent_report(client, baamang).refuse(by=staff, reason=REASON)
    client.force_login(FieldReport.objects.filter(event__kecamatan=parenggean).get().submitted_by)
    assert "Belum ada keputusan staf" in top_of_home(client)


def test_the_fix_form_is_prefilled_with_what_was_sent_and_names_the_refused_report(agus_client, parenggean, staff):
    report = sent_report(agus_client, parenggean, summary="Warga antusias sekali.")
    report.refuse(by=staff, reason=REASON)
    response = agus_client.get(reverse("field:report-new"), {"perbaiki": report.client_id})
    form = response.context["form"]
    assert form.initial["summary"] == "Warga antusias sekali."
    assert form.initial["corrects"] == report.client_id
    assert form.initial["client_id"] != report.client_id
    assert REASON in response.content.decode()
    assert f'value="{report.event.day.isoformat()}"' in response.content.decode()  # the phone's date input reads it


def test_a_correction_is_a_new_report_linked_to_the_refused_one_and_both_stay(agus_client, parenggean, staff):
    refused = sent_report(agus_client, parenggean)
    refused.refuse(by=staff, reason=REASON)
    corrected = sent_report(agus_client, parenggean, participants="35", corrects=str(refused.client_id))
    assert corrected.corrects == refused
    assert (corrected.review_status, FieldReport.objects.count()) == (FieldReport.Review.WAITING, 2)
    assert "Belum ada keputusan staf" in top_of_home(agus_client)


def test_a_correction_of_a_report_not_refused_is_refused_and_stores_nothing(agus_client, parenggean):
    waiting = sent_report(agus_client, parenggean)
    response = agus_client.post(SUBMIT, report_data(parenggean, corrects=str(waiting.client_id)), **JSON)
    assert response.status_code == 400
    assert FieldReport.objects.count() == 1


def test_another_officers_refused_report_cannot_be_corrected(agus_client, parenggean, staff, officer_baamang, baamang):
    client = Client()
    client.force_login(officer_baamang)
    theirs = sent_report(client, baamang)
    theirs.refuse(by=staff, reason=REASON)
    response = agus_client.get(reverse("field:report-new"), {"perbaiki": theirs.client_id})
    assert "corrects" not in response.context["form"].initial
    assert agus_client.post(SUBMIT, report_data(parenggean, corrects=str(theirs.client_id)), **JSON).status_code == 400


def test_a_corrected_activity_and_proposal_link_to_the_refused_ones(agus_client, parenggean, staff):
    activity = sent_activity(agus_client, parenggean)
    activity.refuse(by=staff, reason=REASON)
    response = agus_client.get(ACTIVITY, {"perbaiki": activity.client_id})
    assert response.context["form"].initial["note"] == activity.note
    data = activity_data(activity.kim, corrects=str(activity.client_id))
    assert agus_client.post(ACTIVITY, data, **JSON).status_code == 201
    assert KimActivity.objects.get(client_id=data["client_id"]).corrects == activity

    kim = sent_proposal(agus_client, parenggean)
    kim.refuse(by=staff, reason=REASON)
    client_id = kim.field_submission.client_id
    response = agus_client.get(PROPOSE, {"perbaiki": client_id})
    assert [f.initial.get("name") for f in response.context["pengurus"].forms[:2]] == ["Rina", "Tono"]
    data = kim_proposal(kim.desa, [("Rina", 1)]) | {"client_id": str(uuid.uuid4()), "corrects": str(client_id)}
    data["name"] = "KIM Tehang Maju Bersama"
    assert agus_client.post(PROPOSE, data, **JSON).status_code == 201
    assert Kim.objects.get(name="KIM Tehang Maju Bersama").corrects == kim


def test_the_phone_gets_staffs_decisions_by_client_id(agus_client, parenggean, staff):
    refused = sent_report(agus_client, parenggean)
    refused.refuse(by=staff, reason=REASON)
    accepted = sent_activity(agus_client, parenggean)
    accepted.verify(by=staff)
    answer = agus_client.get(reverse("field:decisions")).json()["decisions"]
    assert answer[str(refused.client_id)] | {"url": ""} == answer[str(refused.client_id)] | {
        "status": "refused",
        "reason": REASON,
        "url": "",
        "corrected": False,
    }
    assert answer[str(accepted.client_id)]["status"] == "accepted"
    assert page_decisions(agus_client) == answer  # the home page keeps them for offline use


def test_staff_see_on_the_corrected_reports_admin_page_which_refused_report_it_corrects(
    agus_client, parenggean, superuser, client
):
    refused = sent_report(agus_client, parenggean)
    refused.refuse(by=superuser, reason=REASON)
    corrected = sent_report(agus_client, parenggean, corrects=str(refused.client_id))
    client.force_login(superuser)
    html = client.get(reverse("admin:coverage_fieldreport_change", args=[corrected.pk])).content.decode()
    assert reverse("admin:coverage_fieldreport_change", args=[refused.pk]) in html
    assert REASON in html


def test_a_refused_reports_own_page_offers_the_fix(agus_client, parenggean, staff):
    report = sent_report(agus_client, parenggean)
    report.refuse(by=staff, reason=REASON)
    html = agus_client.get(report.get_absolute_url()).content.decode()
    assert f"?perbaiki={report.client_id}" in html

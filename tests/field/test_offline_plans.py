"""A report may name a plan still waiting in the phone's outbox (by the plan's client id). Plan and
report may then reach the server in either order; the rule: one event, the report's. If the plan
comes first, the report reports the plan's event; if the report comes first, the plan, when it
arrives, is attached to the report's held event. Either way the plan keeps its REN receipt."""

import uuid

from django.test import Client
from django.utils import timezone

from coverage.models import FieldReport, FieldSubmission, OutreachEvent

from .test_outbox import PLAN, plan_data
from .test_reports import JSON, SUBMIT, report_data


def offline_plan_and_report(kecamatan):
    """A plan for today and its report, both made without signal on the same phone."""
    today = timezone.localdate().isoformat()
    plan = plan_data(kecamatan, title="Sosialisasi KIM Tehang", day=today)
    report = report_data(kecamatan, title="Sosialisasi KIM Tehang", day=today, plan=plan["client_id"])
    return plan, report


def test_a_plan_arriving_before_its_report_is_the_event_reported(agus_client, parenggean):
    plan, report = offline_plan_and_report(parenggean)
    assert agus_client.post(PLAN, plan, **JSON).status_code == 201
    assert agus_client.post(SUBMIT, report, **JSON).status_code == 201
    event = OutreachEvent.objects.get()
    assert event.status == OutreachEvent.Status.HELD
    assert (event.submission.client_id, event.report.client_id) == (
        uuid.UUID(plan["client_id"]),
        uuid.UUID(report["client_id"]),
    )


def test_a_plan_arriving_after_its_report_joins_the_reported_event_instead_of_making_another(agus_client, parenggean):
    plan, report = offline_plan_and_report(parenggean)
    assert agus_client.post(SUBMIT, report, **JSON).status_code == 201
    answer = agus_client.post(PLAN, plan, **JSON)
    assert answer.status_code == 201
    assert answer.json()["receipt"].startswith("REN-")
    event = OutreachEvent.objects.get()
    assert (event.status, event.submission.client_id) == (OutreachEvent.Status.HELD, uuid.UUID(plan["client_id"]))


def test_a_plan_arriving_days_after_its_report_is_still_taken(agus_client, parenggean):
    plan, report = offline_plan_and_report(parenggean)
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    plan["day"] = report["day"] = yesterday  # the phone was without signal since
    assert agus_client.post(SUBMIT, report, **JSON).status_code == 201
    assert agus_client.post(PLAN, plan, **JSON).status_code == 201
    assert FieldSubmission.objects.get().event == FieldReport.objects.get().event


def test_a_plan_in_the_past_named_by_no_report_is_still_refused(agus_client, parenggean):
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    assert agus_client.post(PLAN, plan_data(parenggean, day=yesterday), **JSON).status_code == 400
    assert OutreachEvent.objects.count() == 0


def test_a_report_naming_another_officers_plan_makes_its_own_event(agus_client, parenggean):
    from ..factories import make_officer_user

    client = Client()
    client.force_login(make_officer_user(username="budi", kecamatan=[parenggean]))
    plan, report = offline_plan_and_report(parenggean)
    client.post(PLAN, plan, **JSON)
    assert agus_client.post(SUBMIT, report, **JSON).status_code == 201
    assert OutreachEvent.objects.count() == 2
    assert OutreachEvent.objects.planned().count() == 1

"""One review workflow (core.review): a KIM proposal, a field report and an officer's activity entry
are reviewed with the same fields, the same two decisions and the same words."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.review import Review, Reviewed
from coverage.models import FieldReport
from registry.models import Kim, KimActivity

from ..factories import make_event, make_kim, make_user

REVIEWED_MODELS = [Kim, KimActivity, FieldReport]


def waiting_items(officer, kecamatan):
    desa = kecamatan.desa.order_by("code").first()
    kim = make_kim(desa=desa, name="KIM Usulan", review_status=Review.WAITING, proposed_by=officer)
    accepted = make_kim(desa=desa, name="KIM Lama")
    activity = KimActivity.objects.create(
        kim=accepted, date=accepted.formed_on, kind="meeting", entered_by=officer, review_status=Review.WAITING
    )
    event = make_event(kecamatan=kecamatan)
    report = FieldReport.objects.create(client_id=uuid.uuid4(), event=event, submitted_by=officer, receipt="LAP-9")
    return [kim, activity, report]


def test_everything_staff_review_shares_one_model_and_one_vocabulary():
    for model in REVIEWED_MODELS:
        assert issubclass(model, Reviewed), model
        field = model._meta.get_field("review_status")
        assert list(field.choices) == [
            ("waiting", "Menunggu pemeriksaan"),
            ("accepted", "Diterima"),
            ("refused", "Ditolak"),
        ], model
        assert {f.name for f in model._meta.fields} >= {"reviewed_by", "reviewed_at", "review_reason"}, model


def test_each_is_accepted_and_refused_the_same_way(officer_parenggean, parenggean):
    staff = make_user(username="sari", is_staff=True)
    kim, activity, report = waiting_items(officer_parenggean, parenggean)
    for item in (kim, activity, report):
        assert item.awaits_decision
    kim.verify(by=staff)
    activity.refuse(by=staff, reason="Tautan tidak bisa dibuka.")
    report.refuse(by=staff, reason="Foto tidak jelas.")
    for item, status, reason in (
        (kim, Review.ACCEPTED, ""),
        (activity, Review.REFUSED, "Tautan tidak bisa dibuka."),
        (report, Review.REFUSED, "Foto tidak jelas."),
    ):
        item.refresh_from_db()
        assert (item.review_status, item.reviewed_by, item.review_reason) == (status, staff, reason)
        assert item.reviewed_at is not None
        assert item.history.first().history_change_reason == ("diterima" if not reason else f"ditolak: {reason}")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_refusal_without_a_reason_is_refused_in_indonesian_and_changes_nothing(
    officer_parenggean, parenggean, reason
):
    staff = make_user(username="sari", is_staff=True)
    for item in waiting_items(officer_parenggean, parenggean):
        with pytest.raises(ValidationError) as refused:
            item.refuse(by=staff, reason=reason)
        assert "Tuliskan alasan penolakan" in str(refused.value)
        item.refresh_from_db()
        assert item.awaits_decision


def test_a_refused_activity_entry_never_counts_and_its_officer_reads_why(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    """An activity entry could only be marked reviewed; now staff refuse it like a report, on its page."""
    _kim, activity, _report = waiting_items(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    page = client.get(reverse("admin:registry_kimactivity_change", args=[activity.pk])).content.decode()
    assert 'value="verify"' in page and 'value="refuse"' in page
    url = reverse("admin:registry_kimactivity_decision", args=[activity.pk])
    client.post(url, {"decision": "refuse", "reason": "Pertemuan ini sudah dicatat."})
    activity.refresh_from_db()
    assert activity.review_status == Review.REFUSED
    assert not KimActivity.objects.counted().filter(pk=activity.pk).exists()
    client.force_login(officer_parenggean)
    home = client.get("/petugas/").content.decode()
    assert "Ditolak" in home and "Pertemuan ini sudah dicatat." in home


def test_accepting_the_selected_rows_is_one_action_with_one_name_in_every_list(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    client.force_login(diskominfo_admin)
    for item in waiting_items(officer_parenggean, parenggean):
        changelist = reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_changelist")
        client.post(changelist, {"action": "verify", "_selected_action": [item.pk]})
        item.refresh_from_db()
        assert (item.review_status, item.reviewed_by) == (Review.ACCEPTED, diskominfo_admin), item

"""A field officer logs what a KIM did from the phone: once per client id, in their kecamatan, reviewed
by staff before it keeps the KIM active."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from field.services import log_activity
from registry.models import Kim, KimActivity
from registry.vitality import Vitality

from ..factories import make_kim
from .test_reports import JSON

ACTIVITY = reverse("field:activity-new")


def activity_data(kim, **fields):
    data = {"client_id": str(uuid.uuid4()), "kim": kim.pk, "date": timezone.localdate().isoformat()}
    return data | {"kind": "meeting", "link": "", "note": "Rapat pengurus bulanan"} | fields


def kim_in(kecamatan, **fields):
    return make_kim(desa=kecamatan.desa.first(), **fields)


def test_an_activity_sent_twice_is_stored_once_and_the_retry_gets_the_first_receipt(agus_client, parenggean):
    data = activity_data(kim_in(parenggean))
    first = agus_client.post(ACTIVITY, data, **JSON)
    again = agus_client.post(ACTIVITY, data, **JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["receipt"] == first.json()["receipt"] == KimActivity.objects.get().receipt
    assert first.json()["receipt"].startswith("AKT-")


def test_an_officers_activity_records_who_entered_it_and_waits_for_review(agus_client, parenggean, officer_parenggean):
    agus_client.post(ACTIVITY, activity_data(kim_in(parenggean)), **JSON)
    activity = KimActivity.objects.get()
    assert (activity.entered_by, activity.review_status) == (officer_parenggean, KimActivity.Review.WAITING)
    assert activity.history.count() == 1


def test_an_activity_dated_after_today_is_refused_and_nothing_is_stored(agus_client, parenggean):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = agus_client.post(ACTIVITY, activity_data(kim_in(parenggean), date=tomorrow), **JSON)
    assert response.status_code == 400
    assert "Tanggal aktivitas tidak boleh setelah hari ini." in str(response.json()["errors"])
    assert not KimActivity.objects.exists()


def test_an_activity_dated_before_2000_is_refused(agus_client, parenggean):
    response = agus_client.post(ACTIVITY, activity_data(kim_in(parenggean), date="1999-12-31"), **JSON)
    assert response.status_code == 400
    assert not KimActivity.objects.exists()


def test_a_kim_outside_the_officers_kecamatan_is_refused_with_an_indonesian_message(agus_client, baamang):
    response = agus_client.post(ACTIVITY, activity_data(kim_in(baamang)), **JSON)
    assert response.status_code == 400
    assert "KIM ini tidak ada di kecamatan tugas Anda" in str(response.json()["errors"])
    assert not KimActivity.objects.exists()


def test_a_link_that_is_not_http_is_refused(agus_client, parenggean):
    data = activity_data(kim_in(parenggean), link="javascript:alert(1)")
    assert agus_client.post(ACTIVITY, data, **JSON).status_code == 400
    assert not KimActivity.objects.exists()


def test_the_form_offers_only_verified_kim_of_the_officers_kecamatan(agus_client, parenggean, baamang):
    mine = kim_in(parenggean, name="KIM Tehang Maju")
    kim_in(parenggean, name="KIM Masih Diusulkan", review_status=Kim.Review.WAITING)
    kim_in(baamang, name="KIM Baamang Jaya")
    page = agus_client.get(ACTIVITY).content.decode()
    assert mine.name in page
    assert "KIM Masih Diusulkan" not in page and "KIM Baamang Jaya" not in page


def test_an_officers_activity_keeps_a_kim_active_only_once_staff_reviewed_it(agus_client, parenggean, staff, settings):
    kim = kim_in(parenggean, formed_on=date(2021, 1, 1))
    agus_client.post(ACTIVITY, activity_data(kim), **JSON)
    today = timezone.localdate()
    assert Kim.objects.with_vitality(today).get(pk=kim.pk).vitality == Vitality.QUIET
    KimActivity.objects.get().verify(by=staff)
    assert Kim.objects.with_vitality(today).get(pk=kim.pk).vitality == Vitality.ACTIVE


def test_the_home_page_lists_my_activity_entries_with_their_review_state(agus_client, parenggean):
    agus_client.post(ACTIVITY, activity_data(kim_in(parenggean, name="KIM Tehang Maju")), **JSON)
    page = agus_client.get(reverse("field:home")).content.decode()
    assert "KIM Tehang Maju" in page
    assert "menunggu pemeriksaan" in page


def test_staff_mark_an_officers_activity_reviewed_from_the_admin(staff_client, officer_parenggean, parenggean):
    kim = kim_in(parenggean)
    KimActivity.objects.create(
        kim=kim, date=timezone.localdate(), kind="meeting", entered_by=officer_parenggean, review_status="waiting"
    )
    url = reverse("admin:registry_kimactivity_changelist")
    staff_client.post(url, {"action": "verify", "_selected_action": [KimActivity.objects.get().pk]})
    assert KimActivity.objects.get().review_status == KimActivity.Review.ACCEPTED
    assert staff_client.get(url, {"review_status__exact": "waiting"}).context["cl"].result_count == 0


def test_an_officer_who_chose_english_logs_activity_in_english(agus_client, parenggean):
    agus_client.post("/petugas/bahasa/", {"language": "en", "next": ACTIVITY})
    page = agus_client.get(ACTIVITY).content.decode()
    assert "Log KIM activity" in page and "Kind of activity" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = agus_client.post(ACTIVITY, activity_data(kim_in(parenggean), date=tomorrow), **JSON)
    assert "The activity date cannot be after today." in str(refused.json()["errors"])


def test_the_activity_form_is_kept_on_the_phone_when_the_officer_logs_in(agus_client):
    worker = agus_client.get(reverse("field:sw")).content.decode()
    assert f'"{ACTIVITY}"' in worker


def test_the_service_refuses_a_kim_outside_the_officers_kecamatan(officer_parenggean, baamang):
    with pytest.raises(ValidationError, match="tidak berada di kecamatan tugas Anda"):
        log_activity(
            user=officer_parenggean, client_id=uuid.uuid4(), kim=kim_in(baamang), on=date(2024, 5, 1), kind="meeting"
        )
    assert not KimActivity.objects.exists()

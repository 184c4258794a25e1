"""Field officers report held events: once per phone-made id, with photos, refused clearly when wrong."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coverage.models import FieldReport, OutreachEvent, ReportPhoto
from registry.models import Desa, Kim

from ..factories import make_event, make_kim
from .photos import gps_of, image_file, jpeg_with_gps

SUBMIT = reverse("field:report-submit")
JSON = {"HTTP_ACCEPT": "application/json"}


def report_data(kecamatan, **fields):
    data = {
        "client_id": str(uuid.uuid4()),
        "title": "Sosialisasi KIM di Desa Tehang",
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "kecamatan": kecamatan.pk,
        "day": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "participants": "30",
        "participants_women": "12",
        "participants_men": "18",
        "summary": "Warga antusias membentuk KIM.",
        "outcome": "Calon pengurus terpilih.",
        "follow_up": "Rapat pembentukan minggu depan.",
    }
    data.update(fields)
    return data


def test_a_report_creates_a_held_event_and_answers_with_a_receipt(agus_client, parenggean):
    response = agus_client.post(SUBMIT, report_data(parenggean), **JSON)
    report = FieldReport.objects.get()
    assert response.status_code == 201
    assert response.json()["receipt"] == report.receipt
    assert report.receipt.startswith(f"LAP-{timezone.localdate():%Y}-")
    assert (report.event.status, report.event.participants_women) == (OutreachEvent.Status.HELD, 12)


def test_sending_the_same_report_again_returns_the_first_receipt_and_stores_nothing_new(agus_client, parenggean):
    data = report_data(parenggean)
    first = agus_client.post(SUBMIT, data, **JSON).json()
    again = agus_client.post(SUBMIT, {**data, "photos": image_file()}, **JSON)
    assert again.status_code == 200
    assert again.json()["receipt"] == first["receipt"]
    assert (FieldReport.objects.count(), OutreachEvent.objects.count(), ReportPhoto.objects.count()) == (1, 1, 0)


def test_reporting_a_planned_event_marks_that_event_held(agus_client, parenggean):
    planned = make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now())
    data = {**report_data(parenggean, event=planned.pk, title="", kind=""), "kecamatan": ""}
    assert agus_client.post(SUBMIT, data, **JSON).status_code == 201
    planned.refresh_from_db()
    assert planned.status == OutreachEvent.Status.HELD
    assert planned.report.submitted_by.username == "agus"


def test_a_report_with_a_gps_tagged_photo_stores_the_photo_without_gps(agus_client, parenggean):
    data = report_data(parenggean, photos=[jpeg_with_gps(), image_file()])
    assert agus_client.post(SUBMIT, data, **JSON).status_code == 201
    stored = ReportPhoto.objects.order_by("pk")
    assert stored.count() == 2
    assert gps_of(stored[0].image.read()) == {}


def test_a_refused_report_says_why_in_indonesian_and_saves_nothing(agus_client, parenggean):
    fake = image_file(fmt="GIF", name="animasi.gif")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = agus_client.post(SUBMIT, report_data(parenggean, day=tomorrow, photos=[fake]), **JSON)
    messages = {e["field"]: e["messages"] for e in response.json()["errors"]}
    assert response.status_code == 400
    assert messages["day"] == ["Tanggal pelaksanaan tidak boleh di masa depan."]
    assert "Hanya foto JPEG atau PNG" in messages["photos"][0]
    assert not OutreachEvent.objects.exists() and not FieldReport.objects.exists()


def test_more_than_three_photos_are_refused(agus_client, parenggean):
    data = report_data(parenggean, photos=[image_file(name=f"{n}.png") for n in range(4)])
    response = agus_client.post(SUBMIT, data, **JSON)
    assert response.json()["errors"][0]["messages"] == ["Paling banyak 3 foto per laporan."]
    assert not ReportPhoto.objects.exists()


def test_women_and_men_cannot_outnumber_the_participants(agus_client, parenggean):
    data = report_data(parenggean, participants="10", participants_women="8", participants_men="8")
    response = agus_client.post(SUBMIT, data, **JSON)
    assert "melebihi jumlah peserta" in response.content.decode()
    assert not OutreachEvent.objects.exists()


def test_a_report_without_javascript_gets_a_receipt_page(agus_client, parenggean):
    response = agus_client.post(SUBMIT, report_data(parenggean), follow=True)
    assert f"Tanda terima {FieldReport.objects.get().receipt}" in response.content.decode()


def test_a_kim_of_another_kecamatan_cannot_be_named_in_a_report(agus_client, parenggean):
    other = make_kim(desa=Desa.objects.get(code="62.02.05.1002"))
    response = agus_client.post(SUBMIT, report_data(parenggean, kims=[other.pk]), **JSON)
    assert response.status_code == 400
    assert not OutreachEvent.objects.exists()


def test_an_officer_sees_the_reports_the_server_holds_for_his_kecamatan(agus_client, parenggean):
    agus_client.post(SUBMIT, report_data(parenggean), **JSON)
    html = agus_client.get(reverse("field:report-list")).content.decode()
    assert FieldReport.objects.get().receipt in html


def test_the_home_page_shows_my_kecamatan_with_the_shared_coverage_numbers(agus_client, demo):
    html = agus_client.get(reverse("field:home")).content.decode()
    assert "Parenggean" in html and "Baamang" not in html
    assert "1 dari 15 desa/kelurahan ber-KIM" in html
    assert "Sosialisasi KIM di Kelurahan Parenggean" in html


def test_an_officer_plans_an_event_in_his_kecamatan(agus_client, parenggean):
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    data = {"title": "Sosialisasi KIM", "kind": "sosialisasi", "kecamatan": parenggean.pk, "day": next_week}
    assert agus_client.post(reverse("field:event-plan"), data).status_code == 302
    event = OutreachEvent.objects.get()
    assert (event.status, event.responsible.username) == (OutreachEvent.Status.PLANNED, "agus")


def test_a_plan_in_the_past_is_refused_in_indonesian(agus_client, parenggean):
    data = {"title": "Sosialisasi", "kind": "sosialisasi", "kecamatan": parenggean.pk, "day": "2022-01-01"}
    response = agus_client.post(reverse("field:event-plan"), data)
    assert "Tanggal rencana tidak boleh di masa lalu." in response.content.decode()
    assert not OutreachEvent.objects.exists()


def kim_proposal(desa, pengurus):
    data = {
        "name": "KIM Tehang Maju",
        "desa": desa.pk,
        "formed_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "pengurus-TOTAL_FORMS": str(len(pengurus)),
        "pengurus-INITIAL_FORMS": "0",
        "pengurus-MIN_NUM_FORMS": "1",
        "pengurus-MAX_NUM_FORMS": "15",
    }
    for index, (name, role) in enumerate(pengurus):
        data |= {f"pengurus-{index}-name": name, f"pengurus-{index}-role": str(role), f"pengurus-{index}-phone": ""}
    return data


def test_a_proposed_kim_is_pending_with_its_pengurus_and_its_proposer(agus_client, parenggean):
    desa = parenggean.desa.exclude(code="62.02.04.1004").first()
    response = agus_client.post(reverse("field:kim-propose"), kim_proposal(desa, [("Rina", 1), ("Tono", 3)]))
    kim = Kim.objects.get()
    assert response.status_code == 302
    assert (kim.review_status, kim.proposed_by.username, kim.pengurus.count()) == ("waiting", "agus", 2)


def test_a_proposal_with_two_ketua_saves_nothing(agus_client, parenggean):
    desa = parenggean.desa.first()
    response = agus_client.post(reverse("field:kim-propose"), kim_proposal(desa, [("Rina", 1), ("Tono", 1)]))
    assert "Satu KIM hanya boleh memiliki satu ketua." in response.content.decode()
    assert not Kim.objects.exists()


def test_a_proposal_without_officers_is_refused(agus_client, parenggean):
    response = agus_client.post(reverse("field:kim-propose"), kim_proposal(parenggean.desa.first(), []))
    assert "Isi paling sedikit satu pengurus." in response.content.decode()
    assert not Kim.objects.exists()


def test_the_history_of_a_reported_event_names_the_officer(agus_client, parenggean, officer_parenggean):
    agus_client.post(SUBMIT, report_data(parenggean), **JSON)
    assert OutreachEvent.objects.get().history.latest().history_user == officer_parenggean


def test_an_event_reported_early_in_the_morning_of_its_day_is_accepted(agus_client, parenggean, settings):
    today = timezone.localdate().isoformat()  # the default hour (09:00) may still lie ahead
    assert agus_client.post(SUBMIT, report_data(parenggean, day=today), **JSON).status_code == 201
    assert OutreachEvent.objects.get().starts_at <= timezone.now()


def test_field_pages_cost_a_fixed_number_of_queries(agus_client, parenggean, django_assert_max_num_queries):
    for n in range(15):
        agus_client.post(SUBMIT, report_data(parenggean, photos=[image_file()]), **JSON)
        make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now())
        make_kim(desa=parenggean.desa.all()[n], review_status=Kim.Review.WAITING)
    staff = get_user_model().objects.create(username="dewi", is_staff=True)
    for n, report in enumerate(FieldReport.objects.all()):  # staff's decisions head the home page
        report.refuse(by=staff, reason="Foto kurang jelas.") if n % 2 else report.verify(by=staff)
    # The home page reads staff's decisions once per kind (reports, proposals, activity entries).
    for name, budget in (("field:home", 14), ("field:report-list", 12), ("field:report-new", 12)):
        with django_assert_max_num_queries(budget):
            assert agus_client.get(reverse(name)).status_code == 200


def test_two_deliveries_racing_with_the_same_id_store_one_report(
    agus_client, parenggean, officer_parenggean, monkeypatch
):
    from field import services
    from field.forms import ReportForm

    form = ReportForm(report_data(parenggean), user=officer_parenggean)
    assert form.is_valid()
    # The other request stores the same report between this one's check and its insert.
    agus_client.post(SUBMIT, {**report_data(parenggean), "client_id": str(form.cleaned_data["client_id"])}, **JSON)
    real, first_check = services.existing_report, []

    def too_late_to_see_it(**kwargs):
        if not first_check:
            first_check.append(True)
            return None
        return real(**kwargs)

    monkeypatch.setattr(services, "existing_report", too_late_to_see_it)
    report, created = services.submit_report(user=officer_parenggean, **form.submission())
    assert (created, FieldReport.objects.count(), OutreachEvent.objects.count()) == (False, 1, 1)
    assert report == FieldReport.objects.get()


def test_a_report_that_fails_to_store_leaves_no_photo_files_behind(
    agus_client, parenggean, officer_parenggean, monkeypatch, media_root
):
    from field import services
    from field.forms import ReportForm

    form = ReportForm(report_data(parenggean), {"photos": [image_file()]}, user=officer_parenggean)
    assert form.is_valid()
    monkeypatch.setattr(FieldReport, "make_receipt", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.submit_report(user=officer_parenggean, **form.submission())
    assert not ReportPhoto.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_a_report_for_an_event_another_officer_just_reported_is_refused_with_a_reason(
    agus_client, parenggean, officer_parenggean, monkeypatch
):
    from field import services
    from field.forms import ReportForm

    planned = make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, starts_at=timezone.now())
    first = ReportForm(report_data(parenggean, event=planned.pk), user=officer_parenggean)
    second = ReportForm(report_data(parenggean, event=planned.pk), user=officer_parenggean)
    assert first.is_valid() and second.is_valid()  # both checked before either was stored
    services.submit_report(user=officer_parenggean, **first.submission())
    with pytest.raises(ValidationError) as refused:
        services.submit_report(user=officer_parenggean, **second.submission())
    assert "baru saja dilaporkan" in str(refused.value.message_dict["event"])
    assert FieldReport.objects.count() == 1


def test_a_report_dated_in_year_one_is_refused_and_nothing_is_stored(agus_client, parenggean):
    response = agus_client.post(SUBMIT, report_data(parenggean, day="0001-01-01"), **JSON)
    messages = {e["field"]: e["messages"] for e in response.json()["errors"]}
    assert response.status_code == 400
    assert messages["day"] == ["Tanggal paling awal adalah 1 Januari 2000."]
    assert not OutreachEvent.objects.exists()


def test_a_proposal_formed_before_2000_is_refused(agus_client, parenggean):
    data = {**kim_proposal(parenggean.desa.first(), [("Rina", 1)]), "formed_on": "0001-01-01"}
    response = agus_client.post(reverse("field:kim-propose"), data)
    assert "Tanggal paling awal adalah 1 Januari 2000." in response.content.decode()
    assert not Kim.objects.exists()


@pytest.mark.parametrize("field", ["summary", "outcome", "follow_up"])
def test_a_report_text_over_2000_characters_is_refused_in_indonesian(agus_client, parenggean, field):
    response = agus_client.post(SUBMIT, report_data(parenggean, **{field: "a" * 2001}), **JSON)
    messages = {e["field"]: e["messages"] for e in response.json()["errors"]}
    assert response.status_code == 400
    assert "paling banyak 2000 karakter" in messages[field][0]
    assert not OutreachEvent.objects.exists()


def test_the_report_service_refuses_a_text_over_the_limit_whoever_calls_it(parenggean, officer_parenggean):
    from field import services
    from field.forms import ReportForm

    form = ReportForm(report_data(parenggean), user=officer_parenggean)
    assert form.is_valid()
    submission = form.submission()
    submission["held"] = services.HeldEvent(on=submission["held"].on, summary="a" * 2001)
    with pytest.raises(ValidationError) as refused:
        services.submit_report(user=officer_parenggean, **submission)
    assert "summary" in refused.value.message_dict
    assert not FieldReport.objects.exists()


def test_a_proposal_with_more_than_15_pengurus_is_refused(agus_client, parenggean):
    pengurus = [("Rina", 1)] + [(f"Anggota {n}", 9) for n in range(39)]
    data = kim_proposal(parenggean.desa.first(), pengurus) | {"pengurus-MAX_NUM_FORMS": "1000"}
    response = agus_client.post(reverse("field:kim-propose"), data)
    assert response.status_code == 400
    assert not Kim.objects.exists()
    assert "15" in response.content.decode()


def test_a_photo_whose_file_is_missing_answers_404_not_a_server_error(agus_client, parenggean):
    agus_client.post(SUBMIT, report_data(parenggean, photos=[image_file()]), **JSON)
    photo = ReportPhoto.objects.get()
    photo.image.storage.delete(photo.image.name)
    assert agus_client.get(reverse("field:photo", args=[photo.pk])).status_code == 404

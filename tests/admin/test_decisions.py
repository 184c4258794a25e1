"""Staff verify or refuse, with a reason, a field officer's KIM proposal and report on its own page."""

import uuid

from django.urls import reverse

from coverage.models import FieldReport
from coverage.queries import Stage, kecamatan_coverage
from registry.models import Kim

from ..factories import make_event, make_kim


def propose(officer, kecamatan, name="KIM Tunas Harapan"):
    desa = kecamatan.desa.order_by("code").first()  # a real desa of Kotim's regions
    return make_kim(desa=desa, name=name, review_status=Kim.Review.WAITING, proposed_by=officer)


def decide(client, obj, **data):
    name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_decision"
    return client.post(reverse(name, args=[obj.pk]), data, follow=True)


def test_a_pending_kims_page_offers_verify_and_refuse_and_a_verified_ones_does_not(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    kim = propose(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    page = client.get(reverse("admin:registry_kim_change", args=[kim.pk])).content.decode()
    assert 'value="verify"' in page and 'value="refuse"' in page
    kim.verify(by=diskominfo_admin)
    assert 'value="refuse"' not in client.get(reverse("admin:registry_kim_change", args=[kim.pk])).content.decode()


def test_refusing_a_proposal_keeps_the_reason_which_the_officer_then_reads(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    kim = propose(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    page = decide(client, kim, decision="refuse", reason="SK belum ditandatangani camat.").content.decode()
    assert "KIM Tunas Harapan ditolak." in page
    kim.refresh_from_db()
    assert (kim.review_status, kim.review_reason) == (Kim.Review.REFUSED, "SK belum ditandatangani camat.")
    assert kim.history.first().history_change_reason == "ditolak: SK belum ditandatangani camat."
    client.force_login(officer_parenggean)
    assert "SK belum ditandatangani camat." in client.get("/petugas/").content.decode()


def test_refusing_without_a_reason_is_refused_and_changes_nothing(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    kim = propose(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    page = decide(client, kim, decision="refuse", reason="  ").content.decode()
    assert "Tuliskan alasan penolakan." in page
    kim.refresh_from_db()
    assert kim.review_status == Kim.Review.WAITING


def test_verifying_from_the_page_makes_the_kecamatan_covered(client, diskominfo_admin, officer_parenggean, parenggean):
    kim = propose(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    decide(client, kim, decision="verify")
    kim.refresh_from_db()
    assert kim.review_status == Kim.Review.ACCEPTED and kim.reviewed_by == diskominfo_admin
    row = next(
        k
        for k in kecamatan_coverage(kabupaten=parenggean.kabupaten, on=kim.formed_on).kecamatan
        if k.code == parenggean.code
    )
    assert row.active_kim == 1


def test_a_refused_proposal_is_no_kim_formed_for_its_kecamatan(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    kim = propose(officer_parenggean, parenggean)
    kim.refuse(by=diskominfo_admin, reason="Nama ganda.")
    row = next(
        k
        for k in kecamatan_coverage(kabupaten=parenggean.kabupaten, on=kim.formed_on).kecamatan
        if k.code == parenggean.code
    )
    assert row.stage == Stage.NO_ACTIVITY


def test_a_decided_proposal_is_not_decided_again(client, diskominfo_admin, officer_parenggean, parenggean):
    kim = propose(officer_parenggean, parenggean)
    kim.refuse(by=diskominfo_admin, reason="Nama ganda.")
    client.force_login(diskominfo_admin)
    assert "Sudah diputuskan sebelumnya" in decide(client, kim, decision="verify").content.decode()
    kim.refresh_from_db()
    assert kim.review_status == Kim.Review.REFUSED


def make_report(officer, kecamatan):
    event = make_event(kecamatan=kecamatan, summary="Sosialisasi di balai desa.")
    return FieldReport.objects.create(
        client_id=uuid.uuid4(), event=event, submitted_by=officer, receipt="LAP-2026-00009"
    )


def test_refusing_a_field_report_shows_the_reason_to_its_officer(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    report = make_report(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    decide(client, report, decision="refuse", reason="Foto tidak menunjukkan kegiatan.")
    report.refresh_from_db()
    assert report.review_status == FieldReport.Review.REFUSED and report.reviewed_by == diskominfo_admin
    client.force_login(officer_parenggean)
    page = client.get(reverse("field:report-detail", args=[report.pk])).content.decode()
    assert "Foto tidak menunjukkan kegiatan." in page and "Ditolak" in page


def test_verifying_a_field_report_marks_it_reviewed(client, diskominfo_admin, officer_parenggean, parenggean):
    report = make_report(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    decide(client, report, decision="verify")
    report.refresh_from_db()
    assert report.review_status == FieldReport.Review.ACCEPTED


def test_a_reason_over_1000_characters_is_refused(client, diskominfo_admin, officer_parenggean, parenggean):
    kim = propose(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    decide(client, kim, decision="refuse", reason="x" * 1001)
    kim.refresh_from_db()
    assert kim.review_status == Kim.Review.WAITING


def test_a_field_reports_page_shows_everything_the_officer_sent(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    report = make_report(officer_parenggean, parenggean)
    event = report.event
    event.participants, event.participants_women, event.participants_men = 30, 18, 12
    event.outcome, event.follow_up = "Warga sepakat membentuk KIM.", "Rapat pembentukan bulan depan."
    event.save()
    client.force_login(diskominfo_admin)
    page = client.get(reverse("admin:coverage_fieldreport_change", args=[report.pk])).content.decode()
    assert "30 orang (perempuan 18, laki-laki 12)" in page
    assert "Sosialisasi di balai desa." in page
    assert "Warga sepakat membentuk KIM." in page and "Rapat pembentukan bulan depan." in page


def test_a_refused_reports_event_stays_off_the_public_pages(client, diskominfo_admin, officer_parenggean, parenggean):
    from coverage.models import OutreachEvent

    report = make_report(officer_parenggean, parenggean)
    report.refuse(by=diskominfo_admin, reason="Kegiatan tidak terjadi.")
    assert not OutreachEvent.objects.public().filter(pk=report.event_id).exists()
    report.verify(by=diskominfo_admin)  # a later review after a phone call
    assert OutreachEvent.objects.public().filter(pk=report.event_id).exists()

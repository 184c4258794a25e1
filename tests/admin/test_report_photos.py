"""Staff deciding on a field report see its photos beside the Keputusan box (field.admin.FieldReportAdmin)."""

import re
import uuid

from coverage.models import FieldReport, ReportPhoto

from ..factories import make_event
from ..field.photos import image_file


def report_with_photos(officer, kecamatan, n=2):
    report = FieldReport.objects.create(
        client_id=uuid.uuid4(), event=make_event(kecamatan=kecamatan), submitted_by=officer
    )
    for i in range(n):
        ReportPhoto.objects.create(report=report, image=image_file(name=f"foto-{i}.png"))
    return report


def decision_row(html):
    match = re.search(r'<div class="decision-row">(.*?)</div>\s*(?:<form|<div)', html, re.S)
    return match.group(1) if match else ""


def test_a_waiting_reports_photos_are_beside_the_decision_not_below_the_form(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    report = report_with_photos(officer_parenggean, parenggean)
    client.force_login(diskominfo_admin)
    html = client.get(f"/admin/coverage/fieldreport/{report.pk}/change/").content.decode()
    row = decision_row(html)
    assert "Keputusan" in row and "Foto laporan (2)" in row
    assert [f"/petugas/foto/{p.pk}/" in row for p in report.photos.all()] == [True, True]
    assert 'id="photos-group"' not in html  # not twice


def test_a_decided_report_keeps_its_photos_in_the_form(client, diskominfo_admin, officer_parenggean, parenggean):
    report = report_with_photos(officer_parenggean, parenggean, n=1)
    report.verify(by=diskominfo_admin)
    client.force_login(diskominfo_admin)
    html = client.get(f"/admin/coverage/fieldreport/{report.pk}/change/").content.decode()
    assert 'class="decision-row"' not in html
    assert 'id="photos-group"' in html

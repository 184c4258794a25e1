"""Staff see in the field report list which reports came with an imprecise location (issue 11)."""

import uuid

from django.utils import timezone

from coverage.models import FieldReport

from ..factories import make_event


def report(officer, kecamatan, receipt, accuracy=None):
    located = {}
    if accuracy is not None:
        located = {"latitude": -2.0, "longitude": 112.9, "location_accuracy": accuracy, "located_at": timezone.now()}
    return FieldReport.objects.create(
        client_id=uuid.uuid4(), event=make_event(kecamatan=kecamatan), submitted_by=officer, receipt=receipt, **located
    )


def test_the_report_list_flags_an_imprecise_location_in_its_own_column(
    client, diskominfo_admin, officer_parenggean, parenggean
):
    report(officer_parenggean, parenggean, "LAP-1", accuracy=30)
    report(officer_parenggean, parenggean, "LAP-2", accuracy=1500)
    report(officer_parenggean, parenggean, "LAP-3")
    client.force_login(diskominfo_admin)
    html = client.get("/admin/coverage/fieldreport/").content.decode()
    cells = dict(
        (receipt, html.split(f">{receipt}</a>")[1].split('<td class="field-location_flag">')[1].split("</td>")[0])
        for receipt in ("LAP-1", "LAP-2", "LAP-3")
    )
    assert cells == {
        "LAP-1": "presisi",
        "LAP-2": '<strong class="location-imprecise">⚠ tidak presisi</strong>',
        "LAP-3": "tanpa lokasi",
    }


def test_the_imprecise_column_agrees_with_the_location_filter(client, diskominfo_admin, officer_parenggean, parenggean):
    report(officer_parenggean, parenggean, "LAP-1", accuracy=30)
    report(officer_parenggean, parenggean, "LAP-2", accuracy=501)
    client.force_login(diskominfo_admin)
    listed = client.get("/admin/coverage/fieldreport/", {"lokasi": "tidak-presisi"}).content.decode()
    assert "LAP-2" in listed and "LAP-1" not in listed
    assert listed.count("⚠ tidak presisi") == 1

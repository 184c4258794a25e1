"""An event a field officer reports counts for nothing public until staff review the report."""

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coverage.models import FieldReport, OutreachEvent
from coverage.queries import Stage, kecamatan_coverage, monthly_progress
from field import services
from opendata.datasets import DATASETS

from ..factories import make_event, make_kim

TITLE = "Sosialisasi Rahasia Qzx Tehang"


def officer_report(officer, kecamatan, *, title=TITLE, kims=(), event=None) -> FieldReport:
    """What field.services.submit_report stores for a report sent from the phone."""
    event = event or OutreachEvent(
        title=title, kind=OutreachEvent.Kind.SOSIALISASI, kecamatan=kecamatan, responsible=officer
    )
    held = services.HeldEvent(on=timezone.localdate() - timedelta(days=1), participants=40, summary="Warga hadir.")
    report, _created = services.submit_report(
        user=officer, client_id=uuid.uuid4(), event=event, held=held, kims=kims, photos=[]
    )
    return report


def public_addresses(kecamatan, kim) -> list[str]:
    """Every public page and every open-data download that could show an event."""
    pages = ["/", "/en/", f"/kecamatan/{kecamatan.code}/", f"/kim/{kim.pk}/", "/kim/", "/data/"]
    downloads = [f"/data/{slug}.{fmt}" for slug in DATASETS for fmt in ("csv", "json")]
    return pages + downloads


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def public_text(client, kecamatan, kim) -> str:
    texts = []
    for address in public_addresses(kecamatan, kim):
        response = client.get(address)
        assert response.status_code == 200, address
        texts.append(body(response))
    return "\n".join(texts)


def parenggean_row(client) -> dict:
    rows = json.loads(body(client.get("/data/coverage.json")))["kecamatan"]
    return next(r for r in rows if r["code"] == "62.02.04")


def test_an_unreviewed_report_shows_on_no_public_page_or_download(client, parenggean, officer_parenggean):
    kim = make_kim(desa=parenggean.desa.first())
    officer_report(officer_parenggean, parenggean, kims=[kim])
    assert TITLE not in public_text(client, parenggean, kim)


def test_a_reviewed_report_shows_on_the_kecamatan_page_the_kim_profile_and_the_events_download(
    client, parenggean, officer_parenggean, staff
):
    kim = make_kim(desa=parenggean.desa.first())
    report = officer_report(officer_parenggean, parenggean, kims=[kim])
    client.get(f"/kecamatan/{parenggean.code}/")  # cached while the report waits
    report.verify(by=staff)
    for address in (f"/kecamatan/{parenggean.code}/", f"/kim/{kim.pk}/", "/data/events.csv", "/data/events.json"):
        assert TITLE in body(client.get(address)), address


def test_an_unreviewed_report_does_not_move_the_kecamatan_stage_until_staff_review_it(
    client, parenggean, officer_parenggean, staff
):
    report = officer_report(officer_parenggean, parenggean)
    waiting = parenggean_row(client)
    report.verify(by=staff)
    reviewed = parenggean_row(client)
    assert (waiting["stage"], waiting["last_event"], waiting["held_this_year"]) == ("no_activity", None, 0)
    assert (reviewed["stage"], reviewed["held_this_year"]) == ("held", 1)


def test_an_unreviewed_report_is_not_counted_in_the_progress_chart(kotim, parenggean, officer_parenggean, staff):
    report = officer_report(officer_parenggean, parenggean)
    before = sum(p.held_events for p in monthly_progress(kabupaten=kotim, on=timezone.localdate()))
    report.verify(by=staff)
    after = sum(p.held_events for p in monthly_progress(kabupaten=kotim, on=timezone.localdate()))
    assert (before, after) == (0, 1)


def test_a_reported_plan_leaves_the_public_pages_until_its_report_is_reviewed(
    client, parenggean, officer_parenggean, staff
):
    plan = make_event(
        kecamatan=parenggean,
        title=TITLE,
        status=OutreachEvent.Status.PLANNED,
        starts_at=timezone.now() - timedelta(days=1),
    )
    report = officer_report(officer_parenggean, parenggean, event=plan)
    waiting = kecamatan_coverage(kabupaten=parenggean.kabupaten, on=timezone.localdate())
    report.verify(by=staff)
    reviewed = kecamatan_coverage(kabupaten=parenggean.kabupaten, on=timezone.localdate())
    row = {k.code: k for k in waiting.kecamatan}[parenggean.code]
    assert (row.stage, row.overdue_events) == (Stage.NO_ACTIVITY, 0)
    assert {k.code: k for k in reviewed.kecamatan}[parenggean.code].stage == Stage.HELD


def test_events_staff_record_themselves_stay_public(client, parenggean):
    make_event(kecamatan=parenggean, title=TITLE)
    assert TITLE in body(client.get(f"/kecamatan/{parenggean.code}/"))
    assert TITLE in body(client.get("/data/events.csv"))


def test_the_officer_sees_their_report_waiting_then_reviewed(agus_client, parenggean, officer_parenggean, staff):
    report = officer_report(officer_parenggean, parenggean)
    waiting = body(agus_client.get(reverse("field:report-list")))
    report.verify(by=staff)
    reviewed = body(agus_client.get(report.get_absolute_url()))
    assert "Menunggu pemeriksaan" in waiting
    assert "Diterima" in reviewed and "Menunggu pemeriksaan" not in reviewed


def test_staff_publish_reports_with_the_admin_action(staff_client, parenggean, officer_parenggean):
    report = officer_report(officer_parenggean, parenggean)
    staff_client.post(
        reverse("admin:coverage_fieldreport_changelist"),
        {"action": "verify", "_selected_action": [report.pk]},
    )
    assert OutreachEvent.objects.public().filter(pk=report.event_id).exists()


def queries_of(client, addresses) -> dict[str, int]:
    counts = {}
    for address in addresses:
        with CaptureQueriesContext(connection) as captured:
            body(client.get(address))
        counts[address] = len(captured)
    return counts


def test_public_pages_cost_the_same_queries_with_many_waiting_reports(client, parenggean, officer_parenggean, staff):
    kim = make_kim(desa=parenggean.desa.first())
    officer_report(officer_parenggean, parenggean, kims=[kim], title="Kegiatan 0").verify(by=staff)
    addresses = public_addresses(parenggean, kim)
    few = queries_of(client, addresses)
    for n in range(1, 21):
        officer_report(officer_parenggean, parenggean, kims=[kim], title=f"Kegiatan {n}")
    assert queries_of(client, addresses) == few


PUBLIC_READERS = ["coverage/queries.py", "coverage/views.py", "coverage/charts.py", "opendata/datasets.py"]


def test_every_public_reader_of_events_starts_from_the_public_rule():
    root = Path(__file__).resolve().parents[2]
    readers = {name: (root / name).read_text() for name in PUBLIC_READERS}
    forgotten = {name: re.findall(r"OutreachEvent\.objects\.(?!public\(\))\w+", text) for name, text in readers.items()}
    assert {name: found for name, found in forgotten.items() if found} == {}

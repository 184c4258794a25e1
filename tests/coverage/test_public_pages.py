import csv
import io
import json
import re
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coverage.models import OutreachEvent
from registry.models import Desa

from ..factories import make_event, make_kim

UNCOVERED_IN_SOURCE_REPORT = {
    "Bukit Santuai",
    "Mentaya Hulu",
    "Antang Kalang",
    "Telaga Antang",
    "Tualan Hulu",
    "Cempaga",
    "Cempaga Hulu",
}


def uncovered_names_on_page(html):
    block = re.search(r'<ul class="uncovered">(.*?)</ul>', html, re.S).group(1)
    return set(re.findall(r"<li><a [^>]*>(.*?)</a>", block))


def test_the_public_page_names_exactly_the_seven_uncovered_kecamatan(client, demo):
    html = client.get("/").content.decode()
    assert "10 dari 17 kecamatan sudah memiliki KIM" in html
    assert uncovered_names_on_page(html) == UNCOVERED_IN_SOURCE_REPORT


def test_uncovered_rows_are_marked_in_words(client, demo):
    html = client.get("/").content.decode()
    assert html.count('<span class="badge warn">Belum ada KIM</span>') == 7
    assert html.count('<span class="badge ok">Sudah ada KIM</span>') == 10


def test_the_public_page_shows_the_state_on_a_past_day(client, demo):
    html = client.get("/", {"tanggal": "2022-03-25"}).content.decode()
    assert "Keadaan per 25 Maret 2022" in html
    assert "Rapat konsolidasi, 24 Maret 2022" in html
    assert "Sosialisasi, 30 Maret 2022" in html


def test_the_overdue_sosialisasi_is_shown_as_late_today(client, demo):
    html = client.get("/").content.decode()
    assert "1 kegiatan terlambat" in html


def test_an_invalid_day_gets_an_indonesian_message_and_todays_state(client, demo):
    response = client.get("/", {"tanggal": "2022-02-30"})
    assert response.status_code == 400
    assert "Tanggal tidak valid" in response.content.decode()
    assert "10 dari 17 kecamatan" in response.content.decode()


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content).decode()


def download_json(client, url, **params):
    return json.loads(download(client, url, **params))


def test_open_data_json_names_the_same_seven_uncovered_kecamatan(client, demo):
    data = download_json(client, "/data/coverage.json")
    assert data["region"] == {"code": "62.02", "name": "Kabupaten Kotawaringin Timur", "kind": "kabupaten"}
    assert {k["name"] for k in data["kecamatan"] if not k["covered"]} == UNCOVERED_IN_SOURCE_REPORT
    assert len(data["kecamatan"]) == 17


def test_open_data_json_has_the_documented_shape(client, demo):
    data = download_json(client, "/data/coverage.json", tanggal="2022-03-25")
    parenggean = next(k for k in data["kecamatan"] if k["code"] == "62.02.04")
    assert data["as_of"] == "2022-03-25"
    assert parenggean == {
        "code": "62.02.04",
        "name": "Parenggean",
        "active_kim": 1,
        "desa_total": 15,
        "desa_covered": 1,
        "covered": True,
        "last_event": "2022-03-24",
        "last_event_kind": "konsolidasi",
        "next_event": "2022-03-30",
        "next_event_kind": "sosialisasi",
        "overdue_events": 0,
        "stage": "kim_active",
        "held_this_year": 1,
        "code_kemendagri": "620204",
    }


def test_open_data_csv_has_the_same_columns_and_numbers_as_the_json(client, demo):
    json_rows = download_json(client, "/data/coverage.json")["kecamatan"]
    rows = list(csv.DictReader(io.StringIO(download(client, "/data/coverage.csv"))))
    assert list(rows[0]) == list(json_rows[0])
    assert [(r["code"], int(r["active_kim"]), r["covered"]) for r in rows] == [
        (k["code"], k["active_kim"], "true" if k["covered"] else "false") for k in json_rows
    ]


def test_open_data_refuses_a_day_in_the_future_in_indonesian(client, demo):
    response = client.get("/data/coverage.json", {"tanggal": "2999-01-01"})
    assert response.status_code == 400
    assert response.json() == {"error": "Tanggal tidak boleh di masa depan."}


def test_the_public_page_without_regions_explains_what_is_missing(client, db):
    response = client.get("/")
    assert response.status_code == 503
    assert "Data wilayah belum dimuat" in response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"tanggal": "2022-03-25"})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def add_kim_and_events(desa):
    kim = make_kim(desa=desa, formed_on=date(2021, 1, 1))
    make_event(desa=desa, kims=[kim], starts_at=date(2022, 3, 1))
    make_event(desa=desa, status=OutreachEvent.Status.PLANNED, starts_at=date(2022, 4, 1))


def test_the_public_pages_run_a_fixed_number_of_queries_however_many_rows(client, kotim):
    desa = list(Desa.objects.filter(kecamatan__kabupaten=kotim)[:60])
    add_kim_and_events(desa[0])
    before = [count_queries(client, url) for url in PUBLIC_URLS]
    for d in desa[1:]:
        add_kim_and_events(d)
    add_kim_and_events(Desa.objects.get(code="62.02.04.2001"))
    after = [count_queries(client, url) for url in PUBLIC_URLS]
    assert before == after
    budget = dict(zip(PUBLIC_URLS, after, strict=True))
    # A download: its validators (five, with the stored data revision) and its rows. The kecamatan
    # page: its coverage, desa, events, and since issue 21 its target (one query, whatever the rows).
    # The events on PostgreSQL: the CSV's lines and the JSON's objects written by the database, the
    # kecamatan and desa read once each beside them (opendata.datasets.event_csv_lines, event_json_lines).
    written = ("/data/events.csv", "/data/events.json")
    assert max(n for url, n in budget.items() if url not in ("/kecamatan/62.02.04/", *written)) <= 9
    assert budget["/kecamatan/62.02.04/"] <= 10
    assert max(budget[url] for url in written) <= 10


PUBLIC_URLS = [
    "/",
    "/en/",
    "/kecamatan/62.02.04/",
    "/kim/",
    "/kim/?kecamatan=62.02.04&status=aktif&urut=-terbentuk",
    "/data/",
    "/data/coverage.json",
    "/data/coverage.csv",
    "/data/desa-coverage.json",
    "/data/desa-coverage.csv",
    "/data/kim.json",
    "/data/kim.csv",
    "/data/events.json",
    "/data/events.csv",
]


def test_the_public_page_stays_indonesian_for_a_browser_asking_for_english(client, demo):
    html = client.get("/", {"tanggal": "2022-03-25"}, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "24 Maret 2022" in html
    assert "58,8%" in html


def test_an_unknown_page_answers_404_in_indonesian(client, demo):
    response = client.get("/kecamatan/99.99.99/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_a_day_before_2000_is_refused_in_indonesian(client, demo):
    response = client.get("/data/coverage.json", {"tanggal": "0001-01-01"})
    assert response.status_code == 400
    assert response.json() == {"error": "Tanggal paling awal adalah 1 Januari 2000."}
    assert client.get("/", {"tanggal": "0001-01-01"}).status_code == 400


def test_the_public_page_stays_small_whatever_dates_old_rows_hold(client, demo):
    from core.dates import start_of_day
    from registry.models import Kim

    Kim.objects.filter(pk=Kim.objects.accepted().first().pk).update(formed_on=date(1, 1, 1))
    OutreachEvent.objects.filter(pk=OutreachEvent.objects.held().first().pk).update(
        starts_at=start_of_day(date(1, 1, 1)) + timedelta(hours=9)
    )
    response = client.get("/", {"tanggal": "2022-03-25"})
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert len(response.context["progress"]) <= 120


def test_public_pages_stay_small_for_long_texts_stored_before_the_limits(client, demo):
    from registry.models import Kim

    event = OutreachEvent.objects.held().select_related("kecamatan").first()
    OutreachEvent.objects.filter(pk=event.pk).update(summary="Ringkasan panjang. " * 100_000)
    kim = Kim.objects.accepted().first()
    Kim.objects.filter(pk=kim.pk).update(
        address="Jalan " * 100_000, inactive_since=date(2023, 1, 1), inactive_reason="Bubar " * 100_000
    )
    assert len(client.get(f"/kecamatan/{event.kecamatan.code}/").content) < 100_000
    assert len(client.get(f"/kim/{kim.pk}/").content) < 100_000


def test_a_kecamatan_page_lists_its_first_50_planned_events_and_says_how_many_more(client, kotim):
    parenggean = kotim.kecamatan.get(code="62.02.04")
    start = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=3), time(9)))
    for n in range(53):
        make_event(
            kecamatan=parenggean,
            status=OutreachEvent.Status.PLANNED,
            starts_at=start + timedelta(days=n),
            title=f"Rencana {n:02d}",
        )
    page = client.get("/kecamatan/62.02.04/").content.decode()
    planned = page.split('id="rencana"')[1].split("</section>")[0]
    shown = re.findall(r"Rencana (\d\d)", planned)
    assert shown == [f"{n:02d}" for n in range(50)]  # the overdue ones first, then by day
    assert "terlambat" in planned
    assert "Ada 3 kegiatan lain yang direncanakan" in planned and 'href="/data/events/"' in planned
    english = client.get("/en/kecamatan/62.02.04/").content.decode()
    assert "3 more events are planned" in english


def test_a_kecamatan_page_with_few_planned_events_lists_them_all_without_a_note(client, kotim):
    parenggean = kotim.kecamatan.get(code="62.02.04")
    make_event(kecamatan=parenggean, status=OutreachEvent.Status.PLANNED, title="Rencana satu-satunya")
    planned = client.get("/kecamatan/62.02.04/").content.decode().split('id="rencana"')[1].split("</section>")[0]
    assert "Rencana satu-satunya" in planned and "kegiatan lain yang direncanakan" not in planned

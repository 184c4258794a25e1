"""The fast writers of the open data (rows as tuples, a chunk of rows formatted at once, the workbook's XML
written directly) give exactly what the plain writers gave, whatever the stored text."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from coverage.models import OutreachEvent
from opendata.datasets import CHUNK_ROWS, Column, Dataset, _csv_cell, stream_csv, stream_json
from opendata.xlsx import TEXT_MAX, _cell
from registry.models import Kecamatan

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan

NAMES = ["id", "text", "other", "flag", "share", "note"]
DATASET = Dataset(
    slug="uji",
    title="Uji",
    description="",
    list_key="rows",
    columns=[Column(name, "") for name in NAMES],
    build=lambda kabupaten, on: ({}, []),
    takes_day=False,
    tuples=True,
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)
HOSTILE = st.one_of(TEXT, st.sampled_from(["=1+2", "+62", "-", "@SUM(A1)", "\tx", "\rx", 'a "b", c\nd', "", " "]))
ROW = st.tuples(
    st.integers(min_value=-(2**40), max_value=2**40),
    HOSTILE,
    st.one_of(st.none(), HOSTILE),
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**30), 10**30)),
    st.one_of(st.none(), HOSTILE),
)


def plain_csv(rows):
    """The CSV as the portal wrote it before: csv.writer, row by row, each cell through _csv_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(NAMES)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


def plain_json(rows, header):
    """The JSON as the portal wrote it before: the header, then json.dumps of each row's dict, one a line."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    rows = ["\n" + encode(dict(zip(NAMES, row, strict=True))) for row in rows]
    return encode(header)[:-1] + (", " if header else "") + '"rows": [' + ",".join(rows) + "\n]}\n"


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(ROW, max_size=8))
def test_csv_and_json_are_what_the_plain_writers_wrote(rows):
    header = {"kabupaten": {"code": "62.02", "name": "Kotawaringin Timur"}, "generated_on": "2026-01-31"}

    assert "".join(stream_csv(DATASET, rows)) == plain_csv(rows)
    assert "".join(stream_json(DATASET, rows, header)) == plain_json(rows, header)


def test_rows_past_one_chunk_come_out_whole_and_in_order():
    rows = [(i, f"=baris {i}", None, i % 2 == 0, i / 4, "") for i in range(2 * CHUNK_ROWS + 7)]

    assert "".join(stream_csv(DATASET, rows)) == plain_csv(rows)
    assert "".join(stream_json(DATASET, rows, {})) == plain_json(rows, {})
    assert len(list(stream_csv(DATASET, rows))) == 3


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_each_event_value_is_under_its_own_column(client, demo):
    event = OutreachEvent.objects.get(kind="konsolidasi")
    row = json.loads(download(client, "/data/events.json"))["events"][0]
    local = timezone.localtime(event.starts_at)

    assert row == {
        "id": event.pk,
        "title": event.title,
        "kind": "konsolidasi",
        "status": "held",
        "date": "2022-03-24",
        "time": local.strftime("%H:%M"),
        "kecamatan_code": event.kecamatan.code,
        "kecamatan_name": event.kecamatan.name,
        "desa_code": event.desa.code if event.desa else None,
        "desa_name": event.desa.name if event.desa else None,
        "venue": event.venue or None,
        "participants": event.participants,
        "summary": event.summary or None,
        "kecamatan_code_kemendagri": event.kecamatan.code.replace(".", ""),
        "desa_code_kemendagri": event.desa.code.replace(".", "") if event.desa else None,
    }


def test_an_event_whose_desa_lies_in_another_kabupaten_still_names_it(client, demo):
    katingan = make_kabupaten(code="62.06", name="Kabupaten Katingan")
    elsewhere = make_desa(kecamatan=make_kecamatan(kabupaten=katingan, code="62.06.01"), name="Desa Jauh")
    event = make_event(kecamatan=Kecamatan.objects.get(code="62.02.04"), title="Salah desa")
    OutreachEvent.objects.filter(pk=event.pk).update(desa=elsewhere)  # around the form's check

    rows = json.loads(download(client, "/data/events.json"))["events"]

    assert next(r for r in rows if r["id"] == event.pk)["desa_name"] == "Desa Jauh"


def test_an_event_stored_in_year_9999_still_downloads_in_every_format(client, demo):
    event = make_event(kecamatan=Kecamatan.objects.get(code="62.02.04"), title="Jauh di depan")
    OutreachEvent.objects.filter(pk=event.pk).update(starts_at=datetime(9999, 12, 31, 20, 0, tzinfo=UTC))

    rows = list(csv.DictReader(io.StringIO(download(client, "/data/events.csv").decode())))
    last = json.loads(download(client, "/data/events.json"))["events"][-1]
    sheet = load_workbook(io.BytesIO(download(client, "/data/events.xlsx")))["data"]

    assert (rows[-1]["title"], rows[-1]["date"]) == ("Jauh di depan", "9999-12-31")
    assert (last["date"], last["time"]) == ("9999-12-31", "20:00")  # in UTC: later hours do not exist
    assert sheet.cell(sheet.max_row, 2).value == "Jauh di depan"


@pytest.mark.parametrize(
    "stored, day, time",
    [
        (datetime(2022, 3, 24, 16, 59, tzinfo=UTC), "2022-03-24", "23:59"),
        (datetime(2022, 3, 24, 17, 0, tzinfo=UTC), "2022-03-25", "00:00"),  # midnight in Sampit
        (datetime(1950, 1, 1, 0, 0, tzinfo=UTC), "1950-01-01", "08:00"),  # Jakarta kept UTC+8 then
        (datetime(1, 1, 1, 0, 0, tzinfo=UTC), "0001-01-01", "07:07"),  # local mean time, to the minute
        (datetime(9999, 12, 31, 16, 59, tzinfo=UTC), "9999-12-31", "23:59"),  # the last local minute
    ],
)
def test_an_events_day_and_time_are_wib_whichever_database_writes_them(client, demo, stored, day, time):
    """PostgreSQL writes the local day and time itself (core.db.LocalMinute); SQLite leaves it to
    Python. Both give the day and time in Sampit, across midnight and at the ends of the calendar."""
    event = make_event(kecamatan=Kecamatan.objects.get(code="62.02.04"), title="Pada waktunya")
    OutreachEvent.objects.filter(pk=event.pk).update(starts_at=stored)

    rows = json.loads(download(client, "/data/events.json"))["events"]

    assert next((r["date"], r["time"]) for r in rows if r["id"] == event.pk) == (day, time)


def test_the_workbook_keeps_its_header_bold_and_frozen(client, demo):
    book = load_workbook(io.BytesIO(download(client, "/data/events.xlsx")))

    assert book.sheetnames == ["data", "kolom"]
    assert book["data"].freeze_panes == "A2"
    assert book["data"]["A1"].font.b and not book["data"]["A2"].font.b
    assert book["kolom"]["A1"].font.b


def test_a_text_longer_than_a_cell_loses_its_control_characters_before_it_is_cut():
    cell = _cell("\x07\x1b" + "x" * (TEXT_MAX + 10) + "<&>", "text", "B2")

    assert cell == f'<c r="B2" t="inlineStr"><is><t>{"x" * TEXT_MAX}</t></is></c>'
    assert _cell("a < b & c", "text", "B3") == '<c r="B3" t="inlineStr"><is><t>a &lt; b &amp; c</t></is></c>'

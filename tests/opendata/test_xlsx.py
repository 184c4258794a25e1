"""Each dataset also opens in Excel: typed cells, a header row, a sheet that explains the columns."""

import csv
import io
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook

from coverage.models import OutreachEvent
from opendata.datasets import DATASETS
from registry.models import Kim


def workbook(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def csv_rows(client, url):
    return list(csv.reader(io.StringIO(b"".join(client.get(url).streaming_content).decode(), newline="")))


def as_csv_text(value):
    """What the CSV holds for a cell value of the workbook."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.strftime("%H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def same_numbers(rows):
    """Excel keeps 15.0 as the number 15: compare numbers as numbers, everything else as text."""

    def number_or_text(text):
        try:
            return float(text) if text.strip() and not text.startswith("0") or text == "0" else text
        except ValueError:
            return text

    return [[number_or_text(cell) for cell in row] for row in rows]


@pytest.mark.parametrize("slug", list(DATASETS))
def test_the_workbook_matches_the_csv_row_for_row(client, demo, slug):
    sheet = workbook(client, f"/data/{slug}.xlsx")["data"]
    cells = [[as_csv_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert same_numbers(cells) == same_numbers(csv_rows(client, f"/data/{slug}.csv"))


def test_numbers_are_numbers_and_dates_are_dates(client, demo):
    sheet = workbook(client, "/data/coverage.xlsx?tanggal=2022-03-25")["data"]
    header = [c.value for c in sheet[1]]
    parenggean = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "Parenggean")
    assert parenggean[header.index("active_kim")].value == 1
    assert parenggean[header.index("covered")].value is True
    assert parenggean[header.index("last_event")].value == datetime(2022, 3, 24)
    assert parenggean[header.index("last_event")].number_format == "yyyy-mm-dd"


def test_event_times_are_times(client, demo):
    sheet = workbook(client, "/data/events.xlsx")["data"]
    assert isinstance(sheet["F2"].value, time)


def test_the_second_sheet_explains_every_column_and_names_the_licence(client, demo):
    book = workbook(client, "/data/kim.xlsx")
    rows = list(book["kolom"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1 : 1 + len(DATASETS["kim"].columns)]] == DATASETS["kim"].column_names
    assert any("CC BY 4.0" in str(r[1]) for r in rows)


def test_a_kim_name_written_as_a_formula_stays_text_in_the_workbook(client, demo):
    Kim.objects.filter(pk=Kim.objects.order_by("pk").first().pk).update(
        name='=HYPERLINK("http://contoh.invalid","klik")'
    )
    cell = workbook(client, "/data/kim.xlsx")["data"]["B2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://contoh.invalid","klik")'


def test_stored_control_characters_year_one_and_two_megabytes_of_text_still_give_a_workbook(client, demo):
    event = OutreachEvent.objects.order_by("pk").first()
    OutreachEvent.objects.filter(pk=event.pk).update(summary="a\x1bb\x07" + "x" * 2_000_000, venue="@SUM(A1)")
    Kim.objects.filter(pk=Kim.objects.order_by("pk").first().pk).update(formed_on=date(1, 1, 1))
    summary = workbook(client, "/data/events.xlsx")["data"]["M2"].value
    assert summary.startswith("abxxx")
    assert len(summary) <= 32_767
    assert workbook(client, "/data/kim.xlsx")["data"]["I2"].value == "0001-01-01"


def test_the_csv_ends_its_lines_with_crlf_as_rfc_4180_says(client, demo):
    body = b"".join(client.get("/data/events.csv").streaming_content)
    assert body.count(b"\r\n") == body.count(b"\n") == 3

"""On PostgreSQL the database writes the events CSV's lines and the JSON's objects itself
(`Dataset.csv_lines`, `Dataset.json_lines`): the bytes must be those Python writes from the rows,
whatever the stored text (issue 23)."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.models import OutreachEvent
from opendata.datasets import DATASETS, event_csv_lines, event_json_lines, stream_csv, stream_json
from registry.models import Kabupaten, Kecamatan

from ..factories import make_desa, make_event, make_kabupaten, make_kecamatan

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL writes the lines")
EVENTS = DATASETS["events"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)
HOSTILE = st.one_of(
    TEXT,
    st.sampled_from(
        ["=1+2", "+62", "-", "@SUM(A1)", "\tx", "\rx", 'a "b", c\nd', "", " ", "\\", "\x01\x1f\x7f", "\u2028"]
    ),
)


def both_csvs(kabupaten):
    """The events CSV as Python writes it from the rows, and with the lines the database wrote."""
    _summary, rows = EVENTS.build(kabupaten, timezone.localdate())
    python = "".join(stream_csv(EVENTS, EVENTS.rows(rows)))
    database = "".join(stream_csv(EVENTS, [], lines=event_csv_lines(kabupaten)))
    return python, database


def both_jsons(kabupaten):
    """The events JSON as Python writes it from the rows, and with the objects the database wrote."""
    _summary, rows = EVENTS.build(kabupaten, timezone.localdate())
    header = {"region": {"code": kabupaten.code, "name": kabupaten.name}}
    python = "".join(stream_json(EVENTS, EVENTS.rows(rows), header))
    database = "".join(stream_json(EVENTS, [], header, lines=event_json_lines(kabupaten)))
    return python, database


def both_ways(kabupaten):
    """Both files, each as Python writes it and as the database does: [(python, database), ...]."""
    return [both_csvs(kabupaten), both_jsons(kabupaten)]


@on_postgresql
def test_the_demos_events_json_written_by_the_database_is_pythons_byte_for_byte(demo):
    python, database = both_jsons(Kabupaten.objects.get(code="62.02"))

    assert database == python
    assert len(json.loads(database)["events"]) == OutreachEvent.objects.public().count()


@on_postgresql
def test_the_demos_events_csv_written_by_the_database_is_pythons_byte_for_byte(demo):
    python, database = both_csvs(Kabupaten.objects.get(code="62.02"))

    assert database == python
    assert database.count("\r\n") == 1 + OutreachEvent.objects.public().count()


@on_postgresql
def test_formulas_quotes_line_breaks_and_far_dates_come_out_as_python_writes_them(demo):
    kecamatan = Kecamatan.objects.get(code="62.02.04")
    elsewhere = make_desa(
        kecamatan=make_kecamatan(kabupaten=make_kabupaten(code="62.06", name="Katingan"), code="62.06.01"),
        name='Desa "Jauh", =1',
    )
    for title, venue, summary, starts in [
        ('=HYPERLINK("x"), "y"\r\nz', "-1", "a\nb", datetime(1, 1, 1, tzinfo=UTC)),
        ("\tTab", "", "\r", datetime(9999, 12, 31, 20, 0, tzinfo=UTC)),
        ("Ünïcødé, ✓", "@here", "", datetime(2022, 3, 24, 17, 0, tzinfo=UTC)),
    ]:
        event = make_event(kecamatan=kecamatan, title="x", venue="y", participants=3)
        OutreachEvent.objects.filter(pk=event.pk).update(title=title, venue=venue, summary=summary, starts_at=starts)
    OutreachEvent.objects.filter(pk=event.pk).update(desa=elsewhere)  # around the form's check

    (python, database), (python_json, database_json) = both_ways(Kabupaten.objects.get(code="62.02"))

    assert database == python
    assert database_json == python_json
    assert '"\'=HYPERLINK(""x""), ""y""\r\nz"' in database and '"Desa ""Jauh"", =1"' in database


@on_postgresql
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=HOSTILE, venue=HOSTILE, summary=HOSTILE)
def test_any_stored_text_comes_out_of_the_database_as_python_writes_it(demo, title, venue, summary):
    OutreachEvent.objects.filter(kind="konsolidasi").update(title=title or "x", venue=venue, summary=summary)

    for python, database in both_ways(Kabupaten.objects.get(code="62.02")):
        assert database == python


def test_elsewhere_the_database_writes_no_lines(kotim):
    expected = None if connection.vendor != "postgresql" else "lines"
    for written in (event_csv_lines, event_json_lines):
        lines = written(Kabupaten.objects.get(code="62.02"))
        assert (None if lines is None else "lines") == expected

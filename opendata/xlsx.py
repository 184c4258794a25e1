"""Datasets as Excel workbooks: the rows with typed cells on the first sheet, the
columns and the source on the second.

Excel with Indonesian regional settings (list separator `;`) opens a CSV in one
column; the XLSX opens right everywhere. Numbers are numbers, dates are dates
(`yyyy-mm-dd`), times are times, booleans are TRUE/FALSE; every text is written
as text (an inline string), so a stored name such as `=HYPERLINK(...)` is never a
formula.

The workbook's XML is written here, row by row, into a zip in a temporary file
(rows go to disk as they come), then sent from that file: memory stays flat.
openpyxl's write-only mode wrote the same cells, styles and sheets (its parts
are the model of the ones below) at 5,000 rows a second; this writes 50,000 in
well under a second (docs/benchmarks.md). tests/opendata/test_xlsx.py reads
every dataset back with openpyxl.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, time
from itertools import count
from math import isfinite

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from .datasets import LICENCE, LICENCE_URL, Dataset

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_MAX = 32_767  # Excel's limit for one cell
FIRST_EXCEL_DAY = date(1900, 3, 1)  # earlier days are not real dates in Excel: kept as text
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (after 1900-03-01)
DATA_SHEET = "data"
COLUMNS_SHEET = "kolom"

# Cell styles (cellXfs in STYLES): 0 plain, 1 bold, 2 a date, 3 a time.
BOLD, DATE, TIME = 1, 2, 3

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    XML_HEAD + f'<workbook xmlns="{NS}" xmlns:r="{REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
    f'<sheets><sheet name="{DATA_SHEET}" sheetId="1" r:id="rId1"/>'
    f'<sheet name="{COLUMNS_SHEET}" sheetId="2" r:id="rId2"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
FROZEN_HEADER = (
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
)
PLAIN_VIEW = '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
ROWS_PER_WRITE = 500


def _text(value: str, ref: str, style: str = "") -> str:
    """An inline string cell: never a formula. (_write_sheet removes the control characters XML
    cannot hold; here only from a text too long for a cell, before it is cut.)"""
    if len(value) > TEXT_MAX:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:TEXT_MAX]
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _cell(value, kind: str, ref: str) -> str:
    """One cell of the data sheet: typed by its value, or by its column's kind for dates and times."""
    if value is None or value == "":
        return ""
    if value.__class__ is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if not isfinite(value):
            return ""
        return f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>'  # as openpyxl writes numbers
    if kind == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day and day >= FIRST_EXCEL_DAY:
            return f'<c r="{ref}" s="{DATE}" t="n"><v>{(day - EXCEL_EPOCH).days}</v></c>'
    elif kind == "time":
        try:
            moment = time.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 10**6
            return f'<c r="{ref}" s="{TIME}" t="n"><v>{seconds / 86400:.16g}</v></c>'
    return _text(str(value), ref)


def _sheet_rows(rows: Iterable[tuple], kinds: list[str], first: int) -> Iterator[str]:
    """<row> elements of `rows` from row number `first`, ROWS_PER_WRITE to a piece of text."""
    letters = [get_column_letter(i) for i in range(1, len(kinds) + 1)]
    columns = list(zip(letters, kinds, strict=True))
    pending = []
    for number, row in zip(count(first), rows):
        cells = "".join(
            [_cell(value, kind, f"{letter}{number}") for value, (letter, kind) in zip(row, columns, strict=True)]
        )
        pending.append(f'<row r="{number}">{cells}</row>')
        if len(pending) >= ROWS_PER_WRITE:
            yield "".join(pending)
            pending.clear()
    if pending:
        yield "".join(pending)


def _bold_row(number: int, values: list[str]) -> str:
    cells = "".join(_text(v, f"{get_column_letter(i)}{number}", f' s="{BOLD}"') for i, v in enumerate(values, 1))
    return f'<row r="{number}">{cells}</row>'


def _write_sheet(book: zipfile.ZipFile, name: str, view: str, pieces: Iterable[str]) -> None:
    with book.open(name, "w", force_zip64=True) as part:  # a sheet may pass 2 GiB of XML: zip64 sizes
        part.write((XML_HEAD + f'<worksheet xmlns="{NS}">{view}<sheetData>').encode())
        for piece in pieces:  # control characters XML cannot hold leave every text at once
            part.write(ILLEGAL_CHARACTERS_RE.sub("", piece).encode())
        part.write(b"</sheetData></worksheet>")


def _about_rows(dataset: Dataset, header: dict, source: str) -> Iterator[str]:
    """The second sheet: each column and its meaning, then the dataset, region, day, licence and source."""
    yield _bold_row(1, [_("Kolom"), _("Arti")])
    number = 2
    for column in dataset.columns:
        yield f'<row r="{number}">{_text(column.name, f"A{number}")}{_text(str(column.description), f"B{number}")}</row>'
        number += 1
    number += 1  # an empty row
    region = header.get("region", {})
    facts = [
        (_("Dataset"), str(dataset.title)),
        (_("Wilayah"), f"{region.get('name', '')} ({region.get('code', '')})"),
        (
            _("Keadaan per") if "as_of" in header else _("Dibuat pada"),
            header.get("as_of") or header.get("generated_on"),
        ),
        (_("Lisensi"), f"{LICENCE} {LICENCE_URL}"),
        (_("Sumber"), source),
    ]
    for label, value in facts:
        value = str(value or "")
        cells = _text(label, f"A{number}", f' s="{BOLD}"') + (_text(value, f"B{number}") if value else "")
        yield f'<row r="{number}">{cells}</row>'
        number += 1


def write_workbook(dataset: Dataset, rows: Iterable[tuple], header: dict, target, *, source: str = "") -> None:
    """Write `rows` of `dataset` (tuples in column order, Dataset.rows) as a workbook to the binary
    file `target`."""
    kinds = [c.kind for c in dataset.columns]
    # Level 1: the sheets' XML is very repetitive, so it still shrinks about tenfold, at several
    # times the speed of the default level 6.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", PACKAGE_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        data = [_bold_row(1, dataset.column_names)]
        _write_sheet(book, "xl/worksheets/sheet1.xml", FROZEN_HEADER, _chain(data, _sheet_rows(rows, kinds, 2)))
        _write_sheet(book, "xl/worksheets/sheet2.xml", PLAIN_VIEW, _about_rows(dataset, header, source))


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def xlsx_response(dataset: Dataset, rows: Iterable[tuple], header: dict, *, source: str) -> FileResponse:
    """The workbook, built in a temporary file that is removed when the response closes."""
    spool = tempfile.TemporaryFile()
    write_workbook(dataset, rows, header, spool, source=source)
    spool.seek(0)
    return FileResponse(spool, content_type=CONTENT_TYPE)

"""Datasets as Excel workbooks: the rows with typed cells on the first sheet, the
columns and the source on the second.

Excel with Indonesian regional settings (list separator `;`) opens a CSV in one
column; the XLSX opens right everywhere. Numbers are numbers, dates are dates
(`yyyy-mm-dd`), times are times, booleans are TRUE/FALSE; every text is written
as text, so a stored name such as `=HYPERLINK(...)` is never a formula. The
workbook is written in openpyxl's write-only mode into a temporary file (rows go
to disk as they come), then sent from that file: memory stays flat.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import date, time

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .datasets import LICENCE, LICENCE_URL, Dataset

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_MAX = 32_767  # Excel's limit for one cell
FIRST_EXCEL_DAY = date(1900, 3, 1)  # earlier days are not real dates in Excel: kept as text
DATA_SHEET = "data"
COLUMNS_SHEET = "kolom"


def _text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:TEXT_MAX])
    cell.data_type = "s"  # text, even when it starts with "=": never a formula
    return cell


def _typed(sheet, value, kind: str):
    if value is None or isinstance(value, bool | int | float):
        return value
    if kind == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day and day >= FIRST_EXCEL_DAY:
            cell = WriteOnlyCell(sheet, value=day)
            cell.number_format = "yyyy-mm-dd"
            return cell
    if kind == "time":
        try:
            cell = WriteOnlyCell(sheet, value=time.fromisoformat(value))
        except ValueError:
            return _text(sheet, value)
        cell.number_format = "hh:mm"
        return cell
    return _text(sheet, str(value))


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = _text(sheet, value)
    cell.font = Font(bold=True)
    return cell


def write_workbook(dataset: Dataset, rows: Iterable[tuple], header: dict, target, *, source: str = "") -> None:
    """Write `rows` of `dataset` (tuples in column order, Dataset.rows) as a workbook to the binary
    file `target`."""
    book = Workbook(write_only=True)
    data = book.create_sheet(DATA_SHEET)
    data.freeze_panes = "A2"
    data.append([_bold(data, name) for name in dataset.column_names])
    kinds = [c.kind for c in dataset.columns]
    for row in rows:
        data.append([_typed(data, value, kind) for value, kind in zip(row, kinds, strict=True)])

    about = book.create_sheet(COLUMNS_SHEET)
    about.append([_bold(about, _("Kolom")), _bold(about, _("Arti"))])
    for column in dataset.columns:
        about.append([_text(about, column.name), _text(about, str(column.description))])
    about.append([])
    kabupaten = header.get("kabupaten", {})
    facts = [
        (_("Dataset"), str(dataset.title)),
        (_("Wilayah"), f"{kabupaten.get('name', '')} ({kabupaten.get('code', '')})"),
        (
            _("Keadaan per") if "as_of" in header else _("Dibuat pada"),
            header.get("as_of") or header.get("generated_on"),
        ),
        (_("Lisensi"), f"{LICENCE} {LICENCE_URL}"),
        (_("Sumber"), source),
    ]
    for label, value in facts:
        about.append([_bold(about, label), _text(about, str(value or ""))])
    book.save(target)


def xlsx_response(dataset: Dataset, rows: Iterable[tuple], header: dict, *, source: str) -> FileResponse:
    """The workbook, built in a temporary file that is removed when the response closes."""
    spool = tempfile.TemporaryFile()
    write_workbook(dataset, rows, header, spool, source=source)
    spool.seek(0)
    return FileResponse(spool, content_type=CONTENT_TYPE)

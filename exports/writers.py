"""File writers: detail rows (dicts keyed by details.DETAIL_COLUMNS) streamed into a file.

Both writers hold one row at a time, so memory stays flat however many rows there are:
openpyxl's write-only mode streams the sheet XML to disk. Each returns the number of data rows.

.xlsx: a header block (partner, query, records, generated time, time zone, currency), the
column header row (frozen), typed cells (days as dates, money as numbers in a currency format),
and a totals row summed exactly in Decimal. Past a sheet's 1,048,576 rows the details continue
on a further sheet, with its own header row; the totals row ends the last sheet.
.csv: UTF-8 (with a byte-order mark, so spreadsheets detect it), one header row, then the rows;
money as plain decimals ("1234.50"), days as YYYY-MM-DD.
"""
from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from data_access.details import DETAIL_COLUMNS
from data_access.money import ZERO, money_text
from exports.cells import cell_text
from i18n import N_, _, ngettext
from i18n.terms import TERM_COLUMNS, term

EXCEL_MAX_ROWS = 1_048_576
SHEET_TITLE = N_("Expenditures")
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MONEY_KEYS = tuple(column.key for column in DETAIL_COLUMNS if column.kind == "money")
WIDTHS = {"day": 12, "record_id": 24, "customer_name": 30, "account_name": 24,
          "association_type": 16, "account_manager": 20, "service_type": 26, "billing_mode": 18,
          "bill_type": 12, "region": 14, "resource_id": 30}
MONEY_WIDTH = 18
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


@dataclasses.dataclass(frozen=True)
class FileHeader:
    """What the file says about itself, above the rows."""
    partner: str           # "Name (id)"
    parameters: str        # the query in words
    records: str           # "All records matching the query" or "12 selected records"
    generated: datetime    # in the partner's time zone, naive
    time_zone: str         # "UTC+08:00"
    currency: str          # "CNY"


def money_format(currency: str) -> str:
    suffix = f' "{currency}"' if re.fullmatch(r"[A-Z]{3}", currency) else ""
    return f"#,##0.00{suffix}"


class _XlsxSheets:
    """The sheets of one workbook, opened one after another as each fills up."""

    def __init__(self, workbook: Workbook, currency: str, max_rows: int):
        self.workbook, self.max_rows = workbook, max_rows
        self.money_format = money_format(currency)
        self.sheet, self.rows_in_sheet, self.cells = None, 0, None

    def open(self, rows_above_headers: int = 0) -> None:
        """A new sheet whose column header row comes after `rows_above_headers` rows."""
        number = len(self.workbook.worksheets) + 1
        title = _(SHEET_TITLE)
        self.sheet = self.workbook.create_sheet(title if number == 1 else f"{title} ({number})")
        self.rows_in_sheet = 0
        # Write-only sheets write their view and columns before the first row: set them now.
        self.sheet.freeze_panes = f"A{rows_above_headers + 2}"
        for index, column in enumerate(DETAIL_COLUMNS):
            width = WIDTHS.get(column.key, MONEY_WIDTH)
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = width
        # One styled cell per column, reused row after row: openpyxl writes each row as it is
        # appended, and a cell object per value would cost more than the XML itself.
        self.cells = [self.styled_cell(column.kind) for column in DETAIL_COLUMNS]

    def styled_cell(self, kind: str, bold: bool = False):
        cell = WriteOnlyCell(self.sheet)
        if kind == "date":
            cell.number_format = DATE_FORMAT
        elif kind == "money":
            cell.number_format = self.money_format
        if bold:
            cell.font = BOLD
        return cell

    def append(self, values: list) -> None:
        self.sheet.append(values)
        self.rows_in_sheet += 1

    def append_below_headers(self, values: list) -> None:
        """A data or totals row: on a further sheet, with its own headers, once this one is full."""
        if self.rows_in_sheet == self.max_rows:
            self.open()
            self.column_headers()
        self.append(values)

    def column_headers(self) -> None:
        cells = []
        for column in DETAIL_COLUMNS:
            cell = text_cell(WriteOnlyCell(self.sheet), term(column.header))
            cell.font, cell.fill = BOLD, HEADER_FILL
            cells.append(cell)
        self.append(cells)

    def data_row(self, row: dict) -> None:
        values = []
        for column, cell in zip(DETAIL_COLUMNS, self.cells, strict=True):
            value = row[column.key]
            if column.kind == "text":
                # Plain text needs no cell object (openpyxl's own is faster), unless it reads
                # like an error code such as #N/A, which openpyxl would type as an error.
                value = cell_text(term(value) if column.key in TERM_COLUMNS else value)
                values.append(text_cell(cell, value) if value in ERROR_CODES else value)
            else:
                cell.value = value
                values.append(cell)
        self.append_below_headers(values)

    def labelled(self, label: str, value, number_format: str | None = None) -> None:
        label_cell = text_cell(WriteOnlyCell(self.sheet), label)
        label_cell.font = BOLD
        value_cell = WriteOnlyCell(self.sheet)
        if isinstance(value, str):
            text_cell(value_cell, value)
        else:
            value_cell.value = value
        if number_format:
            value_cell.number_format = number_format
        self.append([label_cell, value_cell])


def text_cell(cell, value):
    """A cell holding `value` as text, whatever it looks like: typed as a string, so it can be
    neither a formula nor an error code such as #N/A."""
    cell.value = cell_text(value)
    cell.data_type = "s"
    return cell


def write_xlsx(path: Path, header: FileHeader, rows: Iterable[dict],
               max_sheet_rows: int = EXCEL_MAX_ROWS) -> int:
    about = [(_("Partner"), header.partner, None), (_("Query"), header.parameters, None),
             (_("Records"), header.records, None), (_("Generated"), header.generated, TIME_FORMAT),
             (_("Time zone"), header.time_zone, None), (_("Currency"), header.currency, None)]
    workbook = Workbook(write_only=True)
    sheets = _XlsxSheets(workbook, header.currency, max_sheet_rows)
    sheets.open(rows_above_headers=len(about) + 2)  # the title, the lines about, a blank row
    title = text_cell(WriteOnlyCell(sheets.sheet), _("Expenditure details"))
    title.font = Font(bold=True, size=13)
    sheets.append([title])
    for label, value, number_format in about:
        sheets.labelled(label, value, number_format)
    sheets.append([])
    sheets.column_headers()
    count, totals = 0, dict.fromkeys(MONEY_KEYS, ZERO)
    try:
        for row in rows:
            sheets.data_row(row)
            for key in MONEY_KEYS:
                totals[key] += row[key]
            count += 1
        sheets.append_below_headers(_totals_row(sheets, count, totals))
        workbook.save(path)
    except BaseException:
        _discard(workbook)
        raise
    return count


def _discard(workbook: Workbook) -> None:
    """Delete the temporary files of a write-only workbook left unsaved: openpyxl would keep
    them until the process exits. (Its own private attributes: there is no public way.)"""
    for sheet in workbook.worksheets:
        writer = sheet._writer
        if writer is not None:
            if sheet._rows is not None:
                sheet._rows.close()
            writer.close()
            writer.cleanup()


def _totals_row(sheets: _XlsxSheets, count: int, totals: dict[str, Decimal]) -> list:
    row = []
    for index, column in enumerate(DETAIL_COLUMNS):
        if index == 0:
            row.append(text_cell(sheets.styled_cell("text", bold=True),
                                 ngettext("Total of %(count)s record", "Total of %(count)s records", count)))
        elif column.kind == "money":
            cell = sheets.styled_cell("money", bold=True)
            cell.value = totals[column.key]
            row.append(cell)
        else:
            row.append(None)
    return row


def _csv_value(kind: str, value) -> str:
    if kind == "money":
        return money_text(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return cell_text(value)


def write_csv(path: Path, header: FileHeader, rows: Iterable[dict]) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow([cell_text(term(column.header)) for column in DETAIL_COLUMNS])
        for row in rows:
            writer.writerow([_csv_value(column.kind, term(row[column.key]) if column.key in TERM_COLUMNS
                                        else row[column.key]) for column in DETAIL_COLUMNS])
            count += 1
    return count


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}

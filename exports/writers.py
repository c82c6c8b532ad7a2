"""File writers: the view's tables and the detail rows (each row's values in the order of
details.DETAIL_COLUMNS, as details.detail_values gives them) streamed into a file. Each holds one
row at a time, so memory stays flat however many rows there are.

.xlsx (exports/xlsx.py, the streaming writer): first the sheets of the view when there is one
(the group table with totals and shares, the series by period and group), then the details: a
header block (partner, query, records, generated time, time zone, currency, how amounts are
written), the column header row (frozen, with an autofilter), typed cells (days as dates, money
as numbers in a currency format showing 2 decimals and holding the exact value) and a totals row
summed exactly in Decimal. Past a sheet's row limit the details continue on a further sheet,
with its own header row; the totals row ends the last sheet. Text is written as text, exactly:
no formula can come from the data.
.csv: UTF-8 (with a byte-order mark, so spreadsheets detect it), one header row, then the rows;
money as its exact decimal text ("1234.50", "0.83822466"), days as YYYY-MM-DD, text guarded
against formula readings (exports/cells.py). A csv holds one table: the details, or, for an
export of the view, the view's tables as one (see view_csv_rows).
"""
from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from data_access.details import DETAIL_COLUMNS
from data_access.money import ZERO, money_text
from exports import xlsx
from exports.cells import cell_text
from exports.views import Table
from i18n import N_, _, ngettext
from i18n.terms import term

EXCEL_MAX_ROWS = xlsx.MAX_ROWS
SHEET_TITLE = N_("Expenditures")
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHARE_FORMAT = "0.00%"
MONEY_KEYS = tuple(column.key for column in DETAIL_COLUMNS if column.kind == "money")
WIDTHS = {"day": 12, "record_id": 24, "customer_name": 30, "account_name": 24,
          "association_type": 16, "account_manager": 20, "service_type": 26, "billing_mode": 18,
          "bill_type": 12, "region": 14, "resource_id": 30}
MONEY_WIDTH = 18
HEADER_FILL = "DDE4EE"
AMOUNTS_NOTE = N_("exact, to 8 decimals, shown to 2; an amount a spreadsheet number cannot hold exactly (more "
                  "than 15 significant digits) is written as its exact text, right-aligned")


def csv_headers() -> list[str]:
    """The detail columns' headers in the current language (the file's)."""
    return [cell_text(term(column.header)) for column in DETAIL_COLUMNS]


KINDS = {"text": xlsx.TEXT, "date": xlsx.DATE, "money": xlsx.NUMBER, "share": xlsx.NUMBER}


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


class _Styles:
    """The cell styles of one workbook, by what they are for."""

    def __init__(self, book: xlsx.Workbook, currency: str):
        money = money_format(currency)
        self.title = book.style(bold=True, size=13)
        self.label = book.style(bold=True)
        self.header = book.style(bold=True, fill=HEADER_FILL)
        self.time = book.style(num_format=TIME_FORMAT)
        self.right = book.style(right=True)
        self.bold_right = book.style(bold=True, right=True)
        self.cells = {"text": 0, "date": book.style(num_format=DATE_FORMAT),
                      "money": book.style(num_format=money), "share": book.style(num_format=SHARE_FORMAT)}
        self.bold = {"text": self.label, "date": book.style(num_format=DATE_FORMAT, bold=True),
                     "money": book.style(num_format=money, bold=True),
                     "share": book.style(num_format=SHARE_FORMAT, bold=True)}


def _header_block(sheet: xlsx.Sheet, styles: _Styles, title: str, header: FileHeader) -> int:
    """The title and the lines about the file, then a blank row: returns the rows written."""
    about = [(_("Partner"), header.partner, 0), (_("Query"), header.parameters, 0),
             (_("Records"), header.records, 0), (_("Generated"), header.generated, styles.time),
             (_("Time zone"), header.time_zone, 0), (_("Currency"), header.currency, 0),
             (_("Amounts"), _(AMOUNTS_NOTE), 0)]
    sheet.row([title], styles.title)
    for label, value, style in about:
        sheet.row([label, value], [styles.label, style])
    sheet.row([])
    return len(about) + 2


class _DetailSheets:
    """The detail sheets of one workbook, opened one after another as each fills up."""

    def __init__(self, book: xlsx.Workbook, styles: _Styles, max_rows: int):
        self.book, self.styles, self.max_rows = book, styles, max_rows
        self.sheet, self.write = None, None

    def open(self, header: FileHeader | None = None) -> None:
        """A new sheet: with the header block above the column headers on the first."""
        self.sheet = self.book.sheet(_(SHEET_TITLE), [WIDTHS.get(c.key, MONEY_WIDTH) for c in DETAIL_COLUMNS])
        above = 0 if header is None else _header_block_rows()
        self.sheet.freeze(above + 1)
        if header is not None:
            _header_block(self.sheet, self.styles, _("Expenditure details"), header)
        self.sheet.row([term(column.header) for column in DETAIL_COLUMNS], self.styles.header)
        self.sheet.autofilter(above + 1, len(DETAIL_COLUMNS))
        self.write = self.sheet.row_writer(
            [KINDS[column.kind] for column in DETAIL_COLUMNS],
            [self.styles.cells[column.kind] for column in DETAIL_COLUMNS],
            [self.styles.right if column.kind == "money" else 0 for column in DETAIL_COLUMNS])


    def make_room(self) -> None:
        if self.sheet.rows >= self.max_rows:
            self.open()


def _header_block_rows() -> int:
    return 9  # the title, seven lines about the file, a blank row (_header_block)


def write_xlsx(path: Path, header: FileHeader, rows: Iterable[Sequence] | None, view: list[Table] | None = None,
               max_sheet_rows: int = EXCEL_MAX_ROWS) -> int:
    """The view's sheets (if any), then the detail rows (unless None); returns the rows of the
    details, or of the view without them."""
    count, totals = 0, dict.fromkeys(MONEY_KEYS, ZERO)
    with xlsx.Workbook(path) as book:
        styles = _Styles(book, header.currency)
        for index, table in enumerate(view or ()):
            _table_sheet(book, styles, table, header if index == 0 else None)
        if rows is None:
            return sum(len(table.rows) for table in view)
        details = _DetailSheets(book, styles, max_sheet_rows)
        details.open(header if not view else None)
        money_positions = [(index, column.key) for index, column in enumerate(DETAIL_COLUMNS)
                           if column.kind == "money"]
        for row in rows:
            if details.sheet.rows >= max_sheet_rows:
                details.open()
            details.write(row)
            for index, key in money_positions:
                totals[key] += row[index]
            count += 1
        details.make_room()
        label = ngettext("Total of %(count)s record", "Total of %(count)s records", count)
        details.sheet.row([label if index == 0 else totals.get(column.key)
                           for index, column in enumerate(DETAIL_COLUMNS)],
                          [styles.bold[column.kind] for column in DETAIL_COLUMNS], styles.bold_right)
    return count


def _table_sheet(book: xlsx.Workbook, styles: _Styles, table: Table, header: FileHeader | None) -> None:
    sheet = book.sheet(_(table.title), [column.width for column in table.columns])
    above = _header_block_rows() if header is not None else 0
    sheet.freeze(above + 1)
    if header is not None:
        _header_block(sheet, styles, _("Expenditures as shown"), header)
    sheet.row([_(column.header) for column in table.columns], styles.header)
    sheet.autofilter(above + 1, len(table.columns))
    kinds = [KINDS[column.kind] for column in table.columns]
    as_text = [styles.right if column.kind == "money" else 0 for column in table.columns]
    write = sheet.row_writer(kinds, [styles.cells[column.kind] for column in table.columns], as_text)
    for row in table.rows:
        write(row)
    if table.totals is not None:
        sheet.row(table.totals, [styles.bold[column.kind] for column in table.columns], styles.bold_right)


# --- csv ---------------------------------------------------------------------------------------

def _csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "money":
        return money_text(value)
    if kind == "share":
        return str(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return cell_text(value)


def write_csv(path: Path, header: FileHeader, rows: None, view: list[Table]) -> int:
    """The view's tables as one csv table; returns its rows. (The detail rows' csv is written by
    the database: details.copy_details_csv, with csv_headers() and cells.FORMULA_STARTS.)"""
    table = view_csv_table(view)
    with open(path, "w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow([cell_text(_(column.header)) for column in table.columns])
        writer.writerows([_csv_value(column.kind, value) for column, value in zip(table.columns, row, strict=True)]
                         for row in table.rows)
    return len(table.rows)


def view_csv_table(view: list[Table]) -> Table:
    """The view's tables as the one table a csv holds: every table's rows under the union of
    their columns, with a first column naming the table (so a reader can pick one)."""
    columns = list(dict.fromkeys(column for table in view for column in table.columns))
    table_column = dataclasses.replace(view[0].columns[0], key="table", header=N_("Table"), kind="text")
    rows = []
    for table in view:
        positions = [table.columns.index(column) if column in table.columns else None for column in columns]
        for row in [*table.rows, *([table.totals] if table.totals is not None else [])]:
            rows.append([_(table.title), *(None if p is None else row[p] for p in positions)])
    return Table(N_("View"), [table_column, *columns], rows, None)


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}

"""Importing managers, customers, assignments and expenditures from .csv or .xlsx files.

Every value of every row is checked as the file is read; the first bad one raises
`ImportFileError` naming the file, the physical line (the header is line 1; in a workbook, the
row number) and the field. The caller owns the transaction, so a refused file changes nothing.
Importing the same file again changes nothing either: see `data_access.loading`.
The values of the cells are read by data_access.import_values.
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import re
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import sqlalchemy as sa
from openpyxl.utils.exceptions import InvalidFileException

from data_access import loading
from data_access.errors import UserError
from data_access.import_values import (
    InvalidValue,
    cell_text,
    column_length,
    day,
    identifier,
    money,
    one_of,
    optional_identifier,
    shown,
    text,
)
from data_access.query import ASSOCIATION_TYPES, BILL_TYPES, BILLING_MODES
from data_access.schema import assignments, customers, expenditures, managers, partners

BATCH_ROWS = 200_000  # expenditures reach the database in Arrow batches of this many rows


class ImportFileError(UserError):
    """A file that cannot be imported; the message says where and what, in one line."""


# --- kinds of file ----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    table: sa.Table
    fields: dict[str, Callable]       # column -> parser, in the documented column order
    key: tuple[str, ...]
    # column -> the table whose key it names (the same column there): checked against the database
    references: dict[str, sa.Table] = dataclasses.field(default_factory=dict)

    def key_of(self, row: dict):
        return row[self.key[0]] if len(self.key) == 1 else tuple(row[column] for column in self.key)

    @property
    def columns_text(self) -> str:
        return ",".join(self.fields)


KINDS = {kind.name: kind for kind in (
    Kind("managers", managers, {
        "manager_id": identifier,
        "name": text(column_length(managers.c.name)),
    }, key=("manager_id",)),
    Kind("customers", customers, {
        "customer_id": identifier,
        "customer_name": text(column_length(customers.c.customer_name)),
        "account_name": text(column_length(customers.c.account_name)),
        "association_type": one_of(ASSOCIATION_TYPES),
    }, key=("customer_id",)),
    Kind("assignments", assignments, {
        "customer_id": identifier,
        "manager_id": optional_identifier,
        "start_day": day,
    }, key=("customer_id", "start_day"), references={"customer_id": customers, "manager_id": managers}),
    Kind("expenditures", expenditures, {
        "record_id": identifier,
        "customer_id": identifier,
        "day": day,
        "service_type": text(column_length(expenditures.c.service_type)),
        "billing_mode": one_of(BILLING_MODES),
        "bill_type": one_of(BILL_TYPES),
        "region": text(column_length(expenditures.c.region), required=False),
        "resource_id": text(column_length(expenditures.c.resource_id), required=False),
        "amount": money,
        "cash_coupon": money,
    }, key=("record_id",), references={"customer_id": customers}),
)}
assert tuple(KINDS["expenditures"].fields) == loading.EXPENDITURE_COLUMNS


@dataclasses.dataclass(frozen=True)
class ImportSummary:
    kind: str
    rows: int
    new: int
    changed: int = 0       # stored rows whose values the file changed (not for expenditures)
    reattributed: int = 0  # records moved to another manager by the assignments

    def text(self) -> str:
        if self.kind == "expenditures":
            return (f"expenditures: {self.rows:,} rows read, {self.new:,} new, "
                    f"{self.rows - self.new:,} already stored")
        summary = (f"{self.kind}: {self.rows:,} rows read, {self.new:,} new, {self.changed:,} changed, "
                   f"{self.rows - self.new - self.changed:,} unchanged")
        if self.kind == "assignments":
            summary += f"; {self.reattributed:,} records re-attributed"
        return summary


# --- reading files ----------------------------------------------------------------------------

def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(first physical line, values) of each record; UTF-8, with or without a BOM."""
    with open(path, "rb") as file:
        reader = csv.reader(_utf8_lines(path, file), strict=True)
        line = 1
        try:
            for values in reader:
                yield line, values
                line = reader.line_num + 1
        except csv.Error as error:
            raise ImportFileError(f"{path}:{line}: {error}") from None


def _utf8_lines(path: Path, file) -> Iterator[str]:
    # Decoding line by line (a UTF-8 sequence never contains a newline byte) gives the exact
    # line of a bad byte.
    for number, raw in enumerate(file, 1):
        try:
            yield (raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw).decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(f"{path}:{number}: not UTF-8 text") from None


# A workbook is a zip of XML parts: checked before openpyxl opens it, so that a small file cannot
# unpack to gigabytes (a "zip bomb"). Sheets saved by office programs pack 5-20 times.
MAX_XLSX_UNPACKED = 4 * 1024 ** 3  # all parts together (5 million rows of ten columns fit)
MAX_XLSX_RATIO = 100               # unpacked / packed, of any part over a mebibyte
FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
MERGED_CELLS = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _check_packing(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(f"{path}: not a readable .xlsx workbook ({error})") from None
    refused = f"{path}: refused before opening it:"
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportFileError(f"{refused} its parts unpack to {unpacked:,} bytes (at most {MAX_XLSX_UNPACKED:,})")
    for part in parts:
        if part.file_size > 1024 ** 2 and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            raise ImportFileError(f"{refused} its part {shown(part.filename)} unpacks "
                                  f"{part.file_size // max(part.compress_size, 1):,} times its size "
                                  f"(at most {MAX_XLSX_RATIO}); save it again from the spreadsheet program")


def _check_values_only(path: Path, workbook) -> None:
    """Refuse a sheet with formulas (its values would be whatever was last computed, or none)
    or merged cells (one value standing for several), naming the first of them."""
    sheet = workbook.worksheets[0]
    tail, formula = b"", False
    with zipfile.ZipFile(path) as archive, archive.open(sheet._worksheet_path) as xml:  # openpyxl's part name
        while chunk := xml.read(1024 ** 2):
            text, tail = tail + chunk, chunk[-256:]
            formula = formula or FORMULA.search(text) is not None
            merged = MERGED_CELLS.search(text)
            if merged:
                cells = merged.group(1).decode()
                row = re.search(r"[0-9]+", cells).group()
                raise ImportFileError(f"{path}:{row}: merged cells {cells}: an imported sheet holds one "
                                      "value per cell; unmerge them")
    if formula:
        with_formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            for row in with_formulas.worksheets[0].iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        raise ImportFileError(f"{path}:{cell.row}: cell {cell.coordinate} holds a formula "
                                              f"({shown(cell.value)}); import values only (paste as values)")
        finally:
            with_formulas.close()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(row number, values) of the first sheet, trailing empty cells dropped."""
    _check_packing(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ImportFileError(f"{path}: not a readable .xlsx workbook ({error})") from None
    try:
        _check_values_only(path, workbook)
        for number, values in enumerate(workbook.worksheets[0].iter_rows(min_row=1, values_only=True), 1):
            values = list(values)
            while values and values[-1] is None:
                values.pop()
            yield number, values
    finally:
        workbook.close()


def _rows(path: Path) -> Iterator[tuple[int, list]]:
    """The non-blank rows of the file."""
    readers = {".csv": _csv_rows, ".xlsx": _xlsx_rows}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ImportFileError(f"{path}: not a .csv or .xlsx file")
    for line, values in reader(path):
        if any(cell_text(value) for value in values):
            yield line, values


def _columns(path: Path, kind: Kind, line: int, header: list) -> list[int]:
    """The position in the file of each of the kind's columns, any order."""
    names = [cell_text(value) for value in header]
    expected = f"(the columns of {kind.name}: {kind.columns_text})"
    for index, name in enumerate(names):
        if name not in kind.fields:
            raise ImportFileError(f"{path}:{line}: unknown column {name!r} {expected}")
        if name in names[:index]:
            raise ImportFileError(f"{path}:{line}: column {name!r} appears twice")
    for name in kind.fields:
        if name not in names:
            raise ImportFileError(f"{path}:{line}: missing column {name!r} {expected}")
    return [names.index(name) for name in kind.fields]


def read(path: Path, kind: Kind, known: dict[str, set[str]], partner_id: str) -> Iterator[dict]:
    """The file's rows, validated: each a dict of the kind's columns to parsed values.
    known: the stored keys of each referenced table, by column."""
    rows = _rows(path)
    try:
        line, header = next(rows)
    except StopIteration:
        raise ImportFileError(f"{path}: empty file; the first row must be the header: "
                              f"{kind.columns_text}") from None
    positions = _columns(path, kind, line, header)
    width, workbook = len(header), path.suffix.lower() == ".xlsx"
    plan = list(zip(kind.fields, positions, kind.fields.values(), strict=True))
    seen: dict = {}  # key -> first line
    for line, values in rows:
        if workbook:  # a workbook row ends at its last non-empty cell
            values += [None] * (width - len(values))
        if len(values) != width:
            raise ImportFileError(f"{path}:{line}: {len(values)} values, but the header has {width} columns")
        row = {}
        for name, position, parse in plan:
            try:
                row[name] = parse(values[position])
            except InvalidValue as problem:
                raise ImportFileError(f"{path}:{line}: field {name!r}: {problem}") from None
        _check(path, line, kind, row, known, partner_id, seen)
        yield row


def _check(path: Path, line: int, kind: Kind, row: dict, known: dict, partner_id: str,
           seen: dict) -> None:
    """Rules across fields and rows: signs of amounts and coupons, references, duplicate keys."""
    where = f"{path}:{line}: field"
    if kind.name == "expenditures":
        problem = _money_problem(row["bill_type"], row["amount"], row["cash_coupon"])
        if problem:
            raise ImportFileError(f"{where} {problem}")
    for column, table in kind.references.items():
        if row[column] is not None and row[column] not in known[column]:
            raise ImportFileError(f"{where} {column!r}: {row[column]!r} is not a {table.name[:-1]} of "
                                  f"partner {partner_id!r} (import {table.name} first)")
    first = seen.setdefault(kind.key_of(row), line)
    if first != line:
        same = f" (same {' and '.join(kind.key)})" if len(kind.key) > 1 else ""
        raise ImportFileError(f"{where} {kind.key[-1]!r}: {shown(row[kind.key[-1]])} repeats line "
                              f"{first}{same}")


def _money_problem(bill_type: str, amount: Decimal, coupon: Decimal) -> str | None:
    """What is wrong with the signs of a record's money ("'field': why"), or None. An
    Expenditure is spend (≥ 0), a Refund gives it back (≤ 0), an Adjustment goes either way; a
    cash coupon pays part of the amount: zero, or of its sign and no larger."""
    if bill_type == "Expenditure" and amount < 0:
        return f"'amount': '{amount}' is negative, but an Expenditure's amount is 0 or more"
    if bill_type == "Refund" and amount > 0:
        return f"'amount': '{amount}' is positive, but a Refund's amount is 0 or less"
    if coupon and (amount == 0 or (coupon > 0) != (amount > 0)):
        return f"'cash_coupon': '{coupon}' is not zero and has not the sign of the amount '{amount}'"
    if abs(coupon) > abs(amount):
        return f"'cash_coupon': '{coupon}' is more than the amount '{amount}'"
    return None


# --- importing --------------------------------------------------------------------------------

def import_file(conn: sa.Connection, kind_name: str, path: Path | str, partner_id: str,
                partner_name: str | None = None) -> ImportSummary:
    """Import one file for a partner (created if new) in the caller's transaction."""
    kind, path = KINDS[kind_name], Path(path)
    try:
        partner_id = identifier(partner_id)
        partner_name = text(column_length(partners.c.name), required=False)(partner_name) or None
    except InvalidValue as problem:
        raise ImportFileError(f"partner: {problem}") from None
    loading.ensure_partner(conn, partner_id, partner_name)
    known = {column: set(conn.execute(sa.select(table.c[column]).where(table.c.partner_id == partner_id))
                         .scalars()) for column, table in kind.references.items()}
    rows = read(path, kind, known, partner_id)
    if kind.name == "expenditures":
        return _import_expenditures(conn, partner_id, rows)
    return _import_entities(conn, kind, partner_id, list(rows))


def _import_entities(conn: sa.Connection, kind: Kind, partner_id: str, rows: list[dict]) -> ImportSummary:
    """Managers, customers, assignments: upserted; only new or changed rows are written."""
    stored = {kind.key_of(row): dict(row) for row in conn.execute(
        sa.select(*(kind.table.c[column] for column in kind.fields))
        .where(kind.table.c.partner_id == partner_id)).mappings()}
    new = [row for row in rows if kind.key_of(row) not in stored]
    changed = [row for row in rows if stored.get(kind.key_of(row), row) != row]
    upsert = {"managers": loading.upsert_managers, "customers": loading.upsert_customers,
              "assignments": loading.upsert_assignments}[kind.name]
    moved = upsert(conn, partner_id, new + changed)  # assignments: the records re-attributed
    return ImportSummary(kind.name, len(rows), len(new), len(changed), reattributed=moved or 0)


def _import_expenditures(conn: sa.Connection, partner_id: str, rows: Iterator[dict]) -> ImportSummary:
    read_count = inserted = 0
    batch = {column: [] for column in loading.EXPENDITURE_COLUMNS}
    for row in rows:
        for column, values in batch.items():
            values.append(row[column])
        read_count += 1
        if read_count % BATCH_ROWS == 0:
            inserted += _insert(conn, partner_id, batch)
    inserted += _insert(conn, partner_id, batch)
    return ImportSummary("expenditures", read_count, inserted)


def _insert(conn: sa.Connection, partner_id: str, batch: dict[str, list]) -> int:
    if not batch["record_id"]:
        return 0
    table = pa.table(batch, schema=loading.EXPENDITURE_ARROW_SCHEMA)
    for values in batch.values():
        values.clear()
    return loading.insert_expenditures(conn, partner_id, table)

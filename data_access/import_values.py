"""The values of an import file's cells, checked one by one: each reader returns the value or
raises `InvalidValue` saying what is wrong with it (data_access.imports adds file, line and field).

Money is read exactly: text through Decimal, and a workbook's numeric cell, which openpyxl hands
over as int or float, through the float's shortest repr, i.e. the number the spreadsheet shows.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa

from data_access.money import DECIMALS
from data_access.query import FIRST_DAY, LAST_DAY
from data_access.schema import MONEY, customers

MONEY_DIGITS = MONEY.precision - MONEY.scale  # before the point: 10 in NUMERIC(18, 8)
MONEY_LIMIT = Decimal(10) ** MONEY_DIGITS
MONEY_QUANTUM = Decimal(1).scaleb(-DECIMALS)  # 0.00000001


class InvalidValue(ValueError):
    """A bad value; the reader adds the file, line and field."""


def cell_text(value) -> str:
    """A cell as text: CSV fields as they are, workbook numbers as the spreadsheet shows them."""
    if type(value) is str:  # every CSV field: the fast path
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    return str(value).strip()


def shown(value) -> str:
    """The value as an error message quotes it, cut short."""
    cell = cell_text(value)
    return repr(cell if len(cell) <= 40 else cell[:40] + "\u2026")


def _required(value) -> str:
    cell = cell_text(value)
    if not cell:
        raise InvalidValue("is empty")
    return cell


def column_length(column: sa.Column) -> int:
    return column.type.length


CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def text(max_length: int, required: bool = True) -> Callable:
    def parse(value) -> str:
        parsed = _required(value) if required else cell_text(value)
        if len(parsed) > max_length:
            raise InvalidValue(f"{shown(value)} is longer than {max_length} characters")
        control = CONTROL_CHARACTER.search(parsed)
        if control:  # NUL and friends: invisible on screen, and refused by PostgreSQL
            raise InvalidValue(f"{shown(value)} holds the control character U+{ord(control.group()):04X}")
        return parsed
    return parse


identifier = text(column_length(customers.c.customer_id))  # every id column is String(64)


def optional_identifier(value) -> str | None:
    """An empty manager id in assignments: unassigned from that day."""
    return identifier(value) if cell_text(value) else None


def one_of(choices: tuple[str, ...]) -> Callable:
    allowed = frozenset(choices)

    def parse(value) -> str:
        parsed = _required(value)
        if parsed not in allowed:
            raise InvalidValue(f"{shown(value)} is not one of: {', '.join(choices)}")
        return parsed
    return parse


DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def day(value) -> date:
    if isinstance(value, datetime):  # a workbook's date cell
        if value.time() != time(0):
            raise InvalidValue(f"{shown(value)} is not a day (YYYY-MM-DD)")
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        parsed = _day_from_text(_required(value))
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise InvalidValue(f"'{parsed}' is not between {FIRST_DAY} and {LAST_DAY}")
    return parsed


@functools.lru_cache(maxsize=8192)  # a file has few distinct days and many rows
def _day_from_text(cell: str) -> date:
    if DAY_PATTERN.fullmatch(cell):  # fromisoformat alone would also take '20250105'
        try:
            return date.fromisoformat(cell)
        except ValueError:
            pass
    raise InvalidValue(f"{shown(cell)} is not a day (YYYY-MM-DD)")


MONEY_PATTERN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def money(value) -> Decimal:
    if isinstance(value, (str, type(None))):
        cell = _required(value)
        if not MONEY_PATTERN.fullmatch(cell):
            raise InvalidValue(f"{shown(value)} is not an amount")
        amount = Decimal(cell)
    elif isinstance(value, bool):
        raise InvalidValue(f"{shown(value)} is not an amount")
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # NaN and infinities too: refused below
    else:
        raise InvalidValue(f"{shown(value)} is not an amount")
    if not amount.is_finite():
        raise InvalidValue(f"{shown(value)} is not an amount")
    if abs(amount) >= MONEY_LIMIT:
        raise InvalidValue(f"{shown(value)} is too large (at most {MONEY_DIGITS} digits before the point)")
    if amount.quantize(MONEY_QUANTUM) != amount:
        raise InvalidValue(f"{shown(value)} has more than {DECIMALS} decimals")
    return amount

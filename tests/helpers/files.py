"""Export files read back, and random records to export: for the export tests."""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl

from data_access.details import DETAIL_COLUMNS
from data_access.money import CENT

PAYLOADS = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "\uff1d1+1")
HEADERS = [column.header for column in DETAIL_COLUMNS]


# --- reading a file back ------------------------------------------------------------------------

def read_xlsx(path: Path) -> dict:
    """{"about": {label: value}, "rows": [{header: cell}], "totals": {header: value},
    "sheets": [titles], "cells": every data cell (openpyxl Cell)}."""
    workbook = openpyxl.load_workbook(path)
    about, rows, totals, cells = {}, [], None, []
    for sheet in workbook.worksheets:
        in_rows = False
        for row in sheet.iter_rows():
            values = [cell.value for cell in row]
            if values[:len(HEADERS)] == HEADERS:
                in_rows = True
            elif not in_rows:
                if values and values[0] and len(values) > 1:
                    about[values[0]] = values[1]
            elif isinstance(values[0], str) and values[0].startswith("Total of"):
                totals = dict(zip(HEADERS, values, strict=True))
            else:
                rows.append(dict(zip(HEADERS, values, strict=True)))
                cells.extend(row)
    return {"about": about, "rows": rows, "totals": totals, "cells": cells,
            "sheets": workbook.sheetnames, "workbook": workbook}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def exact(value) -> Decimal:
    """A money cell read back: its exact value. openpyxl reads a number as float, whose shortest
    repr is the decimal the file holds (the writer keeps numbers within 15 significant digits)."""
    assert isinstance(value, (int, float)), f"money cell is not a number: {value!r}"
    return Decimal(repr(value))


# --- data -------------------------------------------------------------------------------------

def random_records(count: int, customers: list[str], seed: int = 7) -> list[dict]:
    """Skewed amounts with exact, refunds, coupons and some zero records, over Jan-Mar 2025."""
    rng = random.Random(seed)
    records = []
    for index in range(count):
        amount = Decimal(rng.randint(0, 10 ** rng.randint(1, 9))) / 100
        kind = rng.random()
        bill_type = "Refund" if kind < 0.08 else "Expenditure"
        amount = -amount if bill_type == "Refund" else (Decimal("0.00") if kind > 0.97 else amount)
        coupon = (amount * Decimal(rng.choice(["0", "0", "0.1", "0.25"]))).quantize(CENT) if amount > 0 else 0
        records.append({"record_id": f"R{index:05d}", "customer_id": rng.choice(customers),
                        "day": date(2025, 1, 1) + timedelta(days=rng.randrange(90)),
                        "amount": str(amount), "cash_coupon": str(coupon), "bill_type": bill_type,
                        "service_type": rng.choice(["Elastic Cloud Server", "Object Storage Service",
                                                    "Elastic IP"]),
                        "resource_id": rng.choice(PAYLOADS + ("res-1", "res-2"))})
    return records

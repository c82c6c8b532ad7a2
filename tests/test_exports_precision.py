"""Exports of amounts at the provider's eight decimals carry the exact values, on both engines:
the detail rows reach the writers as exact Decimals, .csv files hold their exact text, .xlsx
files numbers that hold them (shown to the cent) and a totals row equal to stats'."""
from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest

from data_access import export_tasks
from data_access.breakdowns import overview
from data_access.details import detail_rows
from data_access.query import ExpenditureQuery, Scope
from exports.builder import build_export
from tests.helpers.builders import load

QUERY = ExpenditureQuery(Scope("P1"), "2025-01-01", "2025-01-31")
# Sums in the millions at eight decimals; the last amount has 16 significant digits, more than a
# spreadsheet number holds.
AMOUNTS = {"r1": "1234567.12345678", "r2": "0.83822466", "r3": "-0.00000001", "r4": "2345678.87654321",
           "r5": "0.10000000", "r6": "12345678.12345678"}
COUPONS = {"r1": "0.00000001", "r4": "345678.8765432"}
MONEY_HEADERS = {"Amount": "amount", "Cash coupons used": "cash_coupon", "Amount paid": "amount_paid"}


@pytest.fixture
def dataset(engine):
    load(engine, "P1", customers=[("c1", "acme")], records=[
        {"record_id": record_id, "customer_id": "c1", "day": f"2025-01-{index + 1:02d}", "amount": amount,
         "cash_coupon": COUPONS.get(record_id, "0"),
         "bill_type": "Refund" if amount.startswith("-") else "Expenditure"}
        for index, (record_id, amount) in enumerate(AMOUNTS.items())])
    return engine


def exported(engine, tmp_path, file_format: str, query: ExpenditureQuery = QUERY):
    with engine.begin() as conn:
        task_id = export_tasks.create(conn, "admin@p1", query, "precise", file_format, timedelta(days=7))
    assert build_export(engine, task_id, tmp_path) == export_tasks.COMPLETED
    with engine.connect() as conn:
        return tmp_path / export_tasks.get(conn, task_id).file_name


def exact(record_id: str) -> dict[str, Decimal]:
    amount, coupon = Decimal(AMOUNTS[record_id]), Decimal(COUPONS.get(record_id, "0"))
    return {"amount": amount, "cash_coupon": coupon, "amount_paid": amount - coupon}


def test_the_writers_get_the_exact_values(dataset):
    with dataset.connect() as conn:
        rows = {row["record_id"]: row for row in detail_rows(conn, QUERY)}
        total = overview(conn, QUERY).total
    assert {record_id: {key: row[key] for key in MONEY_HEADERS.values()} for record_id, row in rows.items()} == \
        {record_id: exact(record_id) for record_id in AMOUNTS}
    assert all(isinstance(row["amount"], Decimal) for row in rows.values())
    assert total.amount == Decimal("15925925.06168142")


def test_csv_carries_the_exact_text(dataset, tmp_path):
    with open(exported(dataset, tmp_path, "csv"), encoding="utf-8-sig", newline="") as file:
        rows = {row["Record ID"]: row for row in csv.DictReader(file)}
    by_amount = {row["Amount"]: row for row in rows.values()}
    assert sorted(by_amount) == sorted(["1234567.12345678", "0.83822466", "-0.00000001", "2345678.87654321",
                                        "0.10", "12345678.12345678"])
    assert by_amount["2345678.87654321"]["Cash coupons used"] == "345678.8765432"
    assert by_amount["2345678.87654321"]["Amount paid"] == "2000000.00000001"
    assert by_amount["1234567.12345678"]["Amount paid"] == "1234567.12345677"
    with dataset.connect() as conn:
        total = overview(conn, QUERY).total
    for header, key in MONEY_HEADERS.items():
        assert sum(Decimal(row[header]) for row in rows.values()) == total.measure(key)


def test_xlsx_numbers_hold_the_exact_values(dataset, tmp_path):
    """Values of up to 15 significant digits, which a spreadsheet number holds (r6, the 16-digit
    one, is left out by the range)."""
    query = ExpenditureQuery(Scope("P1"), "2025-01-01", "2025-01-05")
    workbook = openpyxl.load_workbook(exported(dataset, tmp_path, "xlsx", query))
    rows = list(workbook["Expenditures"].iter_rows())  # (the view's sheets come first)
    header = next(index for index, row in enumerate(rows) if "Amount" in [cell.value for cell in row])
    columns = {cell.value: index for index, cell in enumerate(rows[header]) if cell.value in MONEY_HEADERS}
    data, totals = rows[header + 1:-1], rows[-1]
    assert len(data) == 5
    with dataset.connect() as conn:
        total = overview(conn, query).total
    assert total.amount == Decimal("3580246.93822464")
    for header_text, key in MONEY_HEADERS.items():
        cells = [row[columns[header_text]] for row in data]
        assert all(cell.number_format.startswith("#,##0.00") for cell in cells)  # shown to the cent
        # a number read back (openpyxl reads float) is the exact value
        assert sorted(Decimal(repr(cell.value)) for cell in cells) == \
            sorted(exact(f"r{index}")[key] for index in range(1, 6))
        assert Decimal(repr(totals[columns[header_text]].value)) == total.measure(key)

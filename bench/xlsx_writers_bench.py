"""Which .xlsx writer for exports: the same rows (the export's 14 columns: a day, ten texts,
three amounts at 8 decimals) through each candidate, in a fresh subprocess each, reporting
seconds and how far resident memory rose.

    pip install xlsxwriter==3.3.1 rustpy-xlsxwriter==0.8.0 pyexcelerate==0.13.0  # (not kept)
    .venv/bin/python -m bench.xlsx_writers_bench [--rows 1000000] [--writers ...]

Candidates not installed are reported as such. rustpy-xlsxwriter and pyexcelerate take the whole
sheet at once (a list of rows): their memory grows with the rows, and they write floats.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.export_bench import RssSampler, resident_mib

WRITERS = ("streaming", "openpyxl-write-only", "xlsxwriter-constant-memory", "rustpy-xlsxwriter", "pyexcelerate")
HEADERS = ["Day", "Record ID", "Customer", "Account name", "Association type", "Account manager",
           "Service type", "Billing mode", "Bill type", "Region", "Resource ID", "Amount",
           "Cash coupons used", "Amount paid"]


def rows(count: int):
    """Rows shaped like the export's, made on the fly (memory flat for the streaming writers)."""
    first = date(2025, 1, 1)
    for index in range(count):
        amount = Decimal(index * 7919 % 10_000_000_000) / 10 ** 8 * 100
        coupon = (amount / 4).quantize(Decimal("0.00000001"))
        yield (first + timedelta(days=index % 365), f"R{index:012d}", f"Customer {index % 1750} Ltd",
               f"account-{index % 1750}", "Reseller", f"Manager {index % 40}", "Elastic Cloud Server",
               "Pay-per-use", "Expenditure", "cn-north-4", f"res-{index * 31 % 999_983:08d}-ecs",
               amount, coupon, amount - coupon)


def streaming(path: Path, count: int) -> None:
    from exports import xlsx

    with xlsx.Workbook(path) as book:
        date_style, money = book.style(num_format="yyyy-mm-dd"), book.style(num_format='#,##0.00 "CNY"')
        sheet = book.sheet("Expenditures", [18] * 14)
        sheet.freeze(1)
        sheet.row(HEADERS, book.style(bold=True))
        write = sheet.row_writer([xlsx.DATE] + [xlsx.TEXT] * 10 + [xlsx.NUMBER] * 3,
                                 [date_style] + [0] * 10 + [money] * 3)
        for row in rows(count):
            write(row)
        sheet.autofilter(1, 14)


def openpyxl_write_only(path: Path, count: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Expenditures")
    sheet.append(HEADERS)
    day, *money = (WriteOnlyCell(sheet) for _ in range(4))
    day.number_format = "yyyy-mm-dd"
    for cell in money:
        cell.number_format = '#,##0.00 "CNY"'
    for row in rows(count):
        day.value = row[0]
        for cell, value in zip(money, row[11:], strict=True):
            cell.value = value
        sheet.append([day, *row[1:11], *money])
    book.save(path)


def xlsxwriter_constant_memory(path: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Expenditures")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": '#,##0.00 "CNY"'})
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, HEADERS)
    for number, row in enumerate(rows(count), start=1):
        sheet.write_datetime(number, 0, row[0], date_format)
        for column in range(1, 11):
            sheet.write_string(number, column, row[column])
        for column in range(11, 14):
            sheet.write_number(number, column, row[column], money)  # (a float: no Decimal)
    sheet.autofilter(0, 0, count, 13)
    book.close()


def rustpy_xlsxwriter(path: Path, count: int) -> None:
    from rustpy_xlsxwriter import FastExcel

    records = [dict(zip(HEADERS, (row[0].isoformat(), *row[1:11], *map(float, row[11:])), strict=True))
               for row in rows(count)]
    FastExcel(str(path)).format(float_format="#,##0.00", bold_headers=True).freeze(row=1, col=0) \
        .sheet("Expenditures", records).save()


def pyexcelerate(path: Path, count: int) -> None:
    from pyexcelerate import Workbook

    book = Workbook()
    book.new_sheet("Expenditures", data=[HEADERS, *([*row[:11], *map(float, row[11:])] for row in rows(count))])
    book.save(str(path))


def child(writer: str, count: int, directory: str) -> None:
    path = Path(directory) / f"{writer}.xlsx"
    function = globals()[writer.replace("-", "_")]
    before = resident_mib()
    sampler = RssSampler()
    sampler.start()
    started = time.perf_counter()
    try:
        function(path, count)
    except ImportError as error:
        print(json.dumps({"error": f"not installed ({error.name})"}))
        return
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    print(json.dumps({"seconds": seconds, "rise_mib": sampler.peak - before,
                      "file_mib": path.stat().st_size / 2 ** 20}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--writers", nargs="+", default=list(WRITERS), choices=WRITERS)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return
    print("| writer | rows | seconds | rows/s | RSS rise | file |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as directory:
        for writer in args.writers:
            output = subprocess.run([sys.executable, "-m", "bench.xlsx_writers_bench", "--child", writer,
                                     str(args.rows), directory], capture_output=True, text=True)
            lines = output.stdout.strip().splitlines()
            result = json.loads(lines[-1]) if lines else {"error": output.stderr.strip().splitlines()[-1]}
            if "error" in result:
                print(f"| {writer} | {args.rows:,} | {result['error']} | | | |", flush=True)
                continue
            print(f"| {writer} | {args.rows:,} | {result['seconds']:.1f} | {args.rows / result['seconds']:,.0f} | "
                  f"{result['rise_mib']:.0f} MiB | {result['file_mib']:.1f} MiB |", flush=True)


if __name__ == "__main__":
    main()

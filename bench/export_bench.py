"""Export build speed and memory: rows per second, CPU time and peak memory of build_export for
about 100 thousand, 1 million and 1,048,577 rows (one more than a sheet holds), as .xlsx and .csv
(on a loaded machine, the CPU time is what the build would take on a quiet one, as long as it is
below the wall time).

    .venv/bin/python -m bench.export_bench [--customers 1900 --days 400] [--url URL] \
        [--formats xlsx csv] [--sizes 100000 1000000 1048577] [--languages en zh-CN]

Builds (once, kept in bench/.data/) a demo dataset, then for each size and format creates an
export task of partner P1 over a time range holding that many rows and runs
exports.builder.build_export in a fresh subprocess (as a worker would), which reports its
time and how far its resident memory rose during the build (sampled from /proc), next to the
process's peak (ru_maxrss, which includes opening the database). Flat memory shows as the same
rise for 100 thousand and 1 million rows. `--languages`: the file's language (its owner's); a
Chinese file has its labels translated by the database as it writes the rows. An English .xlsx
of more rows than a sheet holds is then opened in LibreOffice, which must read every row, the
totals row and the database's totals (read_in_libreoffice); LibreOffice needs minutes and
gigabytes for it.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from bench.datasets import DATA_DIR, demo_database
from data_access import details, export_tasks
from data_access.breakdowns import overview
from data_access.db import make_engine
from data_access.details import DETAIL_COLUMN_KEYS
from data_access.money import ZERO
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import expenditures
from exports.writers import EXCEL_MAX_ROWS, MONEY_KEYS
from i18n import ENGLISH, LANGUAGES
from tests.helpers.spreadsheets import libreoffice_csv

PARTNER = "P1"
SIZES = (100_000, 1_000_000, EXCEL_MAX_ROWS + 1)


def query_with_about(engine: sa.Engine, rows: int) -> ExpenditureQuery:
    """The shortest range ending on the last day that holds at least `rows` rows (or all)."""
    with engine.connect() as conn:
        first, last = conn.execute(sa.select(sa.func.min(expenditures.c.day), sa.func.max(expenditures.c.day))
                                   .where(expenditures.c.partner_id == PARTNER)).one()
        low, high = 0, (last - first).days  # days before `last` to start from
        while low < high:
            middle = (low + high) // 2
            q = ExpenditureQuery(Scope(PARTNER), last - timedelta(days=middle), last, hide_zero=False)
            if details.count_rows(conn, q) >= rows:
                high = middle
            else:
                low = middle + 1
    return ExpenditureQuery(Scope(PARTNER), last - timedelta(days=low), last, hide_zero=False)


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2 ** 20


class RssSampler(threading.Thread):
    """The highest resident memory seen, every 50 ms, while the build runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.stop = resident_mib(), threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, resident_mib())


def child(url: str, task_id: str, export_dir: str, trace: bool) -> None:
    """In the subprocess: build one export and report."""
    from exports.builder import build_export

    if trace:
        tracemalloc.start()
    engine = make_engine(url, duckdb_memory_limit=os.environ.get("DUCKDB_MEMORY_LIMIT", "1GB"),
                         duckdb_threads=int(os.environ.get("DUCKDB_THREADS", "2")))
    with engine.connect() as conn:  # the database opened before the measurement starts
        conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar()
    before = resident_mib()
    sampler = RssSampler()
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    status = build_export(engine, task_id, Path(export_dir))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sampler.stop.set()
    sampler.join()
    with engine.connect() as conn:
        task = export_tasks.get(conn, task_id)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    size_mib = (Path(export_dir) / task.file_name).stat().st_size / 2 ** 20 if task.file_name else 0
    print(json.dumps({"status": status, "error": task.error, "rows": task.rows, "seconds": seconds, "cpu": cpu,
                      "rise_mib": sampler.peak - before, "peak_mib": peak_mib, "file_mib": size_mib,
                      "heap_mib": tracemalloc.get_traced_memory()[1] / 2 ** 20 if trace else None}))


def measure(url: str, rows: int, file_format: str, export_dir: Path, trace: bool, language: str) -> dict:
    engine = make_engine(url)
    q = query_with_about(engine, rows)
    with engine.begin() as conn:
        task_id = export_tasks.create(conn, "bench", q, "bench", file_format, timedelta(days=1), language=language)
    engine.dispose()  # a DuckDB file is open in one process at a time
    command = [sys.executable, "-m", "bench.export_bench", "--child", url, task_id, str(export_dir)]
    output = subprocess.run(command + ["--tracemalloc"] * trace, check=True, capture_output=True,
                            text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    path = export_dir / f"{task_id}.{file_format}"
    if file_format == "xlsx" and language == ENGLISH and result["rows"] >= EXCEL_MAX_ROWS:
        result["libreoffice"] = read_in_libreoffice(path, url, q, result["rows"])
    path.unlink(missing_ok=True)
    return result


def read_in_libreoffice(path: Path, url: str, q: ExpenditureQuery, rows: int) -> str:
    """An .xlsx past one sheet's rows, opened in LibreOffice (`soffice --headless --convert-to
    csv`, every sheet): its detail sheets hold every row, the 1,048,577th included, and their
    amounts add up to the totals row and to the database's totals, to the last decimal."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        sheets = libreoffice_csv(path, Path(directory), timeout=3600)
        seconds = time.perf_counter() - started
        titles = sorted((title for title in sheets if title.startswith("Expenditures")), key=len)
        money = [DETAIL_COLUMN_KEYS.index(key) for key in MONEY_KEYS]
        sums, read, totals = [ZERO] * len(money), 0, None
        for title in titles:
            with open(sheets[title], encoding="utf-8", newline="") as file:
                lines = csv.reader(file)
                next(line for line in lines if line[:2] == ["Day", "Record ID"])  # the header row
                for line in lines:
                    if line[0].startswith("Total of"):
                        totals = [Decimal(line[index]) for index in money]
                        continue
                    read += 1
                    sums = [total + Decimal(line[index]) for total, index in zip(sums, money, strict=True)]
    engine = make_engine(url)
    with engine.connect() as conn:
        total = overview(conn, q).total
    engine.dispose()
    expected = [total.amount, total.cash_coupon, total.amount_paid]
    if len(titles) < 2 or read != rows or sums != expected or totals != expected:
        raise SystemExit(f"LibreOffice read {read:,} rows on {titles}, sums {sums}, totals row {totals}; "
                         f"expected {rows:,} rows on two sheets or more, totals {expected}")
    return (f"LibreOffice read all {read:,} rows on the sheets {', '.join(titles)} in {seconds:.0f} s; their "
            f"amounts add up to the totals row and the database's totals ({total.amount} / "
            f"{total.cash_coupon} / {total.amount_paid})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1900)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--url", help="database URL (default: a DuckDB file in bench/.data/)")
    parser.add_argument("--formats", nargs="+", default=["xlsx", "csv"], choices=["xlsx", "csv"])
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--languages", nargs="+", default=["en"], choices=list(LANGUAGES))
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace the Python heap's peak (slows the build down)")
    parser.add_argument("--child", nargs=3, metavar=("URL", "TASK", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, trace=args.tracemalloc)
        return
    url = demo_database(args.url, "export", args.customers, args.days)
    export_dir = DATA_DIR / "exports"
    export_dir.mkdir(parents=True, exist_ok=True)
    heap = " Python heap peak |" if args.tracemalloc else ""
    print(f"| rows | format | language | seconds | CPU seconds (all threads) | rows/s | RSS rise during the build | "
          f"peak RSS |{heap} file | load average (1 min) |")
    print("|---|---|---|---|---|---|---|---|" + "---|" * bool(heap) + "---|---|")
    for rows in args.sizes:
        for file_format in args.formats:
            for language in args.languages:
                report(measure(url, rows, file_format, export_dir, args.tracemalloc, language), file_format,
                       language, args.tracemalloc)


def report(result: dict, file_format: str, language: str, trace: bool) -> None:
    if result["status"] != "Completed":
        raise SystemExit(f"the export failed: {result['error']}")
    print(f"| {result['rows']:,} | .{file_format} | {language} | {result['seconds']:.1f} | {result['cpu']:.1f} | "
          f"{result['rows'] / result['seconds']:,.0f} | {result['rise_mib']:.0f} MiB | "
          f"{result['peak_mib']:.0f} MiB |"
          + (f" {result['heap_mib']:.1f} MiB |" if trace else "")
          + f" {result['file_mib']:.1f} MiB | {os.getloadavg()[0]:.1f} |", flush=True)
    if "libreoffice" in result:
        print(f"\n{result['libreoffice']}\n", flush=True)


if __name__ == "__main__":
    main()

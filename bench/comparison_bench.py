"""What a comparison costs the answers alone: the measurement behind docs/PERFORMANCE.md's
"Comparison period" figures, in one process, so that a loaded machine's interruptions drop out
of the best of several runs.

    .venv/bin/python -m bench.comparison_bench [--customers 500] [--days 1095] [--runs 9]

On the dashboard benchmark's demo dataset (bench/.data/, built once), for one year of days up to
the data's last day and each grouping, times the range's group totals and series against both
periods' (data_access.comparison), and a whole breakdown with and without the comparison.
"""
from __future__ import annotations

import argparse
import time
from datetime import timedelta

from bench.dashboard_bench import dataset_url, prepare
from data_access import breakdowns, comparison, options
from data_access.db import make_engine
from data_access.query import Basis, ExpenditureQuery, Scope


def best_ms(runs: int, function, *args) -> float:
    """The fastest of `runs` calls of function(*args), in ms."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function(*args)
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    url = dataset_url("duckdb", args.customers, args.days)
    prepare(url, args.customers, args.days)
    engine = make_engine(url)
    print("| grouping | group totals | both periods' group totals | total series | both periods' series "
          "| breakdown with series | the same, compared |\n|---|---|---|---|---|---|---|")
    with engine.connect() as conn:
        last = options.freshness(conn, Scope("P1"))
        for basis in (Basis.SERVICE_TYPE, Basis.ACCOUNT_MANAGER, Basis.CUSTOMER_ACCOUNT):
            q = ExpenditureQuery(Scope("P1"), last - timedelta(days=364), last, group_by=basis)
            compared = q.replace(compare="previous")
            prior = compared.comparison()
            figures = (
                best_ms(args.runs, breakdowns._group_totals, conn, q),
                best_ms(args.runs, comparison._groups_of_both, conn, compared, prior),
                best_ms(args.runs, breakdowns.overview, conn, q),
                best_ms(args.runs, comparison._series_of_both, conn, compared, prior),
                best_ms(args.runs, breakdowns.breakdown, conn, q),
                best_ms(args.runs, comparison.breakdown, conn, compared),
            )
            print(f"| {basis.label.lower()} | " + " | ".join(f"{value:,.0f}" for value in figures) + " |")
    engine.dispose()


if __name__ == "__main__":
    main()

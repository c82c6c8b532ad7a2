"""Backtest of the month-end forecast (data_access/forecast.py) on the demo data's history:
the measurement in docs/FORECAST.md.

    .venv/bin/python -m bench.forecast_backtest [--customers 300] [--days 400] [--url URL]

Builds (once, kept in bench/.data/) the demo dataset `flask demo load` makes by default (seed 1,
ending today), reads each partner's daily Amount, in total and per account manager, and for
every whole month of the history makes the forecast on its day 7, 14 and 21 from the days up to
then only. Prints each estimate's mean absolute percentage error against the month's actual
Amount, and how often the actual fell within the forecast's range.
"""
from __future__ import annotations

import argparse
from datetime import date, timedelta
from decimal import Decimal

from bench.datasets import demo_database
from data_access import breakdowns, forecast, options
from data_access.db import make_engine
from data_access.query import ExpenditureQuery, Scope

CUTOFF_DAYS = (7, 14, 21)


def whole_months(first: date, last: date) -> list[date]:
    """The first days of the months wholly within first..last."""
    months, month = [], first if first.day == 1 else forecast.month_end(first) + timedelta(days=1)
    while forecast.month_end(month) <= last:
        months.append(month)
        month = forecast.month_end(month) + timedelta(days=1)
    return months


def daily_amounts(engine, partner_id: str) -> tuple[date, date, dict[str, dict[date, Decimal]]]:
    """The partner's first and last day, and {"total" or a manager's key: {day: Amount}}."""
    with engine.connect() as conn:
        scope = Scope(partner_id)
        last = options.freshness(conn, scope)
        first = conn.exec_driver_sql("SELECT min(day) FROM expenditures WHERE partner_id = ?"
                                     if engine.dialect.name == "duckdb" else
                                     "SELECT min(day) FROM expenditures WHERE partner_id = %s",
                                     (partner_id,)).scalar()
        q = ExpenditureQuery(scope, first, last, group_by="account_manager", top_n=50)
        series = {"total": {p.period: p.money.amount for p in breakdowns.overview(conn, q).series}}
        keys = [group.key for group in breakdowns.breakdown(conn, q, with_series=False).groups]
        for key, sums in breakdowns._group_series(conn, q, keys).items():
            series[f"manager {key or '(unassigned)'}"] = {day: money.amount for day, money in sums.items()}
    return first, last, series


def backtest(amounts: dict[date, Decimal], first: date, last: date) -> list[dict]:
    """One row per month and cutoff day: the actual and each estimate's forecast and range."""
    history = forecast.daily(amounts, first, last)
    rows = []
    for month in whole_months(first, last):
        actual = sum(history[(history.index >= month) & (history.index <= forecast.month_end(month))],
                     Decimal(0))
        for day in CUTOFF_DAYS:
            up_to = month.replace(day=day)
            known = history[history.index <= up_to]  # only the data loaded by then
            landing = forecast.landing(known, up_to)
            estimates = {name: landing.actual + estimate(known, up_to)
                         for name, estimate in forecast.ESTIMATES.items()}
            rows.append({"month": month, "day": day, "actual": actual, "estimates": estimates,
                         "within": landing.low <= actual <= landing.high})
    return rows


def mape(rows: list[dict], name: str) -> float:
    errors = [abs(row["estimates"][name] - row["actual"]) / abs(row["actual"]) for row in rows if row["actual"]]
    return float(sum(errors) / len(errors) * 100)


def report(title: str, rows: list[dict]) -> None:
    print(f"\n{title}: {len(rows)} forecasts, range holds the actual in "
          f"{sum(row['within'] for row in rows) / len(rows):.0%}")
    print(f"{'estimate':<18}" + "".join(f"{f'day {day}':>9}" for day in CUTOFF_DAYS) + f"{'all':>9}")
    for name in forecast.ESTIMATES:
        by_day = [mape([row for row in rows if row["day"] == day], name) for day in CUTOFF_DAYS]
        print(f"{name + (' *' if name == forecast.METHOD else ''):<18}"
              + "".join(f"{value:>8.2f}%" for value in by_day) + f"{mape(rows, name):>8.2f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--url", help="a database holding demo data (default: a DuckDB file in bench/.data/)")
    args = parser.parse_args()
    engine = make_engine(demo_database(args.url, "forecast", args.customers, args.days))
    totals, managers = [], []
    for partner_id in ("P1", "P2"):
        first, last, series = daily_amounts(engine, partner_id)
        for name, amounts in series.items():
            (totals if name == "total" else managers).extend(backtest(amounts, first, last))
    print("MAPE of the month's Amount (* the method used)")
    report("Partners' totals", totals)
    report("Account managers", managers)


if __name__ == "__main__":
    main()

"""Movers speed against their raw query, on DuckDB and PostgreSQL: what docs/PERFORMANCE.md
reports.

    .venv/bin/python -m bench.movers_bench --url duckdb:///bench/.data/dashboard-500-1095.duckdb \
        --url postgresql+psycopg://postgres@127.0.0.1:5432/expenditure_movers_500_1095

On a demo dataset (bench.datasets: `demo_database` builds one), for `--months` different
months (each against the month before it, so no answer is reused), it times:
- **movers**: `data_access.movers.movers`, the answer the Overview and `stats movers` use (one
  statement for both periods on the customer-level rollups, then Decimal sums and sorting);
- **its statement**: the same statement, rows fetched, nothing made of them;
- **raw query**: what one would write on the records: per customer, both months' sums with
  CASE, and the manager of the last day from the assignments — the same answer, read from
  the expenditure records.
The best of `--runs` runs of each, then the median over the months.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

import sqlalchemy as sa

from data_access import attribution, movers, options
from data_access.db import make_engine
from data_access.money import to_decimal
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import customers, expenditures, managers

PARTNER = "P1"


def raw_statement(q: ExpenditureQuery) -> sa.Select:
    """The movers' sums from the expenditure records: the query one writes without rollups."""
    previous = q.comparison()
    e = expenditures
    now = e.c.day.between(q.start, q.end)

    def sums(period, name: str) -> list:
        return [sa.func.sum(sa.case((period, e.c[column]), else_=0)).label(f"{name}_{column}")
                for column in ("amount", "cash_coupon")]
    totals = (sa.select(e.c.customer_id, *sums(now, "now"), *sums(sa.not_(now), "before"))
              .where(e.c.partner_id == q.scope.partner_id,
                     sa.or_(now, e.c.day.between(previous.start, previous.end)))
              .group_by(e.c.customer_id).subquery("totals"))
    period = attribution.periods(q.scope.partner_id)
    return (sa.select(totals, customers.c.account_name, managers.c.name)
            .select_from(totals.outerjoin(customers, sa.and_(customers.c.partner_id == q.scope.partner_id,
                                                              customers.c.customer_id == totals.c.customer_id))
                         .outerjoin(period, sa.and_(period.c.customer_id == totals.c.customer_id,
                                                    attribution.covers(period, sa.literal(q.end, sa.Date))))
                         .outerjoin(managers, sa.and_(managers.c.partner_id == q.scope.partner_id,
                                                      managers.c.manager_id == period.c.manager_id))))


def best_of(runs: int, action) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def months_before(last: date, count: int) -> list[ExpenditureQuery]:
    """The `count` whole months before the month of `last`, latest first."""
    queries, first = [], last.replace(day=1)
    for _ in range(count):
        end = first - timedelta(days=1)
        first = end.replace(day=1)
        queries.append(ExpenditureQuery(Scope(PARTNER), first, end, compare="previous"))
    return queries


def measure(url: str, months: int, runs: int) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            records = conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar_one()
            queries = months_before(options.freshness(conn, Scope(PARTNER)), months)
            answer, statement, raw, customers_seen = [], [], [], []
            for q in queries:
                result = movers.movers(conn, q)
                raw_rows = conn.execute(raw_statement(q)).all()
                # The same customers and sums, from the rollups and from the records.
                assert {(m.customer_id, m.current.amount, m.previous.amount) for m in result.movers} == {
                    (row.customer_id, to_decimal(row.now_amount), to_decimal(row.before_amount)) for row in raw_rows
                    if row.now_amount or row.before_amount}
                customers_seen.append(len(result.movers))
                answer.append(best_of(runs, lambda q=q: movers.movers(conn, q)))
                statement.append(best_of(runs, lambda q=q: conn.execute(movers.movers_statement(q)).all()))
                raw.append(best_of(runs, lambda q=q: conn.execute(raw_statement(q)).all()))
    finally:
        engine.dispose()
    return {"engine": engine.dialect.name, "records": records, "customers": statistics.median(customers_seen),
            "movers": statistics.median(answer), "statement": statistics.median(statement),
            "raw": statistics.median(raw)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", required=True, help="a database with demo data (repeatable)")
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| engine | records | movers listed | movers | its statement | raw query on the records | movers ÷ raw |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for url in args.url:
        row = measure(url, args.months, args.runs)
        print(f"| {row['engine']} | {row['records']:,} | {row['customers']:,.0f} | {row['movers'] * 1000:,.0f} ms | "
              f"{row['statement'] * 1000:,.0f} ms | {row['raw'] * 1000:,.0f} ms | "
              f"{row['movers'] / row['raw']:.2f} |", flush=True)


if __name__ == "__main__":
    main()

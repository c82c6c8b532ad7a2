"""Stored attribution vs a temporal join at query time: the measurement behind
data_access/attribution.py's choice.

    .venv/bin/python -m bench.attribution_bench --customers 1000 --days 1095 [--url URL]

Builds (once, kept in bench/.data/) a demo dataset, then times the same question — one year of
daily spend grouped by account manager — answered from the stored column (breakdowns.breakdown's
SQL) and from a join on the assignment periods, and prints the medians.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

import sqlalchemy as sa

from bench.datasets import demo_database
from data_access import attribution, options
from data_access.db import is_duckdb, make_engine
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import expenditures


def temporal_join_sql(q: ExpenditureQuery):
    """The same grouping, attributing each record at query time."""
    period = attribution.periods(q.scope.partner_id)
    e = expenditures
    manager = sa.func.coalesce(period.c.manager_id, "").label("key")
    joined = e.join(period, sa.and_(period.c.customer_id == e.c.customer_id,
                                    attribution.covers(period, e.c.day)))
    inner = (sa.select(manager, e.c.day, e.c.amount, e.c.cash_coupon).select_from(joined)
             .where(e.c.partner_id == q.scope.partner_id, e.c.day >= q.start, e.c.day <= q.end)
             .subquery())
    return (sa.select(inner.c.key, inner.c.day, sa.func.sum(inner.c.amount), sa.func.sum(inner.c.cash_coupon))
            .group_by(inner.c.key, inner.c.day))


def stored_sql(q: ExpenditureQuery):
    e = expenditures
    inner = (sa.select(sa.func.coalesce(e.c.manager_id, "").label("key"), e.c.day, e.c.amount,
                       e.c.cash_coupon)
             .where(e.c.partner_id == q.scope.partner_id, e.c.day >= q.start, e.c.day <= q.end)
             .subquery())
    return (sa.select(inner.c.key, inner.c.day, sa.func.sum(inner.c.amount), sa.func.sum(inner.c.cash_coupon))
            .group_by(inner.c.key, inner.c.day))


def median_ms(engine, statement, runs: int) -> tuple[float, int]:
    timings, rows = [], 0
    with engine.connect() as conn:
        conn.execute(statement).all()  # warm the engine's own caches: we compare SQL, not I/O
        for _ in range(runs):
            started = time.perf_counter()
            rows = len(conn.execute(statement).all())
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--url", help="database URL (default: a DuckDB file in bench/.data/)")
    args = parser.parse_args()
    engine = make_engine(demo_database(args.url, "attribution", args.customers, args.days))
    with engine.connect() as conn:
        last = options.freshness(conn, Scope("P1"))
        total = conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar_one()
    q = ExpenditureQuery(Scope("P1"), last - timedelta(days=364), last, group_by="account_manager")
    stored, stored_rows = median_ms(engine, stored_sql(q), args.runs)
    joined, joined_rows = median_ms(engine, temporal_join_sql(q), args.runs)
    assert stored_rows == joined_rows, "both must answer the same question"
    kind = "DuckDB" if is_duckdb(engine) else "PostgreSQL"
    print(f"{kind}, {total:,} records, one year daily by account manager ({stored_rows} rows):")
    print(f"  stored column   {stored:8.1f} ms")
    print(f"  temporal join   {joined:8.1f} ms   ({joined / stored:.1f}x)")


if __name__ == "__main__":
    main()

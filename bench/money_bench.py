"""Two decimals against eight: the same answers timed on two databases of demo data, one with
money stored as NUMERIC(18, 2) (made by the code before issue 18, not migrated) and one as
NUMERIC(18, 8) with NUMERIC(38, 8) rollups, taking turns query by query, so that the load of a
shared machine falls on both alike. What docs/PERFORMANCE.md reports ("Money at eight decimals").

    .venv/bin/python -m bench.money_bench --two URL --eight URL [--repeats 15]

The data_access answers (breakdowns, details) run directly on a connection (no web stack, no cache): one
year of daily spend (overview; breakdowns by account manager, customer account and service type)
and the detail page sorted by amount, each repetition one day earlier (no answer reused).
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

import sqlalchemy as sa

from data_access.breakdowns import breakdown, overview
from data_access.db import make_engine
from data_access.details import detail_page
from data_access.query import Basis, ExpenditureQuery, Scope
from data_access.schema import expenditures

QUESTIONS = {
    "overview": lambda conn, q: overview(conn, q),
    "by manager": lambda conn, q: breakdown(conn, q.replace(group_by=Basis.ACCOUNT_MANAGER)),
    "by customer": lambda conn, q: breakdown(conn, q.replace(group_by=Basis.CUSTOMER_ACCOUNT)),
    "by service": lambda conn, q: breakdown(conn, q.replace(group_by=Basis.SERVICE_TYPE)),
    "detail page by amount": lambda conn, q: detail_page(conn, q, 0, 20),
}


def money_type(conn: sa.Connection) -> str:
    kind, precision, scale = conn.execute(sa.text(
        "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns"
        " WHERE table_name = 'expenditures' AND column_name = 'amount'"
        " AND table_schema = current_schema()")).one()
    return f"{kind.split('(')[0]}({precision}, {scale})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--two", required=True, help="database URL with two-decimal money")
    parser.add_argument("--eight", required=True, help="database URL with eight-decimal money")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    engines = {"2 decimals": make_engine(args.two), "8 decimals": make_engine(args.eight)}
    times: dict[tuple[str, str], list[float]] = {}
    with engines["2 decimals"].connect() as two, engines["8 decimals"].connect() as eight:
        connections = {"2 decimals": two, "8 decimals": eight}
        for side, conn in connections.items():
            print(f"{side}: {money_type(conn)}, "
                  f"{conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar():,} records")
        last = min(conn.execute(sa.select(sa.func.max(expenditures.c.day))).scalar()
                   for conn in connections.values())
        for repeat in range(args.repeats + 1):  # the first, unmeasured, warms both
            end = last - timedelta(days=repeat)
            q = ExpenditureQuery(Scope("P1"), end - timedelta(days=364), end)
            for name, ask in QUESTIONS.items():
                order = list(connections.items())
                for side, conn in order if repeat % 2 else reversed(order):  # who goes first alternates
                    started = time.perf_counter()
                    ask(conn, q)
                    if repeat:
                        times.setdefault((name, side), []).append((time.perf_counter() - started) * 1000)
    print("| question | 2 decimals p50 ms | 8 decimals p50 ms | ratio |\n|---|---|---|---|")
    for name in QUESTIONS:
        two_ms, eight_ms = (statistics.median(times[(name, side)]) for side in engines)
        print(f"| {name} | {two_ms:.0f} | {eight_ms:.0f} | {eight_ms / two_ms:.2f}x |")


if __name__ == "__main__":
    main()

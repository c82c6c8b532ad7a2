"""Demo datasets for the benchmarks: built once, kept under bench/.data/ (git-ignored)."""
from __future__ import annotations

import time
from pathlib import Path

from data_access import demo
from data_access.db import init_db, is_duckdb, make_engine

DATA_DIR = Path(__file__).resolve().parent / ".data"


def demo_database(url: str | None, name: str, customers: int, days: int) -> str:
    """The URL of a database holding the demo data of that size (seed 1), loading it if empty.
    Without `url`, a DuckDB file named after `name` and the size."""
    url = url or f"duckdb:///{DATA_DIR / f'{name}-{customers}-{days}.duckdb'}"
    engine = make_engine(url)
    init_db(engine)
    with engine.connect() as conn:
        empty = not demo.has_expenditures(conn)
    if empty:
        started = time.perf_counter()
        summary = demo.load(engine, demo.generate(customers=customers, days=days, seed=1))
        print(f"loaded {summary.records:,} records in {time.perf_counter() - started:.1f} s")
        if is_duckdb(engine):
            with engine.begin() as conn:  # so that no later process replays the write-ahead log
                conn.exec_driver_sql("CHECKPOINT")
        else:  # the planner's statistics, which a server without autovacuum would never gather
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return url

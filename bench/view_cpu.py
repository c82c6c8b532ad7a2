"""CPU time of the dashboard's view functions in one process, cold (computed) and warm (from the
cache): less sensitive to a busy machine than the HTTP benchmark, as it counts this process's
CPU only (`time.process_time`).

    .venv/bin/python -m bench.view_cpu [--url duckdb:///bench/.data/dashboard-500-1095.duckdb]
                                       [--compare none previous]

With `--compare`, every view is measured with each comparison (the view's `compare`), after one
unmeasured call that computes what all ranges share (the month-end forecast).

The dataset is the dashboard benchmark's (built on first use). To compare with an older commit,
run this file from a checkout of that commit (it uses only names both have).
"""
from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

import app as app_module
from bench.datasets import demo_database
from callbacks.breakdown import breakdown_view, detail_rows
from callbacks.overview import overview_view
from config import Config
from data_access.query import ExpenditureQuery, Scope

COLD, WARM = 8, 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="the database (default: the dashboard benchmark's 500 customers)")
    parser.add_argument("--compare", nargs="+", default=["none"], choices=["none", "previous", "year"])
    args = parser.parse_args()
    url = demo_database(args.url, "dashboard", 500, 1095)
    instance = Path(tempfile.mkdtemp(prefix="view-cpu-"))
    built = app_module.create_app(Config.from_env(database_url=url, redis_url=None, instance_dir=instance,
                                                  export_dir=instance / "exports",
                                                  secret_key=secrets.token_urlsafe(48)))
    server = getattr(built, "server", built)  # older commits' create_app returned the Dash app
    runtime, scope = server.extensions["runtime"], Scope("P1")
    with runtime.engine.connect() as conn:
        last = conn.execute(sa.text("SELECT max(day) FROM expenditures")).scalar()

    def params(shift: int, compare: str) -> dict:
        end = last - timedelta(days=shift)
        return ExpenditureQuery(scope, end - timedelta(days=364), end, compare=compare).to_params()

    views = {
        "overview": lambda p: overview_view(runtime, scope, p),
        "trend": lambda p: breakdown_view(runtime, scope, "trend", p, "amount"),
        "trend by customer": lambda p: breakdown_view(runtime, scope, "trend", {**p, "group_by": "customer_account"},
                                                      "amount"),
        "distribution by customer": lambda p: breakdown_view(runtime, scope, "distribution",
                                                             {**p, "group_by": "customer_account"}, "amount"),
        "detail page": lambda p: detail_rows(runtime, scope, {"startRow": 0, "endRow": 100, "context": p,
                                                              "sortModel": []}),
    }
    print("compare | view | cold ms | warm ms")
    for compare in args.compare:
        for name, view in views.items():
            measure(server, name, view, params, compare)


def measure(server, name: str, view, params, compare: str) -> None:
    """Print the view's CPU time per call, cold (new ranges) and warm (one range again)."""
    with server.test_request_context():
        view(params(200, compare))  # what every range shares
        started = time.process_time()
        for shift in range(COLD):  # a new range each time: computed
            view(params(shift, compare))
        cold = (time.process_time() - started) / COLD
        view(params(100, compare))
        started = time.process_time()
        for _ in range(WARM):  # the same range again: from the cache
            view(params(100, compare))
        warm = (time.process_time() - started) / WARM
    print(f"{compare} | {name} | {cold * 1000:.1f} | {warm * 1000:.2f}", flush=True)


if __name__ == "__main__":
    main()

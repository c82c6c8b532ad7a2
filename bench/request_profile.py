"""The fixed cost of a request, profiled: the app in this process, driven through Flask's test
client (no sockets, no threads) by bench.dash_client, so cProfile sees the whole request path:
session and user check, CSRF, rate limiter, logging, the cache key, Dash's dispatch and the
answer's serialisation.

    .venv/bin/python -m bench.request_profile [--url URL] [--requests 2000] [--profile floor]

After signing in and opening the dashboard once (so every answer is cached), it sends, warm:
the floor (a signed-in callback that asks nothing of the database: the filter sections'
titles), the view callback (the controls and the URL checked: nothing changed, so it sets off
nothing), the Overview's range changed back and forth (every callback it sets off) and the
Trend tab's breakdown (chart, groups and grid, from the cache), and reports
each one's CPU time per request
(`time.process_time`, this process only: what the server spends, whatever else the machine
runs). With --profile, the named workload runs again under cProfile and the functions that cost
the most are printed.
"""
from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import os
import pstats
import secrets
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import flask
import sqlalchemy as sa

from app import create_app
from bench.dash_client import DashClient
from bench.dashboard_bench import FLOOR_OUTPUT, LOGIN, PASSWORD, View, dataset_url, prepare
from config import Config
from dashboard import ids


class _Answer:
    """What DashClient reads of a requests.Response, from a Flask test response."""

    def __init__(self, response):
        self.status_code, self.headers, self.content = response.status_code, response.headers, response.data

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self):
        return json.loads(self.content)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text[:300]}")


class _Cookies:
    def __init__(self, client):
        self.client = client

    def get(self, name: str):
        cookie = self.client.get_cookie(name)
        return cookie.value if cookie else None


class TestClientHttp:
    """The part of requests.Session that DashClient uses, on Flask's test client."""

    def __init__(self, app: flask.Flask):
        self.client = app.test_client()
        self.headers: dict[str, str] = {}
        self.cookies = _Cookies(self.client)
        self.server_cpu = 0.0  # seconds of this process's CPU spent in the app (and the test client)
        self.profile: cProfile.Profile | None = None  # profiles the app's part when set

    def _timed(self, method, url: str, **kwargs) -> _Answer:
        started = time.process_time()
        try:
            return _Answer(self.profile.runcall(method, url, **kwargs) if self.profile else method(url, **kwargs))
        finally:
            self.server_cpu += time.process_time() - started

    def get(self, url: str, timeout=None) -> _Answer:
        return self._timed(self.client.get, url, headers=self.headers)

    def post(self, url: str, data=None, headers=None, timeout=None, allow_redirects=True) -> _Answer:
        return self._timed(self.client.post, url, data=data, headers={**self.headers, **(headers or {})})


def signed_in_client(url: str) -> tuple[DashClient, View]:
    instance = Path(tempfile.mkdtemp(prefix="request-profile-"))
    app = create_app(Config.from_env(database_url=url, redis_url=None, instance_dir=instance,
                                     export_dir=instance / "exports", secret_key=secrets.token_urlsafe(48)))
    with app.extensions["runtime"].engine.connect() as conn:
        last = conn.execute(sa.text("SELECT max(day) FROM expenditures WHERE partner_id = 'P1'")).scalar()
    client = DashClient("")
    client.http = TestClientHttp(app)
    client.sign_in(LOGIN, PASSWORD)
    view = View(last - timedelta(days=1))
    client.open(view.path())
    return client, view


def workloads(client: DashClient, view: View) -> dict:
    """name -> (the tab it runs on, a function sending one round of it -> the requests sent).
    Each runs 20 unmeasured rounds first, which fill the cache."""
    ranges = itertools.cycle([str(view.first), str(view.last - timedelta(days=182))])
    return {
        "floor": ("overview", lambda: client.again(FLOOR_OUTPUT)),
        "view": ("overview", lambda: client.again(ids.QUERY_PARAMS)),  # the controls and URL checked
        # the Overview's range changed to one of two (the view, its cards, chart, scorecard, links)
        "overview range": ("overview", lambda: client.set("range-from", value=next(ranges))),
        "trend": ("trend", lambda: client.again(ids.BREAKDOWN_GRAPH)),  # the trend's chart, groups and grid
    }


def cpu_per_request(http: TestClientHttp, send, rounds: int) -> tuple[float, int]:
    """(the app's CPU ms per request, requests) over `rounds` rounds, after 20 unmeasured ones;
    the client's own work (DashClient following the renderer's rules) is not counted."""
    for _ in range(20):
        send()
    started, requests = http.server_cpu, 0
    for _ in range(rounds):
        requests += len(send())
    return (http.server_cpu - started) * 1000 / requests, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="the database (default: the dashboard benchmark's DuckDB, 500 customers)")
    parser.add_argument("--requests", type=int, default=2000, help="rounds of each workload")
    parser.add_argument("--profile", choices=["floor", "view", "overview range", "trend"])
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    url = args.url or dataset_url("duckdb", 500, 1095)
    prepare(url, 500, 1095)
    client, view = signed_in_client(url)
    sends = workloads(client, view)
    print(f"load average {os.getloadavg()[0]:.1f} before")
    for name, (tab, send) in sends.items():
        client.set("tabs", active_tab=tab)
        ms, requests = cpu_per_request(client.http, send, args.requests)
        print(f"{name}: {ms:.2f} ms CPU per request ({requests} requests); load average {os.getloadavg()[0]:.1f}",
              flush=True)
    if args.profile:
        tab, send = sends[args.profile]
        client.set("tabs", active_tab=tab)
        client.http.profile = cProfile.Profile()
        for _ in range(args.requests):
            send()
        stats = pstats.Stats(client.http.profile).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()

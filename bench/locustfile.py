"""Locust users of the dashboard, for bench/load_test.py (which starts the app and Locust).

Each user signs in through the form with an account of its own (LOAD_ACCOUNTS: a JSON file of
[login, password] pairs), opens the dashboard and then, with a few seconds of thought between
steps, switches tabs, changes the time range, the grouping and the search, and pages the
detail table: the requests the browser sends, through bench.dash_client. One user in ten
exports once. Every HTTP request is reported to Locust under the callback it served; every
interaction's total server time is written to LOAD_INTERACTIONS (JSON) when the test stops.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import time

from locust import User, between, events, task
from locust.exception import StopUser

from bench.dash_client import DashClient, Request

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())
PRESETS = ("last_7_days", "last_30_days", "this_month", "last_month", "last_3_months",
           "last_6_months", "last_12_months", "this_year")
BASES = ("service_type", "billing_mode", "association_type", "account_manager", "customer_account")
SEARCHES = ("li", "wang", "cloud", "an", "")
EXPORTED = "Export task created."

_numbers = itertools.count()
_interactions: dict[str, list[float]] = {}
_exports: list[str] = []


def request_name(request: Request) -> str:
    """'/_dash-layout', or the callback's first output, e.g. 'callback breakdown-graph.figure'."""
    if request.output.startswith("GET "):
        return request.output[4:].split("?")[0]
    first = request.output.strip(".").split("...")[0]
    return "callback " + first.split("@")[0]  # "@hash": a second callback of the same output


class DashboardUser(User):
    wait_time = between(2, 6)  # a person reads the chart before the next change

    def on_start(self) -> None:
        number = next(_numbers)
        self.login, password = ACCOUNTS[number % len(ACCOUNTS)]
        self.exports_left = 1 if number % 10 == 0 else 0
        self.dash = DashClient(self.host, timeout=60)
        # Each person from an address of their own, as the app sees them behind the proxy
        # (bench/load_test.py sets PROXY_HOPS=1): else the sign-in limit per address stops them.
        self.dash.http.headers["X-Forwarded-For"] = f"10.0.{number // 250}.{number % 250 + 1}"
        started = time.perf_counter()
        try:
            self.dash.sign_in(self.login, password)
            error = None
        except Exception as problem:  # noqa: BLE001 - reported to Locust as a failure
            error = problem
        self.environment.events.request.fire(
            request_type="POST", name="/login", response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=error, context={})
        if error is not None:
            raise StopUser()
        self._interact("open the dashboard", lambda: self.dash.open("/?range=last_30_days"))

    def _interact(self, name: str, action) -> None:
        """Run one interaction; report its requests to Locust and its total time."""
        logged = len(self.dash.log)
        error = None
        try:
            action()
        except Exception as problem:  # noqa: BLE001
            error = problem
        sent = self.dash.log[logged:]
        for request in sent:
            failed = error if request.status >= 400 else None
            self.environment.events.request.fire(
                request_type="GET" if request.output.startswith("GET ") else "POST",
                name=request_name(request), response_time=request.seconds * 1000,
                response_length=request.bytes, exception=failed, context={})
        if error is not None and not any(request.status >= 400 for request in sent):
            self.environment.events.request.fire(  # failed before or without an HTTP error
                request_type="ERROR", name=name, response_time=0, response_length=0,
                exception=error, context={})
        _interactions.setdefault(name, []).append(sum(request.seconds for request in sent))

    def _tab(self) -> str:
        return self.dash.value("tabs", "active_tab")

    @task(3)
    def switch_tab(self) -> None:
        tab = random.choice([t for t in ("overview", "trend", "distribution") if t != self._tab()])
        self._interact(f"open {tab}", lambda: self.dash.set("tabs", active_tab=tab))

    @task(3)
    def change_range(self) -> None:
        self._interact("change the range", lambda: self.dash.set("range-preset", value=random.choice(PRESETS)))

    @task(2)
    def change_grouping(self) -> None:
        if self._tab() == "overview":
            self.switch_tab()
            return
        self._interact("change the grouping", lambda: self.dash.set("group-by", value=random.choice(BASES)))

    @task(2)
    def page_table(self) -> None:
        grids = self.dash.find({"type": "detail-grid", "tab": ["ALL"]})
        if not grids:
            self.switch_tab()
            return
        options = self.dash.value(grids[0], "dashGridOptions")
        start = random.choice((20, 40, 60)) if random.random() < 0.7 else 0
        sort = [] if start else [{"sort": random.choice(("asc", "desc")), "colId": "amount"}]
        self._interact("page or sort the table", lambda: self.dash.set(grids[0], getRowsRequest={
            "startRow": start, "endRow": start + options["cacheBlockSize"], "sortModel": sort,
            "filterModel": {}, "api": {}, "context": options["context"]}))

    @task(1)
    def search(self) -> None:
        self._interact("search", lambda: self.dash.set("search", value=random.choice(SEARCHES)))

    @task(1)
    def export(self) -> None:
        if not self.exports_left:
            return
        self.exports_left -= 1
        if self._tab() != "overview":
            self._interact("open overview", lambda: self.dash.set("tabs", active_tab="overview"))
        self._interact("export", lambda: self.dash.set("overview-export", n_clicks=1))
        _exports.append(self.login if EXPORTED in json.dumps(self.dash.value("toasts", "children"))
                        else f"{self.login}: no confirmation")


@events.test_stop.add_listener
def _write_interactions(environment, **_kwargs) -> None:
    path = os.environ.get("LOAD_INTERACTIONS")
    if path:
        with open(path, "w") as out:
            json.dump({"interactions": _interactions, "exports": _exports}, out)

"""Dashboard speed over real HTTP, per interaction, on DuckDB and PostgreSQL: what
docs/PERFORMANCE.md reports.

    .venv/bin/python -m bench.dashboard_bench --customers 500 5000 --engines duckdb postgresql --browser

For each size (customers x days of demo data: 5,000 x 1,095 is about 10 million records) and
engine, it builds the dataset once (DuckDB: bench/.data/; PostgreSQL: the database
expenditure_bench_<customers>_<days>, created with createdb), starts the app in a subprocess
on a free 127.0.0.1 port, signs in as the demo admin through the sign-in form and drives each
tab's main interactions with bench.dash_client (the requests the browser sends). Every
interaction is first measured with the app's cache cold (each repetition looks at different
days, so no answer is cached yet), then again warm. Server time is the sum of the round trips
of the interaction's requests on the loopback.

The app records which answers it computed for each interaction (cache misses); they are then
replayed directly on a connection ("raw": the data_access answer functions alone), so the
table shows what the web stack adds. The server's peak resident memory (VmHWM) is read from
/proc. With --browser, headless Chromium also times the first load of the dashboard until the
Overview chart is painted, by the page's own clock (CHART_PAINTED).

The floor: on the same server, in the same run, a signed-in callback that asks nothing of the
database (the filter sections' titles, which every page load sends) is sent FLOOR_CALLS times
after each tab's warm pass; each warm interaction is reported as a multiple of it, in all and
per request, by wall time and by the server's CPU time (from /proc: less sensitive to other
work on the machine than the wall time).
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import math
import os
import pickle
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.dash_client import CALLBACK_PATH, DashClient
from bench.datasets import DATA_DIR, demo_database
from dashboard import ids
from data_access import demo, options, users
from data_access.db import is_duckdb, make_engine
from data_access.query import Basis, Scope

POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
LOGIN, PASSWORD, PARTNER = "admin@p1", "demo-admin-1", "P1"
INTERACTION_HEADER = "X-Bench-Interaction"
# The floor: a real callback of every page load, signed in, answered without a query.
FLOOR_OUTPUT = f"{ids.filter_section(next(iter(Basis)))}.title"
FLOOR_CALLS = 10
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


# --- the datasets ----------------------------------------------------------------------------

def dataset_url(engine_kind: str, customers: int, days: int, data_dir: Path = DATA_DIR) -> str:
    if engine_kind == "duckdb":
        return f"duckdb:///{data_dir / f'dashboard-{customers}-{days}.duckdb'}"
    return f"{POSTGRES_SERVER}/expenditure_bench_{customers}_{days}"


def prepare(url: str, customers: int, days: int) -> None:
    """The demo dataset (bench.datasets: built once) with its sign-ins; for PostgreSQL in a
    database of its own, created if missing, and with fresh planner statistics."""
    if not is_duckdb(url):
        name = url.rsplit("/", 1)[1]
        server = make_engine(f"{POSTGRES_SERVER}/postgres")
        with server.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": name}).first()
        server.dispose()
        if not exists:
            subprocess.run(["createdb", "-h", server.url.host, "-p", str(server.url.port or 5432),
                            "-U", server.url.username, name], check=True)
    demo_database(url, "dashboard", customers, days)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if users.get_user(conn, LOGIN) is None:
                demo.add_sign_ins(conn, demo.generate(customers=customers, days=days, seed=1))
        if not is_duckdb(url):
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()


def facts_of(url: str) -> tuple[int, date]:
    """(records, last day of partner P1's data)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            records = conn.execute(sa.text("SELECT count(*) FROM expenditures")).scalar_one()
            return records, options.freshness(conn, Scope(PARTNER))
    finally:
        engine.dispose()


# --- the app under test, in its own process ------------------------------------------------------

def serve(url: str, answers_path: str) -> None:
    """In the subprocess: the app on a free port (printed), recording the answers it computes."""
    import flask
    from werkzeug.serving import make_server

    from answers.cache import Answers
    from app import create_app
    from config import Config

    computing = Answers.compute

    def compute(self, function, query, *args):
        started = time.perf_counter()
        result = computing(self, function, query, *args)
        with open(answers_path, "ab") as log:
            pickle.dump((flask.request.headers.get(INTERACTION_HEADER),
                         f"{function.__module__}:{function.__name__}", query, args,
                         time.perf_counter() - started), log)
        return result

    Answers.compute = compute
    instance = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    app = create_app(Config.from_env(database_url=url, redis_url=None, instance_dir=instance,
                                     export_dir=instance / "exports", secret_key=secrets.token_urlsafe(48)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print(server.server_port, flush=True)
    server.serve_forever()


class Server:
    """The app in a subprocess; `base_url`, `peak_rss_mib()`."""

    def __init__(self, url: str, answers_path: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.dashboard_bench", "--serve", url, str(answers_path)],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
        port = self.process.stdout.readline().strip()
        if not port:
            raise RuntimeError("the app did not start")
        self.base_url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                requests.get(self.base_url + "/login", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """The CPU time (user + system) the app's process has used so far, from /proc."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mib(self, field: str = "VmHWM") -> float:
        """The process's resident memory (VmHWM: its peak so far), from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field} for the app's process")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# --- what a person does --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class View:
    """Where a repetition starts: one year of daily spend up to `last`, on the overview,
    compared with the period before or a year before when `compare` says so."""
    last: date
    compare: str = "none"

    @property
    def first(self) -> date:
        return self.last - timedelta(days=364)

    def path(self) -> str:
        return f"/?range=custom&from={self.first}&to={self.last}" + (
            f"&compare={self.compare}" if self.compare != "none" else "")


def _half_year(view: View) -> str:
    return str(view.last - timedelta(days=182))


def _ask_rows(start: int, sort_model: list) -> Callable:
    """What the grid does when the user pages or sorts: it asks for a block of rows."""
    def ask(client: DashClient, _view: View):
        grid = client.find({"type": "detail-grid", "tab": ["ALL"]})[0]
        options = client.value(grid, "dashGridOptions")
        return client.set(grid, getRowsRequest={
            "startRow": start, "endRow": start + options["cacheBlockSize"], "sortModel": sort_model,
            "filterModel": {}, "api": {}, "context": options["context"]})
    return ask


def _open_tab(tab: str) -> Callable:
    return lambda client, _view: client.set("tabs", active_tab=tab)


_BREAKDOWN = (
    ("change the range", lambda client, view: client.set("range-from", value=_half_year(view))),
    ("group by manager", lambda client, _view: client.set("group-by", value="account_manager")),
    ("group by customer", lambda client, _view: client.set("group-by", value="customer_account")),
    ("next page", _ask_rows(20, [])),
    ("sort by amount", _ask_rows(0, [{"sort": "asc", "colId": "amount"}])),
)
# Each tab's main interactions, (name, action(client, view)), in the order a person does them;
# the trend and distribution tabs are opened from the overview of the view (loaded first).
INTERACTIONS = {
    "overview": (
        ("open the dashboard", lambda client, view: client.open(view.path())),
        ("change the range", lambda client, view: client.set("range-from", value=_half_year(view))),
        ("month granularity", lambda client, _view: client.set("granularity", value="month")),
        ("search", lambda client, _view: client.set("search", value="li")),
    ),
    "trend": (("open the tab", _open_tab("trend")), *_BREAKDOWN),
    "distribution": (("open the tab", _open_tab("distribution")), *_BREAKDOWN),
}
TABS = tuple(INTERACTIONS)


@dataclasses.dataclass
class Sample:
    tab: str
    interaction: str
    warm: bool
    seconds: float
    requests: int
    label: str  # the interaction's header value: its answers in the server's record
    cpu: float = 0.0  # the server's CPU time during the interaction


def run_scenarios(client: DashClient, last_day: date, repeats: int, warmup: int = 1,
                  compare: str = "none", server_cpu: Callable[[], float] = lambda: 0.0
                  ) -> tuple[list[Sample], list[Sample]]:
    """`warmup` + `repeats` repetitions of every tab's interactions, each on days of its own
    (so the cache is cold), then once more on the same days (warm), each warm pass followed by
    FLOOR_CALLS calls of the floor. -> (the interactions' samples, the floor's)."""
    samples, floor = [], []

    def measured(label: str, action, *args) -> tuple[list, float]:
        client.http.headers[INTERACTION_HEADER] = label
        cpu = server_cpu()
        sent = action(*args)
        cpu = server_cpu() - cpu
        client.http.headers.pop(INTERACTION_HEADER)
        return sent, cpu

    for repetition in range(warmup + repeats):
        for tab_index, tab in enumerate(TABS):
            view = View(last_day - timedelta(days=len(TABS) * repetition + tab_index), compare)
            for warm in (False, True):
                if tab != "overview":
                    client.open(view.path())
                for name, action in INTERACTIONS[tab]:
                    label = f"{repetition}|{tab}|{name}|{warm}"
                    sent, cpu = measured(label, action, client, view)
                    if repetition >= warmup:
                        samples.append(Sample(tab, name, warm, sum(r.seconds for r in sent), len(sent), label, cpu))
            for call in range(FLOOR_CALLS):
                label = f"{repetition}|{tab}|floor {call}|True"
                (request, *others), cpu = measured(label, client.again, FLOOR_OUTPUT)
                assert not others and request.status == 200, "the floor is one callback, answered"
                if repetition >= warmup:
                    floor.append(Sample(tab, "floor", True, request.seconds, 1, label, cpu))
    return samples, floor


def computed_answers(answers_path: Path) -> dict[str, list]:
    """The server's record: interaction label -> [(function name, query, args, seconds)]."""
    answers: dict[str, list] = {}
    with open(answers_path, "rb") as log:
        while True:
            try:
                label, name, query, args, seconds = pickle.load(log)
            except EOFError:
                return answers
            answers.setdefault(label, []).append((name, query, args, seconds))


# The answer functions the app computes, by name (as the serving subprocess records them).
def raw_seconds(url: str, answers: list, runs: int = 1) -> list[float]:
    """The same answers computed directly on one connection: each answer list's total time."""
    engine = make_engine(url)
    totals = []
    try:
        with engine.connect() as conn:
            for calls in answers:
                best = math.inf
                for _ in range(runs):
                    started = time.perf_counter()
                    for name, query, args, _ in calls:
                        module, function = name.split(":")
                        getattr(importlib.import_module(module), function)(conn, query, *args)
                    best = min(best, time.perf_counter() - started)
                totals.append(best)
    finally:
        engine.dispose()
    return totals


CHART_TRACE = "#overview-graph .main-svg .scatterlayer .trace"
# In the page, before its scripts: the time (the page's clock: from the start of its navigation)
# of the first frame painted with the Overview chart's first trace, the frame after the one
# that added it. Playwright's own wait for the element returned 100-600 ms later on a busy main
# thread: it measured its polling, not the page.
CHART_PAINTED = """
new MutationObserver((_records, observer) => {
  if (document.querySelector(%r)) {
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.chartPainted = performance.now(); }));
  }
}).observe(document, {subtree: true, childList: true});
""" % CHART_TRACE


def first_loads(base_url: str, loads: int = 2) -> tuple[list[float], list[str]]:
    """Headless Chromium: sign in, then load the dashboard until the Overview chart is painted.
    -> (seconds of each load by the page's clock, the callbacks (outputs) the first load asked
    the server for)."""
    from playwright.sync_api import sync_playwright

    timings, callbacks = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=BROWSER_ARGS)
        try:
            page = browser.new_context().new_page()
            page.goto(base_url + "/login")
            page.fill("#login", LOGIN)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            page.add_init_script(CHART_PAINTED)

            def record(request) -> None:
                if CALLBACK_PATH in request.url:
                    callbacks.append(request.post_data_json["output"])

            for load in range(loads):
                page.goto("about:blank")
                if load == 0:
                    page.on("request", record)
                page.goto(base_url + "/")
                painted = page.wait_for_function("() => window.chartPainted", polling=50, timeout=60_000)
                timings.append(painted.json_value() / 1000)
                page.remove_listener("request", record)
        finally:
            browser.close()
    return timings, callbacks


# --- the report ------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclasses.dataclass
class Row:
    tab: str
    interaction: str
    requests: int
    cold: list[float]
    raw: list[float]
    warm: list[float]
    warm_cpu: list[float] = dataclasses.field(default_factory=list)

    @property
    def ratio(self) -> float:
        raw = statistics.median(self.raw)
        return statistics.median(self.cold) / raw if raw else math.inf


@dataclasses.dataclass
class EngineRun:
    engine: str
    records: int
    rows: list[Row]
    peak_rss_mib: float
    computed_when_warm: int  # answers computed during warm interactions: none, if the cache works
    first_loads: list[float]
    unlike_browser: list[str]  # callbacks of a page load that Chromium and the client do not both send
    load_average: tuple[float, float]  # before and after
    floor: list[float] = dataclasses.field(default_factory=list)  # seconds of each floor request
    floor_cpu: list[float] = dataclasses.field(default_factory=list)  # the server's CPU during each

    def floor_multiples(self, row: Row) -> tuple[float, float, float]:
        """(warm p50 over the floor's p50; the same per request; the server's CPU per request
        over the floor's CPU per request)."""
        floor = statistics.median(self.floor)
        whole = statistics.median(row.warm) / floor
        cpu = statistics.mean(row.warm_cpu) / row.requests / statistics.mean(self.floor_cpu) if any(
            self.floor_cpu) else math.nan
        return whole, whole / row.requests, cpu


def run_engine(engine_kind: str, url: str, repeats: int, warmup: int = 1, browser: bool = False,
               work_dir: Path | None = None, compare: str = "none") -> EngineRun:
    records, last_day = facts_of(url)
    work_dir = Path(work_dir or tempfile.mkdtemp(prefix="dashboard-bench-"))
    answers_path = work_dir / f"answers-{engine_kind}.pickle"
    answers_path.unlink(missing_ok=True)
    load_before = os.getloadavg()[0]
    server = Server(url, answers_path)
    try:
        loads, unlike_browser = [], []
        client = DashClient(server.base_url)
        client.sign_in(LOGIN, PASSWORD)
        if browser:
            loads, sent_by_browser = first_loads(server.base_url)
            sent_by_client = [request.output for request in client.open("/") if not request.output.startswith("GET ")]
            unlike_browser = sorted(set(sent_by_browser) ^ set(sent_by_client))
        samples, floor = run_scenarios(client, last_day, repeats, warmup, compare, server.cpu_seconds)
        peak_rss = server.memory_mib()
    finally:
        server.stop()  # before the raw replay: a DuckDB file is open in one process at a time
    answers = computed_answers(answers_path)
    rows: dict[tuple[str, str], Row] = {}
    cold = [sample for sample in samples if not sample.warm]
    raw = raw_seconds(url, [answers.get(sample.label, []) for sample in cold])
    for sample, raw_time in zip(cold, raw, strict=True):
        row = rows.setdefault((sample.tab, sample.interaction),
                              Row(sample.tab, sample.interaction, sample.requests, [], [], []))
        row.cold.append(sample.seconds)
        row.raw.append(raw_time)
    warm = [sample for sample in samples if sample.warm]
    for sample in warm:
        rows[(sample.tab, sample.interaction)].warm.append(sample.seconds)
        rows[(sample.tab, sample.interaction)].warm_cpu.append(sample.cpu)
    computed_when_warm = sum(len(answers.get(sample.label, [])) for sample in (*warm, *floor))
    name = engine_kind if compare == "none" else f"{engine_kind}, compare {compare}"
    return EngineRun(name, records, list(rows.values()), peak_rss, computed_when_warm, loads,
                     unlike_browser, (load_before, os.getloadavg()[0]),
                     [sample.seconds for sample in floor], [sample.cpu for sample in floor])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.0095 else f"{seconds * 1000:.1f}"


def report(runs: list[EngineRun]) -> str:
    lines = [("| records | engine | tab | interaction | requests | cold p50 | cold p95 | raw p50 | "
              "cold / raw | warm p50 | warm p95 | warm CPU | warm / floor | per request / floor "
              "| CPU per request / floor CPU |"), "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        for row in run.rows:
            whole, per_request, cpu = run.floor_multiples(row)
            lines.append(
                f"| {run.records:,} | {run.engine} | {row.tab} | {row.interaction} | {row.requests} | "
                f"{ms(statistics.median(row.cold))} | {ms(percentile(row.cold, 0.95))} | "
                f"{ms(statistics.median(row.raw))} | {row.ratio:.1f}x | "
                f"{ms(statistics.median(row.warm))} | {ms(percentile(row.warm, 0.95))} | "
                f"{ms(statistics.mean(row.warm_cpu))} | {whole:.1f}x | {per_request:.1f}x | {cpu:.1f}x |")
    lines.append("")
    for run in runs:
        floor_cpu = statistics.mean(run.floor_cpu)
        lines.append(f"- {run.records:,} records, {run.engine}: the floor ({FLOOR_OUTPUT}, {len(run.floor)} "
                     f"requests): p50 {ms(statistics.median(run.floor))} ms, p95 {ms(percentile(run.floor, 0.95))} ms, "
                     f"server CPU {ms(floor_cpu)} ms a request"
                     + (f" ({1 / floor_cpu:,.0f} requests/s per core)" if floor_cpu else ""))
    for run in runs:
        loads = ", ".join(f"{ms(seconds)} ms" for seconds in run.first_loads)
        lines.append(f"- {run.records:,} records, {run.engine}: app peak RSS {run.peak_rss_mib:,.0f} MiB; "
                     f"answers computed when warm: {run.computed_when_warm}; "
                     f"load average {run.load_average[0]:.1f} before, {run.load_average[1]:.1f} after"
                     + (f"; first load in Chromium (cold, then warm): {loads}" if loads else "")
                     + (f"; CALLBACKS UNLIKE CHROMIUM'S: {run.unlike_browser}" if run.unlike_browser else ""))
    return "\n".join(lines)


def comparison_report(runs: list[EngineRun]) -> str:
    """What turning a comparison on costs: each interaction's cold and warm p50 with it, over
    the same without it (same records and engine)."""
    plain = {(run.records, run.engine): run for run in runs if ", compare " not in run.engine}
    lines = ["| records | engine | tab | interaction | cold p50 without | cold p50 with | with / without | "
             "warm p50 without | warm p50 with |", "|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        base = plain.get((run.records, run.engine.split(",")[0]))
        if base is None or base is run:
            continue
        before = {(row.tab, row.interaction): row for row in base.rows}
        for row in run.rows:
            without = before[(row.tab, row.interaction)]
            ratio = statistics.median(row.cold) / statistics.median(without.cold)
            lines.append(f"| {run.records:,} | {run.engine} | {row.tab} | {row.interaction} | "
                         f"{ms(statistics.median(without.cold))} | {ms(statistics.median(row.cold))} | {ratio:.2f}x | "
                         f"{ms(statistics.median(without.warm))} | {ms(statistics.median(row.warm))} |")
    return "\n".join(lines) if len(lines) > 2 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[5000])
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgresql"], choices=["duckdb", "postgresql"])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--browser", action="store_true", help="also time the first page load in Chromium")
    parser.add_argument("--compare", nargs="+", default=["none"], choices=["none", "previous", "year"],
                        help="run every interaction with each of these comparisons (URL state `compare`)")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "ANSWERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    runs = []
    for customers in args.customers:
        for engine_kind in args.engines:
            url = dataset_url(engine_kind, customers, args.days)
            print(f"{engine_kind}, {customers} customers x {args.days} days: {url}", flush=True)
            prepare(url, customers, args.days)
            for compare in args.compare:
                print(f"compare: {compare}", flush=True)
                runs.append(run_engine(engine_kind, url, args.repeats, browser=args.browser, compare=compare))
                print(report(runs[-1:]), flush=True)
    print("\n" + report(runs))
    print("\n" + comparison_report(runs))


if __name__ == "__main__":
    main()

"""Load test of the production mode: gunicorn workers and a Celery worker on PostgreSQL and
Redis, with concurrent signed-in Locust users (bench/locustfile.py). What docs/PERFORMANCE.md
reports.

    .venv/bin/python -m bench.load_test --customers 5000 --users 50 --duration 120

Locust runs from its own virtualenv (`.venv-locust`, made on first use: its gevent is not
among the app's requirements). Everything listens on 127.0.0.1 only. The dataset is the
dashboard benchmark's (bench.dashboard_bench.prepare: built once), with one account per
simulated user.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.dashboard_bench import dataset_url, percentile, prepare
from data_access import users
from data_access.db import make_engine
from data_access.export_tasks import COMPLETED
from data_access.schema import export_tasks, managers

ROOT = Path(__file__).resolve().parent.parent
LOCUST_VENV = ROOT / ".venv-locust"
LOCUST_VERSION = "2.47.0"
PASSWORD = "load-test-password"


def locust_command() -> list[str]:
    if not (LOCUST_VENV / "bin" / "locust").exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q", f"locust=={LOCUST_VERSION}"], check=True)
    return [str(LOCUST_VENV / "bin" / "locust")]


def accounts(url: str, count: int) -> list[tuple[str, str]]:
    """`count` sign-ins (created once): four in five admins of P1 or P2, one in five account
    managers of P1, so that the users ask different questions of different scopes."""
    engine = make_engine(url)
    made = []
    try:
        with engine.begin() as conn:
            manager_ids = conn.execute(sa.select(managers.c.manager_id).where(managers.c.partner_id == "P1")
                                       .order_by(managers.c.manager_id)).scalars().all()
            for number in range(count):
                login = f"load-{number:03d}"
                if users.get_user(conn, login) is None:
                    if number % 5 == 4:
                        users.add_user(conn, login, PASSWORD, "P1", "account_manager",
                                       manager_ids[number % len(manager_ids)])
                    else:
                        users.add_user(conn, login, PASSWORD, "P2" if number % 5 == 3 else "P1", "admin")
                made.append((login, PASSWORD))
            conn.execute(sa.delete(export_tasks).where(export_tasks.c.owner_login.like("load-%")))
    finally:
        engine.dispose()
    return made


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def tree_rss_mib(pid: int) -> float:
    """The resident memory of a process and its children (gunicorn's master and workers)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if status.parent.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def run(url: str, redis_url: str, users_count: int, spawn_rate: int, duration: int, web_workers: int,
        work_dir: Path) -> dict:
    logins = accounts(url, users_count)
    accounts_path = work_dir / "accounts.json"
    accounts_path.write_text(json.dumps(logins))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": secrets.token_urlsafe(48),
           "INSTANCE_DIR": str(work_dir / "instance"), "EXPORT_DIR": str(work_dir / "exports"),
           "WEB_CONCURRENCY": str(web_workers), "LOG_LEVEL": "WARNING",
           "PROXY_HOPS": "1"}  # as behind a reverse proxy: the users' addresses are X-Forwarded-For
    subprocess.run(["redis-cli", "-u", redis_url, "FLUSHDB"], check=True, capture_output=True)
    web = start([str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(web_workers), "app:create_app()"], env, work_dir / "gunicorn.log")
    worker = start([str(ROOT / ".venv/bin/celery"), "--app", "exports.celery_app", "worker",
                    "--concurrency", "1", "--loglevel", "WARNING"], env, work_dir / "celery.log")
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(base_url + "/readyz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"the app did not become ready; see {work_dir / 'gunicorn.log'}")
        load_before = os.getloadavg()[0]
        locust = subprocess.Popen(
            [*locust_command(), "-f", str(ROOT / "bench/locustfile.py"), "--headless", "--users", str(users_count),
             "--spawn-rate", str(spawn_rate), "--run-time", f"{duration}s", "--host", base_url,
             "--csv", str(work_dir / "locust"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, stdout=(work_dir / "locust.log").open("w"), stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "LOAD_ACCOUNTS": str(accounts_path),
                 "LOAD_INTERACTIONS": str(work_dir / "interactions.json")})
        peak_rss = 0.0
        while locust.poll() is None:
            peak_rss = max(peak_rss, tree_rss_mib(web.pid))
            time.sleep(1)
        load_after = os.getloadavg()[0]
    finally:
        stop(web)
        stop(worker)
    return {"stats": read_stats(work_dir / "locust_stats.csv"),
            "interactions": json.loads((work_dir / "interactions.json").read_text()),
            "exports": export_outcomes(url), "peak_rss_mib": peak_rss, "load": (load_before, load_after),
            "users": users_count, "duration": duration, "web_workers": web_workers}


def read_stats(path: Path) -> list[dict]:
    with path.open() as stats_file:
        return list(csv.DictReader(stats_file))


def export_outcomes(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(export_tasks.c.status, sa.func.count()).where(
                export_tasks.c.owner_login.like("load-%")).group_by(export_tasks.c.status)).all()
    finally:
        engine.dispose()
    return {status: count for status, count in rows}


def report(result: dict, records: int) -> str:
    rows = ["| request | count | failures | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|"]
    for row in sorted(result["stats"], key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = "**all requests**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        rows.append(f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
                    f"{row['50%']} | {row['95%']} | {row['99%']} |")
    rows += ["", "| interaction | count | p50 ms | p95 ms |", "|---|---|---|---|"]
    for name, seconds in sorted(result["interactions"]["interactions"].items()):
        rows.append(f"| {name} | {len(seconds)} | {statistics.median(seconds) * 1000:,.0f} | "
                    f"{percentile(seconds, 0.95) * 1000:,.0f} |")
    exports = ", ".join(f"{count} {status}" for status, count in sorted(result["exports"].items())) or "none"
    rows += ["", f"- {records:,} records; {result['users']} users for {result['duration']} s; "
                 f"{result['web_workers']} gunicorn workers; exports asked: "
                 f"{len(result['interactions']['exports'])} ({exports} at the end; "
                 f"{COMPLETED} needs the build to finish within the run); gunicorn peak RSS (all workers) "
                 f"{result['peak_rss_mib']:,.0f} MiB; load average {result['load'][0]:.1f} before, "
                 f"{result['load'][1]:.1f} after"]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    url = dataset_url("postgresql", args.customers, args.days)
    prepare(url, args.customers, args.days)
    engine = make_engine(url)
    with engine.connect() as conn:
        records = conn.execute(sa.text("SELECT count(*) FROM expenditures")).scalar_one()
    engine.dispose()
    work_dir = Path(tempfile.mkdtemp(prefix="load-test-"))
    result = run(url, args.redis_url, args.users, args.spawn_rate, args.duration, args.web_workers, work_dir)
    print(report(result, records))
    print(f"\n(logs and Locust's CSV files in {work_dir})")


if __name__ == "__main__":
    main()

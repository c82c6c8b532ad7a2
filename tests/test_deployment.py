"""Deployment: one process per DuckDB file (a clear refusal, not a crash later), gunicorn's
settings per database, and the headers of trusted proxies believed only when PROXY_HOPS says so."""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys

import flask
import pytest

from config import PROJECT_DIR, Config
from data_access.db import make_engine
from runtime import hold_duckdb_file
from tests.helpers import client, make_app

HOLD = "import duckdb, sys, time\ndatabase = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(300)"
ADVICE = "run one web worker (WEB_CONCURRENCY=1; use --threads for concurrency)"


@pytest.fixture
def held_file(tmp_path):
    """(path, pid): a DuckDB file that another process has open for the test's duration."""
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield path, holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()


def run(command: list[str], tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "INSTANCE_DIR": str(tmp_path / "instance"), **env})


def test_a_duckdb_file_another_process_holds_is_refused_with_what_to_do(held_file, tmp_path, monkeypatch):
    path, pid = held_file
    with pytest.raises(SystemExit) as refusal:
        hold_duckdb_file(make_engine(f"duckdb:///{path}"))
    message = str(refusal.value)
    assert f"The DuckDB file {path} is in use by another process (PID {pid})." in message
    assert ADVICE in message and "set DATABASE_URL to PostgreSQL" in message

    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # as `flask run` starts the app
    with pytest.raises(SystemExit, match=rf"in use by another process \(PID {pid}\)"):
        make_app(f"duckdb:///{path}", tmp_path)


def test_a_command_is_refused_while_the_running_app_holds_the_file(tmp_path, monkeypatch):
    url = f"duckdb:///{tmp_path / 'app.duckdb'}"
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    make_app(url, tmp_path)  # this process is the running app: it holds the file from the start
    result = run([sys.executable, "-m", "flask", "--app", "app", "users", "list"], tmp_path, DATABASE_URL=url)
    assert result.returncode == 1
    assert f"is in use by another process (PID {os.getpid()}). DuckDB allows one process" in result.stderr


def test_gunicorn_stops_when_another_process_holds_the_duckdb_file(held_file, tmp_path):
    path, pid = held_file
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                  "app:create_app()"], tmp_path, DATABASE_URL=f"duckdb:///{path}", PORT=str(port))
    assert result.returncode == 3  # gunicorn's "worker failed to boot": it does not start it again
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # gunicorn's lines are JSON too
    messages = [line["message"] for line in lines]
    assert f"The DuckDB file {path} is in use by another process (PID {pid}). DuckDB allows one process " \
           f"per database file: {ADVICE}, stop the other process, or set DATABASE_URL to PostgreSQL." in messages
    assert sum("Booting worker" in message for message in messages) == 1


def test_the_celery_worker_refuses_a_duckdb_database(tmp_path):
    result = run([sys.executable, "-m", "celery", "--app", "exports.celery_app", "worker", "--pool", "solo"],
                 tmp_path, DATABASE_URL=f"duckdb:///{tmp_path / 'any.duckdb'}", REDIS_URL="redis://127.0.0.1:9/0")
    assert result.returncode == 1
    assert "The export worker needs PostgreSQL: DATABASE_URL is a DuckDB file" in result.stderr


def gunicorn_settings(monkeypatch, **env):
    """gunicorn.conf.py loaded as gunicorn loads it, with `env` as the environment (None: unset)."""
    for name in ("DATABASE_URL", "WEB_CONCURRENCY", "WEB_THREADS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", PROJECT_DIR / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_runs_one_threaded_worker_on_duckdb(monkeypatch):
    settings = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="6")  # the default database: DuckDB
    assert (settings.workers, settings.threads) == (1, 8)
    settings = gunicorn_settings(monkeypatch, DATABASE_URL="duckdb:////srv/data.duckdb",
                                 WEB_CONCURRENCY="6", WEB_THREADS="3")
    assert (settings.workers, settings.threads) == (1, 3)


def test_gunicorn_runs_web_concurrency_workers_on_postgresql(monkeypatch):
    url = "postgres://app@db.internal/expenditure"
    settings = gunicorn_settings(monkeypatch, DATABASE_URL=url, WEB_CONCURRENCY="6")
    assert (settings.workers, settings.threads) == (6, 1)
    settings = gunicorn_settings(monkeypatch, DATABASE_URL=url)
    assert (settings.workers, settings.threads, settings.bind, settings.timeout) == (4, 1, "0.0.0.0:8050", 60)
    assert gunicorn_settings(monkeypatch, DATABASE_URL=url, PORT="9123").bind == "0.0.0.0:9123"


def client_address_and_scheme(app) -> tuple[str, str]:
    """What the app believes of a request that came through a proxy at 10.0.0.2 for 203.0.113.7."""
    seen = []

    @app.after_request
    def record(response):
        seen.append((flask.request.remote_addr, flask.request.scheme))
        return response

    client(app).get("/healthz", environ_base={"REMOTE_ADDR": "10.0.0.2"},
                    headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    return seen[0]


def test_forwarded_headers_are_ignored_without_proxy_hops(duckdb_engine, tmp_path, monkeypatch):
    monkeypatch.delenv("PROXY_HOPS", raising=False)
    assert client_address_and_scheme(make_app(duckdb_engine, tmp_path)) == ("10.0.0.2", "http")


def test_forwarded_headers_are_believed_with_proxy_hops(duckdb_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PROXY_HOPS", "1")
    assert client_address_and_scheme(make_app(duckdb_engine, tmp_path)) == ("203.0.113.7", "https")


def session_cookie(app) -> str:
    response = client(app).get("/login")  # stores the CSRF token in a new session
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    return cookie


def test_secure_cookies_marks_the_session_cookie_secure_over_plain_http(duckdb_engine, tmp_path, monkeypatch):
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    assert "; Secure" not in session_cookie(make_app(duckdb_engine, tmp_path))
    monkeypatch.setenv("SECURE_COOKIES", "1")
    assert "; Secure" in session_cookie(make_app(duckdb_engine, tmp_path))


def test_a_replica_is_read_from_the_environment_and_only_of_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@primary/stats")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql://app@replica/stats")
    assert Config.from_env().database_replica_url == "postgresql+psycopg://app@replica/stats"
    monkeypatch.setenv("DATABASE_URL", "duckdb:///stats.duckdb")
    with pytest.raises(SystemExit, match="a DuckDB file has no replicas"):
        Config.from_env()

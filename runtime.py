"""What the running app shares between requests: configuration, database engine, answers."""
from __future__ import annotations

import dataclasses
import re

import flask
import sqlalchemy as sa
from flask_caching import Cache

from answers import Answers
from config import Config
from data_access.db import is_duckdb

ONE_PROCESS_PER_DUCKDB_FILE = (
    "DuckDB allows one process per database file: run one web worker (WEB_CONCURRENCY=1; use "
    "--threads for concurrency), stop the other process, or set DATABASE_URL to PostgreSQL")


def hold_duckdb_file(engine: sa.Engine, *, keep: bool = True) -> None:
    """With a DuckDB file, open it now, so that a file another process holds is a refusal at
    startup (SystemExit naming the file and the holder) rather than a failure at the first
    request. With `keep` the connection stays in the pool, and the file with this process:
    a command started while the app runs is refused the same way."""
    path = engine.url.database
    if not is_duckdb(engine) or not path or path == ":memory:":
        return
    try:
        engine.connect().close()  # back to the pool, still open
    except sa.exc.DBAPIError as error:
        if "Could not set lock" not in str(error.orig):
            raise
        holder = re.search(r"\(PID (\d+)\)", str(error.orig))
        by = f" (PID {holder[1]})" if holder else ""
        raise SystemExit(f"The DuckDB file {path} is in use by another process{by}. "
                         f"{ONE_PROCESS_PER_DUCKDB_FILE}.") from None
    if not keep:
        engine.dispose()


@dataclasses.dataclass
class Runtime:
    config: Config
    engine: sa.Engine  # the primary: every write, and every read that must see one (sign-ins, exports)
    read_engine: sa.Engine  # the dashboard's answers: the streaming replica if configured, else `engine`
    answers: Answers  # the answers of data_access (on read_engine), through the cache

    @classmethod
    def start(cls, server: flask.Flask, config: Config) -> Runtime:
        engine = config.make_engine()
        if config.run_from_cli:
            # The development server and the commands hold a DuckDB file from the start (a
            # gunicorn worker once loaded: gunicorn.conf.py).
            hold_duckdb_file(engine, keep=not config.reloader_parent)
        # In-process without Redis: past its threshold of entries it drops the oldest. Each
        # view caches a few answers and their drawings: 500, its default, held a few dozen views.
        cache_settings = ({"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config.redis_url}
                          if config.redis_url else {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 3000})
        cache = Cache(server, config={**cache_settings,
                                      "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_seconds})
        # The answers and the data version their cache keys hold are read from the same server, so a
        # replica that lags behind an import keeps showing the old data under the old version,
        # never the old data under the new one (docs/SCALING.md).
        read_engine = config.make_engine(replica=True) if config.database_replica_url else engine
        runtime = cls(config, engine, read_engine, Answers(read_engine, cache))
        server.extensions["runtime"] = runtime
        return runtime


def current_runtime() -> Runtime:
    """The runtime of the app serving this request or command."""
    return flask.current_app.extensions["runtime"]

"""What the running app shares between requests: configuration, database engine, cache."""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
from collections.abc import Callable
from typing import TypeVar

import flask
import sqlalchemy as sa
from flask_caching import Cache

from config import Config
from data_access import stats
from data_access.db import is_duckdb, make_engine

log = logging.getLogger(__name__)
T = TypeVar("T")

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
    engine: sa.Engine
    cache: Cache

    @classmethod
    def start(cls, server: flask.Flask, config: Config) -> Runtime:
        engine = make_engine(config.database_url, duckdb_memory_limit=config.duckdb_memory_limit,
                             duckdb_threads=config.duckdb_threads)
        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":  # set by the `flask` command
            # The development server and the commands hold a DuckDB file from the start (a
            # gunicorn worker once loaded: gunicorn.conf.py). Others who import app.py, which
            # builds an app, such as tests and benchmarks, leave the file alone. The reloader of
            # `flask --debug run` loads the app in a parent process too, which serves nothing
            # and must leave the file to its child.
            reloader_parent = config.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"
            hold_duckdb_file(engine, keep=not reloader_parent)
        cache_settings = ({"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config.redis_url}
                          if config.redis_url else {"CACHE_TYPE": "SimpleCache"})
        cache = Cache(server, config={**cache_settings,
                                      "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_seconds})
        runtime = cls(config, engine, cache)
        server.extensions["runtime"] = runtime
        return runtime

    def partner(self, scope):
        """The scope's partner row (name, time zone, currency, data version), or None: read
        once per request, as every answer of the request needs its data version."""
        memo = flask.g.setdefault("partners", {}) if flask.has_request_context() else {}
        if scope.partner_id not in memo:
            with self.engine.connect() as conn:
                memo[scope.partner_id] = stats.partner(conn, scope.partner_id)
        return memo[scope.partner_id]

    def remember(self, scope, key: tuple, compute: Callable[[], T]) -> T:
        """`compute()`, through the shared cache.

        `key` says what is computed, and holds the Scope (partner, and manager of an
        account-manager sign-in) of the data it reads, so two users share an entry only when
        they may see the same data. The partner's data version is added, so an import makes
        old entries unreachable. A cache that is down (Redis restarting) falls through to the
        database."""
        row = self.partner(scope)
        text = f"{row.data_version if row else None}|{scope!r}|{key!r}"
        cache_key = "answer:" + hashlib.sha256(text.encode()).hexdigest()
        try:
            cached = self.cache.get(cache_key)
        except Exception:  # noqa: BLE001 - any cache failure is a miss, never an outage
            log.warning("cache unavailable; answering from the database", exc_info=True)
            cached = None
        if cached is not None:
            return cached
        result = compute()
        try:
            self.cache.set(cache_key, result)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; answer not stored", exc_info=True)
        return result

    def compute(self, function: Callable[..., T], query, *args) -> T:
        """`function(conn, query, *args)` on a connection of its own, not cached."""
        with self.engine.connect() as conn:
            return function(conn, query, *args)

    def answer(self, function: Callable[..., T], query, *args) -> T:
        """`function(conn, query, *args)` through the shared cache; `query` is an
        ExpenditureQuery or a Scope."""
        scope = getattr(query, "scope", query)
        name = f"{function.__module__}.{function.__qualname__}"
        return self.remember(scope, (name, query, args), lambda: self.compute(function, query, *args))


def current_runtime() -> Runtime:
    """The runtime of the app serving this request or command."""
    return flask.current_app.extensions["runtime"]

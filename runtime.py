"""What the running app shares between requests: configuration, database engine, cache."""
from __future__ import annotations

import dataclasses
import hashlib
import logging

import flask
import sqlalchemy as sa
from flask_caching import Cache

from config import Config
from data_access.db import make_engine
from data_access.schema import partners

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Runtime:
    config: Config
    engine: sa.Engine
    cache: Cache

    @classmethod
    def start(cls, server: flask.Flask, config: Config) -> Runtime:
        engine = make_engine(config.database_url, duckdb_memory_limit=config.duckdb_memory_limit,
                             duckdb_threads=config.duckdb_threads)
        cache_settings = ({"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config.redis_url}
                          if config.redis_url else {"CACHE_TYPE": "SimpleCache"})
        cache = Cache(server, config={**cache_settings,
                                      "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_seconds})
        runtime = cls(config, engine, cache)
        server.extensions["runtime"] = runtime
        return runtime

    def answer(self, function, query, *args):
        """`function(conn, query, *args)`, through the shared cache.

        `query` is an ExpenditureQuery or a Scope. The key is built from its repr, which holds
        the Scope (partner, and manager of an account-manager sign-in), so two users share an
        entry only when they may see the same data; and from the partner's data version, so an
        import makes old answers unreachable. A cache that is down (Redis restarting) falls
        through to the database."""
        scope = getattr(query, "scope", query)
        with self.engine.connect() as conn:
            version = conn.execute(sa.select(partners.c.data_version)
                                   .where(partners.c.partner_id == scope.partner_id)).scalar()
            text = f"{function.__module__}.{function.__qualname__}|{version}|{query!r}|{args!r}"
            key = "answer:" + hashlib.sha256(text.encode()).hexdigest()
            try:
                cached = self.cache.get(key)
            except Exception:  # noqa: BLE001 - any cache failure is a miss, never an outage
                log.warning("cache unavailable; answering from the database", exc_info=True)
                cached = None
            if cached is not None:
                return cached
            result = function(conn, query, *args)
        try:
            self.cache.set(key, result)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; answer not stored", exc_info=True)
        return result


def current_runtime() -> Runtime:
    """The runtime of the app serving this request or command."""
    return flask.current_app.extensions["runtime"]

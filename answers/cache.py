"""Answers of data_access through a shared cache (flask-caching: memory, or Redis).

A cache key holds the scope of the data read (partner, and manager of an account-manager
sign-in), so two users share an entry only when they may see the same data; the partner's data
version, so an import makes old entries unreachable; and the code version, so a deployment of
other code never reads what older code stored in a shared Redis.
"""
from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import flask
import sqlalchemy as sa
from flask_caching import Cache

from data_access import options
from data_access.query import Scope

log = logging.getLogger(__name__)
T = TypeVar("T")
PROJECT_DIR = Path(__file__).resolve().parent.parent
# What an answer is made of: the code of these packages decides every cached value.
ANSWERING_PACKAGES = ("answers", "dashboard", "data_access")


@functools.cache
def code_version() -> str:
    """A digest of the code that computes and draws answers, read once per process."""
    digest = hashlib.sha256()
    for package in ANSWERING_PACKAGES:
        for path in sorted((PROJECT_DIR / package).glob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class Answers:
    def __init__(self, engine: sa.Engine, cache: Cache):
        self.engine, self.cache = engine, cache

    def partner(self, scope: Scope):
        """The scope's partner row (name, time zone, currency, data version), or None: read
        once per request, as every answer of the request needs its data version."""
        memo = flask.g.setdefault("partners", {}) if flask.has_request_context() else {}
        if scope.partner_id not in memo:
            with self.engine.connect() as conn:
                memo[scope.partner_id] = options.partner(conn, scope.partner_id)
        return memo[scope.partner_id]

    def remember(self, scope: Scope, key: tuple, compute: Callable[[], T]) -> T:
        """`compute()`, through the shared cache. `key` says what is computed from the data of
        `scope`. A cache that is down (Redis restarting) falls through to the database."""
        row = self.partner(scope)
        text = f"{code_version()}|{row.data_version if row else None}|{scope!r}|{key!r}"
        cache_key = "answer:" + hashlib.sha256(text.encode()).hexdigest()
        try:
            cached = self.cache.get(cache_key)
        except Exception:  # noqa: BLE001 - any cache failure is a miss, never an outage
            log.warning("cache unavailable; answering from the database", exc_info=True)
            cached = None
        if cached is not None:  # stored as (result,): a miss reads as None, a None answer does not
            return cached[0]
        result = compute()
        try:
            self.cache.set(cache_key, (result,))
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

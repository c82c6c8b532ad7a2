"""Operational endpoints: /healthz (the process answers) and /readyz (it can serve: the database
answers, and Redis too when configured). Both are open without sign-in and say nothing of data."""
from __future__ import annotations

import flask
import redis
import sqlalchemy as sa

from runtime import Runtime


def readiness(runtime: Runtime) -> dict[str, str]:
    """{'database': 'ok' | reason, 'redis': ...}; a reason names the failure, not a traceback."""
    checks = {}
    try:
        with runtime.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except sa.exc.SQLAlchemyError as error:
        checks["database"] = f"unreachable: {type(error.orig or error).__name__}"
    if runtime.config.redis_url:
        try:
            redis.Redis.from_url(runtime.config.redis_url, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except redis.RedisError as error:
            checks["redis"] = f"unreachable: {type(error).__name__}"
    return checks


def register_health(server: flask.Flask, runtime: Runtime) -> None:
    @server.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @server.get("/readyz")
    def readyz():
        checks = readiness(runtime)
        ready = all(state == "ok" for state in checks.values())
        return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503

"""Operational endpoints: /healthz (the process answers) and /readyz (it can serve: the database
answers, its streaming replica and Redis too when configured). Both are open without sign-in and say nothing of data."""
from __future__ import annotations

import flask
import redis
import sqlalchemy as sa

from runtime import Runtime


def _answers(engine: sa.Engine) -> str:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return "ok"
    except sa.exc.SQLAlchemyError as error:
        return f"unreachable: {type(error.orig or error).__name__}"


def readiness(runtime: Runtime) -> dict[str, str]:
    """{'database': 'ok' | reason, 'replica': ..., 'redis': ...}; a reason names the failure,
    not a traceback. The dashboard reads from the replica, so without it the app cannot serve."""
    checks = {"database": _answers(runtime.engine)}
    if runtime.read_engine is not runtime.engine:
        checks["replica"] = _answers(runtime.read_engine)
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

"""Configuration, only from the environment (see the README's table)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from data_access.db import default_database_url, normalise_url
from data_access.export_tasks import STALE_AFTER

PROJECT_DIR = Path(__file__).resolve().parent


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


@dataclasses.dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str | None = None
    secret_key: str | None = None
    instance_dir: Path = PROJECT_DIR / "instance"
    export_dir: Path = PROJECT_DIR / "instance" / "exports"
    export_retention_days: int = 7
    export_workers: int = 2
    export_queue: str = "exports"  # the Celery queue (REDIS_URL set)
    export_stale_seconds: int = int(STALE_AFTER.total_seconds())  # a build silent this long is failed
    cache_timeout_seconds: int = 300
    session_lifetime_minutes: int = 480
    duckdb_memory_limit: str = "1GB"
    duckdb_threads: int = 2
    log_level: str = "INFO"
    proxy_hops: int = 0  # trusted reverse proxies in front: their X-Forwarded-* headers are believed
    secure_cookies: bool = False  # the embedded mode serves plain http on loopback
    max_content_length: int = 1024 * 1024  # bytes of a request body; more is answered 413
    exports_pending_per_user: int = 3  # exports waiting or running at once, per user ...
    exports_pending_per_partner: int = 10  # ... and per partner
    exports_per_hour: int = 30  # exports one user may ask for in an hour
    debug: bool = False
    testing: bool = False

    @classmethod
    def from_env(cls, **overrides) -> Config:
        instance_dir = Path(os.environ.get("INSTANCE_DIR") or PROJECT_DIR / "instance")
        values = dict(
            database_url=normalise_url(default_database_url()),
            redis_url=os.environ.get("REDIS_URL") or None,
            secret_key=os.environ.get("SECRET_KEY") or None,
            instance_dir=instance_dir,
            export_dir=Path(os.environ.get("EXPORT_DIR") or instance_dir / "exports"),
            export_retention_days=_int("EXPORT_RETENTION_DAYS", 7),
            export_workers=_int("EXPORT_WORKERS", 2),
            export_queue=os.environ.get("EXPORT_QUEUE") or "exports",
            export_stale_seconds=_int("EXPORT_STALE_SECONDS", int(STALE_AFTER.total_seconds())),
            cache_timeout_seconds=_int("CACHE_TIMEOUT_SECONDS", 300),
            session_lifetime_minutes=_int("SESSION_LIFETIME_MINUTES", 480),
            duckdb_memory_limit=os.environ.get("DUCKDB_MEMORY_LIMIT") or "1GB",
            duckdb_threads=_int("DUCKDB_THREADS", 2),
            log_level=os.environ.get("LOG_LEVEL") or "INFO",
            proxy_hops=_int("PROXY_HOPS", 0),
            secure_cookies=os.environ.get("SECURE_COOKIES", "") in ("1", "true"),
            max_content_length=_int("MAX_CONTENT_LENGTH", 1024 * 1024),
            exports_pending_per_user=_int("EXPORTS_PENDING_PER_USER", 3),
            exports_pending_per_partner=_int("EXPORTS_PENDING_PER_PARTNER", 10),
            exports_per_hour=_int("EXPORTS_PER_HOUR", 30),
            debug=os.environ.get("FLASK_DEBUG", "") in ("1", "true"),
        )
        values.update(overrides)
        return cls(**values)

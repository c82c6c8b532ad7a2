"""Configuration: the one place that reads the environment (see the README's table)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import sqlalchemy as sa

from data_access.db import is_duckdb, make_engine, normalise_url
from data_access.export_tasks import STALE_AFTER

PROJECT_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"duckdb:///{PROJECT_DIR / 'instance' / 'expenditure.duckdb'}"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


@dataclasses.dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    # A PostgreSQL streaming replica of database_url: the dashboard's answers read from it;
    # sign-ins, sessions, users, imports and exports stay on the primary (docs/SCALING.md).
    database_replica_url: str | None = None
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
    log_format: str = "json"  # or "plain": readable lines, the default of the `flask` command
    proxy_hops: int = 0  # trusted reverse proxies in front: their X-Forwarded-* headers are believed
    secure_cookies: bool = False  # the embedded mode serves plain http on loopback
    max_content_length: int = 1024 * 1024  # bytes of a request body; more is answered 413
    exports_pending_per_user: int = 3  # exports waiting or running at once, per user ...
    exports_pending_per_partner: int = 10  # ... and per partner
    exports_per_hour: int = 30  # exports one user may ask for in an hour
    debug: bool = False
    testing: bool = False
    port: int = 8050  # gunicorn's (gunicorn.conf.py)
    web_concurrency: int = 4  # gunicorn worker processes with PostgreSQL
    web_threads: int = 0  # threads of each gunicorn worker; 0: 8 embedded, 1 with PostgreSQL
    # Started by the `flask` command (serve or a command): a DuckDB file is held from the start.
    # Others who build an app, such as tests and benchmarks, leave the file alone.
    run_from_cli: bool = False
    # The reloader of `flask --debug run` loads the app in a parent process too, which serves
    # nothing and must leave the file to its child.
    reloader_parent: bool = False

    def __post_init__(self):
        if self.database_replica_url and (self.embedded or is_duckdb(self.database_replica_url)):
            raise SystemExit("DATABASE_REPLICA_URL is a PostgreSQL streaming replica of a PostgreSQL "
                             "DATABASE_URL; a DuckDB file has no replicas")

    @property
    def embedded(self) -> bool:
        """The embedded database (a DuckDB file, one process), or a database server (PostgreSQL)."""
        return is_duckdb(self.database_url)

    def make_engine(self, *, replica: bool = False) -> sa.Engine:
        """The engine every part of the app (web, commands, export builders) uses; with
        `replica`, the one on the streaming replica (DATABASE_REPLICA_URL, which must be set)."""
        url = self.database_replica_url if replica else self.database_url
        if url is None:
            raise ValueError("no DATABASE_REPLICA_URL to make a replica's engine on")
        return make_engine(url, duckdb_memory_limit=self.duckdb_memory_limit,
                           duckdb_threads=self.duckdb_threads)

    @classmethod
    def from_env(cls, **overrides) -> Config:
        instance_dir = Path(os.environ.get("INSTANCE_DIR") or PROJECT_DIR / "instance")
        debug = os.environ.get("FLASK_DEBUG", "") in ("1", "true")
        run_from_cli = os.environ.get("FLASK_RUN_FROM_CLI") == "true"  # set by the `flask` command
        replica_url = os.environ.get("DATABASE_REPLICA_URL")
        values = dict(
            database_url=normalise_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            database_replica_url=normalise_url(replica_url) if replica_url else None,
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
            log_format=os.environ.get("LOG_FORMAT") or ("plain" if run_from_cli else "json"),
            proxy_hops=_int("PROXY_HOPS", 0),
            secure_cookies=os.environ.get("SECURE_COOKIES", "") in ("1", "true"),
            max_content_length=_int("MAX_CONTENT_LENGTH", 1024 * 1024),
            exports_pending_per_user=_int("EXPORTS_PENDING_PER_USER", 3),
            exports_pending_per_partner=_int("EXPORTS_PENDING_PER_PARTNER", 10),
            exports_per_hour=_int("EXPORTS_PER_HOUR", 30),
            debug=debug,
            port=_int("PORT", 8050),
            web_concurrency=_int("WEB_CONCURRENCY", 4),
            web_threads=_int("WEB_THREADS", 0),
            run_from_cli=run_from_cli,
            reloader_parent=debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true",
        )
        values.update(overrides)
        return cls(**values)

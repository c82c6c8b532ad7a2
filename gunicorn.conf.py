"""gunicorn's settings for the Procfile's web process: `gunicorn --config gunicorn.conf.py 'app:create_app()'`.

With PostgreSQL: WEB_CONCURRENCY worker processes (default 4). With a DuckDB file, which one
process at a time may have open: exactly one worker, serving with WEB_THREADS threads (default 8).
gunicorn's own lines are the app's JSON lines (logs.py; plain with LOG_FORMAT=plain).
"""
import sys

from gunicorn.arbiter import Arbiter

import logs
from config import Config
from runtime import hold_duckdb_file

_config = Config.from_env()
_duckdb = _config.embedded
_level = logs.level_name(_config.log_level)

bind = f"0.0.0.0:{_config.port}"
timeout = 60
# gunicorn 27's control socket has one path per user: two gunicorns on a machine would take it
# from each other, and nothing here uses it.
control_socket_disable = True
workers = 1 if _duckdb else _config.web_concurrency
threads = _config.web_threads or (8 if _duckdb else 1)
loglevel = _level.lower()
# No handlers of gunicorn's own: its records go to the root logger's JSON lines. Its access
# lines (INFO) are dropped: the app writes one per request, with its request id (logs.py).
logconfig_dict = {
    "root": {"level": _level, "handlers": ["json"]},
    "loggers": {"gunicorn.error": {"level": _level, "propagate": True},
                "gunicorn.access": {"level": "WARNING", "propagate": True}},
    "handlers": {"json": {"()": logs.PlainStderrHandler if _config.log_format == "plain" else logs.JsonStderrHandler}},
    "formatters": {},
}


def post_worker_init(worker) -> None:
    """In a worker, its app loaded: with DuckDB, take the file now and keep it. Should another
    process have it (or a second worker, asked for with --workers), the refusal stops gunicorn
    instead of having it start the worker again and again."""
    if not _duckdb:
        return
    runtime = worker.wsgi.extensions["runtime"]  # worker.wsgi is the Flask app create_app() made
    worker.log.info("one worker, %d threads: the database is the DuckDB file %s, which one "
                    "process at a time may have open (WEB_CONCURRENCY applies with PostgreSQL)",
                    worker.cfg.threads, runtime.engine.url.database)
    try:
        hold_duckdb_file(runtime.engine)
    except SystemExit as refusal:
        worker.log.error("%s", refusal)
        sys.exit(Arbiter.WORKER_BOOT_ERROR)

"""The Celery worker that builds exports when REDIS_URL is set (see the Procfile):

    celery --app exports.celery_app worker --loglevel INFO --concurrency 2

It reads DATABASE_URL and EXPORT_DIR like the web app; the export directory must be the one
the web app serves files from (same machine, or a shared volume). It needs PostgreSQL: a DuckDB
file belongs to the one web process that has it open. Its logs are the app's JSON lines, at
the worker's --loglevel, and what is logged while building carries the export's task_id.
"""
from __future__ import annotations

import functools

import sqlalchemy as sa
from celery.signals import setup_logging

import logs
from config import Config
from data_access.export_tasks import is_task_id
from exports.builder import build_export
from exports.runners import BUILD_TASK, make_celery

config = Config.from_env()
if config.embedded:
    raise SystemExit(
        "The export worker needs PostgreSQL: DATABASE_URL is a DuckDB file, which the web process "
        "holds (DuckDB allows one process per database file). Set DATABASE_URL to PostgreSQL for "
        "the web app and the worker, or unset REDIS_URL to build exports inside the web process.")
celery_app = make_celery(config.redis_url, config.export_queue)


@setup_logging.connect  # with a receiver, Celery leaves the logging setup to it
def _log_as_json(loglevel=None, **_) -> None:
    logs.configure(loglevel or config.log_level, config.log_format)


@functools.cache
def _engine() -> sa.Engine:
    """One engine per worker process, made after the fork."""
    return config.make_engine()


@celery_app.task(name=BUILD_TASK)
def build(task_id: str) -> None:
    if is_task_id(task_id):  # a message is input like any other
        with logs.export_task(task_id):
            build_export(_engine(), task_id, config.export_dir)

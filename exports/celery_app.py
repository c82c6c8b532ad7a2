"""The Celery worker that builds exports when REDIS_URL is set (see the Procfile):

    celery --app exports.celery_app worker --loglevel INFO --concurrency 2

It reads DATABASE_URL and EXPORT_DIR like the web app; the export directory must be the one
the web app serves files from (same machine, or a shared volume).
"""
from __future__ import annotations

import functools

import sqlalchemy as sa

from config import Config
from data_access.db import make_engine
from data_access.export_tasks import is_task_id
from exports.builder import build_export
from exports.runners import BUILD_TASK, make_celery

config = Config.from_env()
celery_app = make_celery(config.redis_url, config.export_queue)


@functools.cache
def _engine() -> sa.Engine:
    """One engine per worker process, made after the fork."""
    return make_engine(config.database_url, duckdb_memory_limit=config.duckdb_memory_limit,
                       duckdb_threads=config.duckdb_threads)


@celery_app.task(name=BUILD_TASK)
def build(task_id: str) -> None:
    if is_task_id(task_id):  # a message is input like any other
        build_export(_engine(), task_id, config.export_dir)

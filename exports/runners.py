"""Who builds the files: a thread pool in the web process (the embedded default), or a Celery
worker through Redis when REDIS_URL is set. Both call builder.build_export with a task id, and
nothing else travels: the task, its query and its scope are read back from the database."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from celery import Celery

from exports.builder import build_export

log = logging.getLogger(__name__)

BUILD_TASK = "exports.build"
SOFT_TIME_LIMIT_SECONDS = 55 * 60
TIME_LIMIT_SECONDS = 60 * 60
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def make_celery(redis_url: str | None, queue: str) -> Celery:
    """The Celery app, for the worker (exports.celery_app) and for the web side that queues."""
    celery = Celery("exports", broker=redis_url, set_as_current=False)
    celery.conf.update(
        task_default_queue=queue,
        task_acks_late=True,              # a task is acknowledged once built, not when received,
        task_reject_on_worker_lost=True,  # and redelivered if its worker dies; the claim in
        worker_prefetch_multiplier=1,     # build_export makes a second delivery harmless.
        task_soft_time_limit=SOFT_TIME_LIMIT_SECONDS,
        task_time_limit=TIME_LIMIT_SECONDS,
        task_ignore_result=True,          # the outcome is in export_tasks
        broker_connection_retry_on_startup=True,
        # Redis redelivers unacknowledged messages after this long: longer than any build.
        broker_transport_options={"visibility_timeout": TIME_LIMIT_SECONDS + 600},
    )
    return celery


class ThreadRunner:
    def __init__(self, engine: sa.Engine, export_dir: Path, workers: int):
        self.engine, self.export_dir = engine, export_dir
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="export")

    def submit(self, task_id: str) -> None:
        self.pool.submit(self._build, task_id)

    def _build(self, task_id: str) -> None:
        try:
            build_export(self.engine, task_id, self.export_dir)
        except Exception:  # noqa: BLE001 - the pool would swallow it; the stale check fails the task
            log.exception("export %s: the builder itself failed", task_id)


class CeleryRunner:
    def __init__(self, redis_url: str, queue: str):
        self.celery = make_celery(redis_url, queue)

    def submit(self, task_id: str) -> None:
        # A short retry: the user waits for the answer, and a failure is recorded and retryable.
        self.celery.send_task(BUILD_TASK, args=[task_id], retry=True, retry_policy=PUBLISH_RETRY)

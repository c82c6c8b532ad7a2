"""Who builds the files: a thread pool in the web process (the embedded default), or a Celery
worker through Redis when REDIS_URL is set. Only a task id travels: the task, its query and its
scope are read back from the database.

Fairness between partners, so that one partner's many large exports cannot hold back another's:
the thread pool builds, for each task submitted, the task that is fairest next
(export_tasks.next_pending: fewest builds running, then least recently served partner); Celery
spreads the partners over LANES queues, which the worker consumes in turn (the Redis transport
rotates its queues after each message), so a partner's backlog waits in its own lane."""
from __future__ import annotations

import logging
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from billiard.einfo import ExceptionWithTraceback
from billiard.exceptions import WorkerLostError
from celery import Celery, Task
from celery.worker.request import Request
from kombu import Queue

from config import Config
from data_access import export_tasks
from data_access.users import Role, User
from exports.builder import build_next

log = logging.getLogger(__name__)

BUILD_TASK = "exports.build"
LANES = 8  # Celery queues the partners are spread over
SOFT_TIME_LIMIT_SECONDS = 55 * 60
TIME_LIMIT_SECONDS = 60 * 60
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
WORKER_LOST = "the worker building it stopped twice (killed, or out of memory); please retry"


class BuildRequest(Request):
    """A build as the worker's main process sees it. When the pool process building a task dies
    (killed, out of memory), Celery requeues the message (task_reject_on_worker_lost), but the
    task is still Processing, so the next delivery's claim would refuse it and the task would
    wait for the stale check. Its attempt is over for certain, so the task is put back to Pending
    first, as a Retry would. Once: a delivery that was itself redelivered fails the task instead,
    so that a build which always kills its worker (out of memory) does not loop."""

    def on_failure(self, exc_info, send_failed_event=True, return_ok=False):
        error = exc_info.exception
        if isinstance(error, ExceptionWithTraceback):
            error = error.exc
        if isinstance(error, WorkerLostError) and self.args and export_tasks.is_task_id(self.args[0]):
            try:
                requeue_lost(self.args[0], again=bool(self.delivery_info.get("redelivered")))
            except Exception:  # noqa: BLE001 - the stale check still fails the task later
                log.exception("export %s: its lost attempt could not be put back", self.args[0])
        return super().on_failure(exc_info, send_failed_event, return_ok)


class BuildTask(Task):
    Request = BuildRequest


def requeue_lost(task_id: str, again: bool) -> None:
    """Fail the Processing attempt of `task_id` whose worker died and, unless `again`, retry
    it. In the worker's main process, which builds nothing and has no engine: a short-lived one
    (disposed before the pool forks a replacement process, which must not share connections)."""
    config = Config.from_env()
    engine = config.make_engine()
    try:
        export_tasks.change(engine, _requeue_lost, task_id, again,
                            timedelta(days=config.export_retention_days))
    finally:
        engine.dispose()


def _requeue_lost(conn: sa.Connection, task_id: str, again: bool, retention: timedelta) -> None:
    task = export_tasks.get(conn, task_id)
    if task is None or task.status != export_tasks.PROCESSING:
        return  # finished, or already failed by the stale check
    export_tasks.fail(conn, task_id, WORKER_LOST, task.started_at)
    if not again:
        owner = User(task.owner_login, task.partner_id, Role.ACCOUNT_MANAGER)  # as its owner, not as an admin
        export_tasks.retry(conn, owner, task_id, retention)
    log.warning("export %s: the worker building it was lost; %s", task_id,
                "failed" if again else "queued again")


def lane(queue: str, partner_id: str) -> str:
    """The queue of a partner's builds: one of LANES, the same for the partner every time."""
    return f"{queue}.{zlib.crc32(partner_id.encode()) % LANES}"


def make_celery(redis_url: str | None, queue: str) -> Celery:
    """The Celery app, for the worker (exports.celery_app) and for the web side that queues."""
    celery = Celery("exports", broker=redis_url, set_as_current=False, task_cls=BuildTask)
    celery.conf.update(
        task_queues=[Queue(f"{queue}.{number}") for number in range(LANES)],  # the worker takes all
        task_default_queue=f"{queue}.0",
        task_acks_late=True,              # a task is acknowledged once built, not when received,
        task_reject_on_worker_lost=True,  # and redelivered if its worker dies (BuildRequest);
        worker_prefetch_multiplier=1,     # the claim in build_export makes a second delivery harmless.
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

    def submit(self, task_id: str, partner_id: str) -> None:
        """One more build: of the fairest Pending task when a thread is free, this one or another."""
        self.pool.submit(self._build)

    def stop(self) -> None:
        """Drop the builds not begun and wait for those running to end."""
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _build(self) -> None:
        try:
            build_next(self.engine, self.export_dir)
        except Exception:  # noqa: BLE001 - the pool would swallow it; the stale check fails the task
            log.exception("export: the builder itself failed")


class CeleryRunner:
    def __init__(self, redis_url: str, queue: str):
        self.celery, self.queue = make_celery(redis_url, queue), queue

    def submit(self, task_id: str, partner_id: str) -> None:
        # A short retry: the user waits for the answer, and a failure is recorded and retryable.
        self.celery.send_task(BUILD_TASK, args=[task_id], queue=lane(self.queue, partner_id),
                              retry=True, retry_policy=PUBLISH_RETRY)

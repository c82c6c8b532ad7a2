"""Exports with REDIS_URL set: a real Celery worker (the Procfile's command) builds the files.
PostgreSQL only: the worker is another process, and a DuckDB file has one process at a time.
Each test has a queue of its own, so workers of other test runs never take its tasks."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import redis

from callbacks.exports import create_export
from config import PROJECT_DIR
from data_access import breakdowns, export_tasks
from data_access.query import ExpenditureQuery, Scope
from data_access.users import Role, User
from exports.runners import LANES
from tests.helpers import make_app
from tests.helpers.builders import load
from tests.helpers.database import empty, url_of
from tests.helpers.files import exact, random_records, read_xlsx

REDIS_URL = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
ADMIN = User("admin@p1", "P1", Role.ADMIN)


@pytest.fixture
def engine(postgresql_database):
    return empty(postgresql_database)


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required but unreachable: {error}")
        pytest.skip(f"Redis unreachable: {error}")
    return REDIS_URL


@pytest.fixture
def workers(engine, redis_url, tmp_path):
    """start() -> a Celery worker process on this test's queue; all are stopped afterwards."""
    queue = f"exports-test-{uuid.uuid4().hex}"
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": url_of(engine), "REDIS_URL": redis_url,
               "EXPORT_DIR": str(tmp_path / "exports"), "EXPORT_QUEUE": queue}
        started.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "exports.celery_app", "worker", "--pool", "solo",
             "--loglevel", "WARNING", "--hostname", f"{queue}-{len(started)}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        return started[-1]

    start.queue = queue
    yield start
    for process in started:
        process.kill()
        process.wait(timeout=10)
    redis.Redis.from_url(redis_url).delete(*(f"{queue}.{lane}" for lane in range(LANES)))


def wait_for(engine, task_id, statuses, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            task = export_tasks.get(conn, task_id)
        if task.status in statuses:
            return task
        time.sleep(0.02)
    raise AssertionError(f"export {task_id} is still {task.status}")


def test_a_celery_worker_builds_the_file_and_survives_being_killed_midway(engine, redis_url, workers,
                                                                         tmp_path):
    load(engine, "P1", customers=[("c1", "=1+1"), ("c2", "plain")],
         records=random_records(8_000, ["c1", "c2"]), name="Partner One")
    app = make_app(engine, tmp_path, redis_url=redis_url, export_queue=workers.queue)
    service = app.extensions["exports"]
    query = ExpenditureQuery(Scope("P1"), start="2025-01-01", end="2025-03-31")
    task_id = service.create(ADMIN, query, "xlsx")

    first = workers()
    wait_for(engine, task_id, {export_tasks.PROCESSING})
    first.kill()  # midway: the file is being written
    first.wait(timeout=10)
    stuck = wait_for(engine, task_id, export_tasks.RUNNING)
    assert stuck.status == export_tasks.PROCESSING and not service.file_path(stuck).exists()

    with engine.begin() as conn:  # the stale check, as if two minutes had passed
        assert export_tasks.fail_stale(conn, now=stuck.heartbeat_at + timedelta(minutes=3)) == 1
    assert service.task(ADMIN, task_id).error == export_tasks.INTERRUPTED
    assert service.retry(ADMIN, task_id)
    workers()
    done = wait_for(engine, task_id, {export_tasks.COMPLETED, export_tasks.FAILED})
    assert done.status == export_tasks.COMPLETED, done.error
    content = read_xlsx(service.file_path(done))
    with engine.connect() as conn:
        total = breakdowns.overview(conn, query).total
    assert len(content["rows"]) == done.rows and exact(content["totals"]["Amount"]) == total.amount
    assert service.cleanup().files_deleted == 0  # nothing half-written left behind... by the builder
    assert [path.name for path in service.export_dir.iterdir()] == [done.file_name]


def test_an_unreachable_queue_fails_the_task_with_a_reason(engine, tmp_path):
    app = make_app(engine, tmp_path, redis_url="redis://127.0.0.1:9/0")  # nothing listens there
    query = ExpenditureQuery(Scope("P1"), start="2025-01-01", end="2025-01-31")
    task_id = app.extensions["exports"].create(ADMIN, query, "csv")
    task = app.extensions["exports"].task(ADMIN, task_id)
    assert (task.status, task.error) == (export_tasks.FAILED, "the export queue is unavailable; please retry")


def test_an_unqueued_export_says_so_at_once(engine, tmp_path):
    app = make_app(engine, tmp_path, redis_url="redis://127.0.0.1:9/0")  # nothing listens there
    params = ExpenditureQuery(Scope("P1"), start="2025-01-01", end="2025-01-31").to_params()
    message, created = create_export(app.extensions["exports"], ADMIN, Scope("P1"), params, "csv", "overview",
                                     everything=True)
    assert (message, created) == ("The export could not be started: the export queue is unavailable; "
                                  "please retry from Export History.", False)

"""The production stack under faults, each on a private PostgreSQL and Redis (nothing shared is
stopped): a Celery pool process or the whole worker killed during an export, Redis stopped
while a user works, PostgreSQL restarted mid-session. Each test prints the figures it observed
(pytest -s); docs/PERFORMANCE.md, "Production: faults", records them."""
from __future__ import annotations

import itertools
import os
import signal
import time

import requests

from callbacks.errors import DATABASE_UNAVAILABLE
from dashboard import ids
from dashboard.export_history import failure_text
from data_access import export_tasks
from exports.routes import download_path
from exports.runners import WORKER_LOST
from tests.production.conftest import ADMIN_P2, report
from tests.production.stack import wait_until
from tests.production.steps import (
    content_digest,
    expected_amount,
    export_everything,
    file_digest,
    history_showing,
    open_history,
    retry,
    seconds_since,
    shown_amount,
    shown_query,
    task,
    toast_text,
    wait_for,
    writing,
)

# Enough rows that an .xlsx build takes several seconds (about 27,600 rows of partner P1).
LARGE = {"customers": 400, "days": 365}  # about 280 thousand rows: seconds of building to interrupt
SMALL = {"customers": 12, "days": 120}
# EXPORT_STALE_SECONDS. A build beats every second, while the database counts and sorts too
# (exports.builder._Progress); when it beat only once its rows flowed, a retried build on a
# loaded machine was declared stale at 10 s while it sorted (3 runs in 140). Production waits
# 2 minutes.
STALE_SECONDS = 15
REDIS_OUTAGE_SECONDS = float(os.environ.get("FAULT_REDIS_OUTAGE_SECONDS", "30"))
RECOVERY_SECONDS = 120  # deadlines for hangs, not performance bounds
FINISHED = (export_tasks.COMPLETED, export_tasks.FAILED)
QUEUE_UNAVAILABLE = "the export queue is unavailable; please retry"  # exports.service


def test_a_killed_pool_process_has_its_export_built_again_once(private_deployment):
    """SIGKILL of the pool process building an export: Celery requeues the message
    (acks_late, task_reject_on_worker_lost) and the worker's main process puts the task back
    to Pending, so it completes, with the content of an uninterrupted build. A build whose
    worker is killed a second time fails with a reason instead of looping."""
    deployment = private_deployment(**LARGE)
    stack, engine = deployment.stack, deployment.engine
    user = deployment.signed_in()
    reference = export_everything(user, engine)  # built beside it, uninterrupted
    interrupted = export_everything(user, engine)

    first = writing(engine, interrupted)
    os.kill(stack.building(interrupted), signal.SIGKILL)
    killed = time.monotonic()
    done = wait_for(engine, interrupted, FINISHED)
    requeued_to_completed = seconds_since(killed)
    assert done.status == export_tasks.COMPLETED, done.error
    assert done.started_at != first.started_at  # a second attempt built it
    built = wait_for(engine, reference, FINISHED)
    assert built.status == export_tasks.COMPLETED, built.error
    files = stack.export_dir
    assert content_digest(files / done.file_name) == content_digest(files / built.file_name)
    assert sorted(path.name for path in files.iterdir()) == sorted([done.file_name, built.file_name])

    doomed = export_everything(user, engine)
    once = writing(engine, doomed)
    os.kill(stack.building(doomed), signal.SIGKILL)
    writing(engine, doomed, other_than=once)
    os.kill(stack.building(doomed), signal.SIGKILL)
    failed = wait_for(engine, doomed, FINISHED)
    assert (failed.status, failed.error) == (export_tasks.FAILED, WORKER_LOST)
    report("pool process killed", rows=done.rows, rows_written_when_killed=first.rows_done,
           kill_to_completed_s=requeued_to_completed,
           openpyxl_temporary_files_left=len(list(stack.directory.glob("openpyxl.*"))))


def test_a_killed_worker_fails_its_export_which_a_retry_builds_once(private_deployment):
    """SIGKILL of the whole worker (its main process too): nothing requeues the task, so the
    stale check (EXPORT_STALE_SECONDS) fails it with a reason, which the Export History shows;
    Retry, with a worker running again, builds it. The killed worker's message, never
    acknowledged, comes back when Redis's visibility timeout passes: that delivery builds
    nothing (the builder claims by task id), and the file stays the one the retry made."""
    deployment = private_deployment(**LARGE, EXPORT_STALE_SECONDS=str(STALE_SECONDS))
    stack, engine = deployment.stack, deployment.engine
    user = deployment.signed_in()
    task_id = export_everything(user, engine)
    open_history(user)

    writing(engine, task_id)
    stack.kill_worker()
    killed = time.monotonic()
    history = history_showing(user, "Failed", STALE_SECONDS + RECOVERY_SECONDS)
    failed_after = seconds_since(killed)
    assert task(engine, task_id).error == export_tasks.INTERRUPTED
    assert failure_text(task(engine, task_id)) == "Interrupted: the worker stopped."
    assert failure_text(task(engine, task_id)) in history
    assert [task_id in message for message in stack.unacknowledged()] == [True]

    stack.start_worker()
    stack.wait_worker_ready()
    retried = time.monotonic()
    assert "queued again" in retry(user, task_id)
    reference = export_everything(deployment.signed_in(), engine)  # in another tab
    done = wait_for(engine, task_id, FINISHED)
    assert done.status == export_tasks.COMPLETED, done.error
    retry_to_completed = seconds_since(retried)
    built = wait_for(engine, reference, FINISHED)
    assert built.status == export_tasks.COMPLETED, built.error
    path = stack.export_dir / done.file_name
    assert content_digest(path) == content_digest(stack.export_dir / built.file_name)

    digest = file_digest(path)
    # A build is acknowledged (removed from Redis's unacknowledged messages) a moment after the
    # worker counts it finished: wait for both, else the redelivery below would bring back a
    # message that is merely late, not lost.
    wait_until(lambda: stack.builds_finished() == 2 and len(stack.unacknowledged()) == 1, RECOVERY_SECONDS,
               "the worker to finish and acknowledge both builds, the killed worker's message left")
    stack.redeliver_unacknowledged()
    wait_until(lambda: stack.builds_finished() == 3, RECOVERY_SECONDS,
               "the worker to take the redelivered message")
    wait_until(lambda: not stack.unacknowledged(), RECOVERY_SECONDS,
               "the worker to acknowledge the redelivered message")
    assert not stack.queued()
    assert task(engine, task_id) == done  # not claimed again: same attempt, same file
    assert file_digest(path) == digest
    assert sorted(p.name for p in stack.export_dir.iterdir()) == sorted([done.file_name, built.file_name])
    report("whole worker killed", stale_seconds=STALE_SECONDS, kill_to_failed_s=failed_after,
           retry_to_completed_s=retry_to_completed)


def test_the_dashboard_answers_through_a_redis_outage(private_deployment):
    """Redis stopped for FAULT_REDIS_OUTAGE_SECONDS while a signed-in user keeps changing the
    time range: every request answers 200 with the right figures (a cache miss falls through
    to the database); signing in still works (the rate limiter falls back to memory); an
    export fails at once with the reason; once Redis is back, answers are cached in it again
    and the export can be retried, without restarting anything."""
    deployment = private_deployment(**SMALL)
    stack, engine, redis_server = deployment.stack, deployment.engine, deployment.redis
    user = deployment.signed_in()
    days = [day.isoformat() for day in sorted({deployment.data.first_day.replace(day=d) for d in range(1, 29)})]

    redis_server.stop()
    stopped = time.monotonic()
    readiness = requests.get(stack.url + "/readyz", timeout=30)
    assert readiness.status_code == 503 and readiness.json()["checks"]["database"] == "ok"
    assert readiness.json()["checks"]["redis"].startswith("unreachable")
    deployment.signed_in(ADMIN_P2)  # the sign-in form's rate limits, counted in memory meanwhile
    task_id = export_everything(user, engine)
    queue_down = task(engine, task_id)
    assert (queue_down.status, queue_down.error) == (export_tasks.FAILED, QUEUE_UNAVAILABLE)
    assert f"could not be started: {QUEUE_UNAVAILABLE}" in toast_text(user)  # said at once

    sent, slowest, wrong = 0, 0.0, []
    for day in itertools.cycle(days):
        if time.monotonic() - stopped > REDIS_OUTAGE_SECONDS:
            break
        try:
            answered = user.set(ids.RANGE_FROM, value=day)
        except RuntimeError as error:  # a status other than 200 / 204
            wrong.append(str(error)[:300])
        else:
            sent += len(answered)
            slowest = max([slowest, *(request.seconds for request in answered)])
            expected = expected_amount(engine, shown_query(user))
            if shown_amount(user) != expected:
                wrong.append(f"from {day}: shown {shown_amount(user)}, expected {expected}")
        time.sleep(0.2)  # a user, not a load test
    assert sent > 0 and wrong == []
    outage_seconds = seconds_since(stopped)

    redis_server.start()
    back = time.monotonic()
    wait_until(lambda: requests.get(stack.url + "/readyz", timeout=30).status_code == 200,
               RECOVERY_SECONDS, "/readyz to say ready")
    cache = redis_server.client()
    first, second = [day for day in days if day != user.value(ids.RANGE_FROM, "value")][:2]
    user.set(ids.RANGE_FROM, value=first)  # answered from the database, and stored
    assert list(cache.scan_iter("*answer:*"))
    user.set(ids.RANGE_FROM, value=second)
    hits = cache.info("stats")["keyspace_hits"]
    user.set(ids.RANGE_FROM, value=first)  # asked before: answered from Redis
    assert cache.info("stats")["keyspace_hits"] > hits
    assert shown_amount(user) == expected_amount(engine, shown_query(user))
    cached_after = seconds_since(back)

    open_history(user)
    assert "queued again" in retry(user, task_id)
    done = wait_for(engine, task_id, FINISHED, timeout=RECOVERY_SECONDS)
    assert done.status == export_tasks.COMPLETED, done.error
    report("redis outage", outage_s=outage_seconds, callback_requests=sent, errors=len(wrong),
           slowest_request_s=round(slowest, 3), back_to_cached_s=cached_after,
           back_to_export_completed_s=seconds_since(back))


def test_a_postgresql_restart_is_told_in_words_and_the_session_goes_on(private_deployment):
    """PostgreSQL stopped mid-session (a fast shutdown, as in a restart or failover): each
    dashboard request answers with a toast saying the database is unavailable (no traceback,
    no SQL), a page load with a page saying so, /readyz with 503 naming the database; once it
    is back, the same session works again, nothing restarted (pool_pre_ping)."""
    deployment = private_deployment(**SMALL)
    stack, engine, postgres = deployment.stack, deployment.engine, deployment.postgres
    user = deployment.signed_in()
    answers = []
    user.http.hooks["response"].append(lambda response, **_: answers.append(response))
    web_pid = stack.web.pid
    days = [deployment.data.first_day.replace(day=d).isoformat() for d in (2, 3, 4)]

    postgres.stop()
    stopped = time.monotonic()
    del answers[:]
    user.set(ids.RANGE_FROM, value=days[0])
    (callback,) = answers
    assert callback.status_code == 200
    toast = callback.json()["sideUpdate"][ids.TOASTS]["children"]
    assert toast["props"]["children"] == DATABASE_UNAVAILABLE
    page = user.http.get(stack.url + "/", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 503 and DATABASE_UNAVAILABLE in page.text
    readiness = requests.get(stack.url + "/readyz", timeout=30)
    assert readiness.status_code == 503 and readiness.json()["checks"]["database"].startswith("unreachable")
    file = user.http.get(stack.url + download_path("0" * 32), timeout=30)
    assert file.status_code == 503 and file.text.strip() == DATABASE_UNAVAILABLE
    for answer in (callback, page, file):
        for secret in ("Traceback", "sqlalchemy", "psycopg", "OperationalError", "SELECT", "127.0.0.1"):
            assert secret not in answer.text
    assert "OperationalError" in stack.web_log.read_text()  # logged on the server, in full

    postgres.start()
    back = time.monotonic()

    def answers_again() -> bool:
        del answers[:]
        user.set(ids.RANGE_FROM, value=days[1] if user.value(ids.RANGE_FROM, "value") == days[2] else days[2])
        return all("sideUpdate" not in answer.text for answer in answers)
    wait_until(answers_again, RECOVERY_SECONDS, "the dashboard to answer again", interval=0.2)
    recovered = seconds_since(back)
    assert shown_amount(user) == expected_amount(engine, shown_query(user))
    assert requests.get(stack.url + "/readyz", timeout=30).status_code == 200
    assert stack.web.pid == web_pid and stack.web.poll() is None
    report("postgresql restart", down_s=round(back - stopped, 2), back_to_correct_answer_s=recovered)

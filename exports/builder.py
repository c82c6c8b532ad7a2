"""Building one export file: the same function for the in-process pool and the Celery worker.

The task is claimed with an atomic UPDATE, so running the same task twice builds one file.
Rows stream from the database into the writer; every few seconds the builder records its
progress, which is also its heartbeat: a task whose heartbeat stops (a crash, a restart) is
failed by the stale-task check and can be retried. The file is written under a temporary name
and moved into place with os.replace, so a file under its final name is always complete.
"""
from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from celery.exceptions import SoftTimeLimitExceeded

from data_access import details, export_tasks, options
from data_access.errors import UserError
from data_access.export_tasks import ExportTask, local_time, utc_now, zone_label
from data_access.query import QueryError
from exports.writers import WRITERS, FileHeader
from i18n import _, speaking
from i18n.terms import describe, selection

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0  # as often as the history refreshes; far inside STALE_AFTER
TEMPORARY_SUFFIX = ".part"


class AttemptOver(Exception):
    """The task is no longer this builder's: it was declared stale (and maybe retried) or expired."""


def file_name(task: ExportTask) -> str:
    """Server-chosen: the task id, which is 32 hex digits, and the format."""
    return f"{task.task_id}.{task.file_format}"


def build_export(engine: sa.Engine, task_id: str, export_dir: Path,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS) -> str | None:
    """Build the file of a Pending task; returns the status it ends in, or None when the task
    was not Pending (another worker has it, or it is done)."""
    attempt = export_tasks.change(engine, export_tasks.claim, task_id)
    if attempt is None:
        return None
    export_dir = Path(export_dir)
    temporary = export_dir / f".{task_id}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}"
    progress = _Progress(engine, task_id, attempt, heartbeat_seconds)
    try:
        with engine.connect() as conn:
            task = export_tasks.get(conn, task_id)
            query = task.query
            partner = options.partner(conn, query.scope.partner_id)
            progress.beat(0, rows=details.count_rows(conn, query, task.record_ids))
            export_dir.mkdir(parents=True, exist_ok=True)
            rows = progress.track(details.detail_rows(conn, query, task.record_ids))
            with speaking(task.language):  # no request here: the file speaks its owner's language
                count = WRITERS[task.file_format](temporary, _file_header(task, partner), rows)
        final = export_dir / file_name(task)
        os.replace(temporary, final)
        if export_tasks.change(engine, export_tasks.complete, task_id, attempt, final.name, count):
            return export_tasks.COMPLETED
        final.unlink(missing_ok=True)  # expired or declared stale meanwhile: not ours to keep
        raise AttemptOver
    except AttemptOver:
        log.info("export %s: the attempt was given up (stale or expired)", task_id)
        return None
    except Exception as error:  # noqa: BLE001 - any failure must end in Failed, with a reason
        if export_tasks.change(engine, export_tasks.fail, task_id, _reason(error, task_id), attempt):
            return export_tasks.FAILED
        return None  # the attempt was over already
    finally:
        temporary.unlink(missing_ok=True)


def _reason(error: Exception, task_id: str) -> str:
    """What the user reads in the history."""
    if isinstance(error, QueryError):
        return f"the query cannot be answered: {error.message}"
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, SoftTimeLimitExceeded):
        return "it took longer than the time limit; export fewer records at a time"
    if isinstance(error, OSError):
        return f"the file could not be written: {error.strerror or error}"
    log.exception("export %s failed", task_id, exc_info=error)
    return f"unexpected error ({type(error).__name__}); please retry"


def _file_header(task: ExportTask, partner) -> FileHeader:
    query = task.query
    parameters = describe(query)
    if query.scope.manager_id is not None:
        parameters += _("; ") + _("spend of account manager %(manager)s only", manager=query.scope.manager_id)
    return FileHeader(
        partner=f"{partner.name} ({partner.partner_id})", parameters=parameters,
        records=selection(task),
        generated=local_time(utc_now(), partner.time_zone),
        time_zone=zone_label(partner.time_zone), currency=partner.currency)


class _Progress:
    """Records rows done (at most every `seconds`), which doubles as the heartbeat."""

    CHECK_EVERY_ROWS = 1000  # reading the clock per row would cost more than the row

    def __init__(self, engine: sa.Engine, task_id: str, attempt: datetime, seconds: float):
        self.engine, self.task_id, self.attempt, self.seconds = engine, task_id, attempt, seconds
        self.last = time.monotonic()

    def beat(self, rows_done: int, rows: int | None = None) -> None:
        if not export_tasks.change(self.engine, export_tasks.heartbeat, self.task_id, self.attempt,
                                   rows_done, rows):
            raise AttemptOver
        self.last = time.monotonic()

    def track(self, rows: Iterable[dict]) -> Iterator[dict]:
        for done, row in enumerate(rows):
            if done % self.CHECK_EVERY_ROWS == 0 and time.monotonic() - self.last >= self.seconds:
                self.beat(done)
            yield row

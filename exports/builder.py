"""Building one export file: the same function for the in-process pool and the Celery worker.

The task is claimed with an atomic UPDATE, so running the same task twice builds one file.
Rows stream from the database into the writer; every second the builder records its progress,
which is also its heartbeat (recorded by a thread of its own while the database is silent): a
task whose heartbeat stops (a crash, a restart) is failed by the stale-task check and can be
retried. The file is written under a temporary name
and moved into place with os.replace, so a file under its final name is always complete.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Self

import sqlalchemy as sa
from celery.exceptions import SoftTimeLimitExceeded

from data_access import comparison, details, export_tasks, options
from data_access.errors import Message, UserError
from data_access.export_tasks import ExportTask, local_time, utc_now, zone_label
from data_access.query import ExpenditureQuery, QueryError
from exports.cells import FORMULA_STARTS
from exports.views import view_tables
from exports.writers import WRITERS, FileHeader, csv_headers, write_xlsx
from i18n import _, speaking
from i18n.terms import column_words, describe, selection

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0  # progress about every second; far inside STALE_AFTER
TEMPORARY_SUFFIX = ".part"
CLAIM_ATTEMPTS = 5  # next_pending's choice can be claimed by another builder first


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
    # The claim makes this the task's one builder: a partial file of the task is a killed attempt's.
    for partial in export_dir.glob(f".{task_id}.*{TEMPORARY_SUFFIX}"):
        partial.unlink(missing_ok=True)
    temporary = export_dir / f".{task_id}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}"
    try:
        with _Progress(engine, task_id, attempt, heartbeat_seconds) as progress, engine.connect() as conn:
            task = export_tasks.get(conn, task_id)
            export_dir.mkdir(parents=True, exist_ok=True)
            with speaking(task.language):  # no request here: the file speaks its owner's language
                count = write_file(conn, task.query, task.file_format, temporary, task.record_ids, task.view,
                                   progress)
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


def write_file(conn: sa.Connection, query: ExpenditureQuery, file_format: str, path: Path,
               record_ids: list[str] | None = None, view: bool = False,
               progress: _Progress | None = None) -> int:
    """The export's file at `path`, for the dashboard's builds and the command line alike; the
    rows written. An .xlsx of everything the query matches carries the view's sheets before the
    records; an export of the view carries only them; a .csv holds one table (the records, or
    the view's)."""
    partner = options.partner(conn, query.scope.partner_id)
    tables = None
    if view or (file_format == "xlsx" and record_ids is None):
        tables = view_tables(query, comparison.breakdown(conn, query))
    header = file_header(query, selection(record_ids, view), partner)
    if view:
        return WRITERS[file_format](path, header, None, tables)
    if progress is not None:
        progress.beat(0, rows=details.count_rows(conn, query, record_ids))
    words = column_words()  # the labels (billing modes...) in the file's language, written by the database
    if file_format == "csv":  # written by the database, at its speed
        return details.copy_details_csv(conn, query, record_ids, path, csv_headers(), FORMULA_STARTS, words,
                                        progress.reached if progress is not None else None)
    rows = details.detail_values(conn, query, record_ids, words=words)
    rows = progress.track(rows) if progress is not None else rows
    return write_xlsx(path, header, rows, tables)


def build_next(engine: sa.Engine, export_dir: Path) -> str | None:
    """Build the Pending task that is fairest to build next (export_tasks.next_pending): what
    an in-process builder does with each task submitted, whichever it was. Returns the status
    it ends in, or None when no task was left to claim."""
    for _attempt in range(CLAIM_ATTEMPTS):
        with engine.connect() as conn:
            task_id = export_tasks.next_pending(conn)
        if task_id is None:
            return None
        status = build_export(engine, task_id, export_dir)
        if status is not None:
            return status
    return None  # claimed by others each time: their builders have them


def _reason(error: Exception, task_id: str) -> Message:
    """What the user reads in the history (export_history.failure_text: in their language)."""
    if isinstance(error, QueryError):
        return Message("the query cannot be answered: %(reason)s", reason=error.words)
    if isinstance(error, UserError):
        return error.words
    if isinstance(error, SoftTimeLimitExceeded):
        return Message("it took longer than the time limit; export fewer records at a time")
    if isinstance(error, OSError):  # the system's own words for why (in English)
        return Message("the file could not be written: %(reason)s", reason=error.strerror or str(error))
    if isinstance(error, sa.exc.OperationalError) and "Out of Memory" in str(error.orig):
        return Message("the database ran out of memory sorting the records (DUCKDB_MEMORY_LIMIT); "
                       "export fewer records at a time")
    log.exception("export %s failed", task_id, exc_info=error)
    return Message("unexpected error (%(kind)s); please retry", kind=type(error).__name__)


def file_header(query: ExpenditureQuery, records: str, partner) -> FileHeader:
    parameters = describe(query)
    if query.scope.manager_id is not None:
        parameters += _("; ") + _("spend of account manager %(manager)s only", manager=query.scope.manager_id)
    return FileHeader(
        partner=f"{partner.name} ({partner.partner_id})", parameters=parameters, records=records,
        generated=local_time(utc_now(), partner.time_zone),
        time_zone=zone_label(partner.time_zone), currency=partner.currency)


class _Progress:
    """Records rows done (at most every `seconds`), which doubles as the heartbeat. While the
    build is silent (the database reads the view's tables, counts or sorts before the first
    row: a minute for a large export on a busy machine) or slow, a thread of its own records
    the latest rows done every `seconds`, so that a live build is never taken for a dead one; the build
    learns at its next row that the thread found the attempt over. With `seconds` 0, every
    check records, and no thread runs."""

    CHECK_EVERY_ROWS = 1000  # reading the clock per row would cost more than the row

    def __init__(self, engine: sa.Engine, task_id: str, attempt: datetime, seconds: float):
        self.engine, self.task_id, self.attempt, self.seconds = engine, task_id, attempt, seconds
        self.last = time.monotonic()
        self.rows_done = 0
        self._lock = threading.Lock()  # one record at a time, so the rows done never go back
        self._over = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat_while_silent, name=f"heartbeat-{task_id[:8]}",
                                        daemon=True)

    def __enter__(self) -> Self:
        if self.seconds > 0:
            self._thread.start()
        return self

    def __exit__(self, *error) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def beat(self, rows_done: int | None = None, rows: int | None = None) -> None:
        """Record `rows_done`, by default the latest the build has told (the thread's record)."""
        with self._lock:
            if rows_done is not None:
                self.rows_done = rows_done
            if self._over.is_set() or not export_tasks.change(self.engine, export_tasks.heartbeat, self.task_id,
                                                               self.attempt, self.rows_done, rows):
                self._over.set()
                raise AttemptOver
            self.last = time.monotonic()

    def reached(self, rows_done: int) -> None:
        """Rows done so far: recorded if the last record is `seconds` old (by the thread, if it
        comes first: it records these rows too)."""
        if self._over.is_set():
            raise AttemptOver
        self.rows_done = rows_done
        if time.monotonic() - self.last >= self.seconds:
            self.beat(rows_done)

    def track(self, rows: Iterable[dict]) -> Iterator[dict]:
        for done, row in enumerate(rows):
            if done % self.CHECK_EVERY_ROWS == 0:
                self.reached(done)
            yield row

    def _beat_while_silent(self) -> None:
        while not self._stop.wait(self.seconds / 2):
            if time.monotonic() - self.last < self.seconds:
                continue  # the rows flow: the build records them itself
            try:
                self.beat()
            except AttemptOver:
                return
            except Exception:  # noqa: BLE001 - the build reads the same database: a failure is its to report
                log.warning("export %s: the heartbeat could not be recorded", self.task_id, exc_info=True)

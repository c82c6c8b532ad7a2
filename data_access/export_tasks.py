"""Export tasks: what a user asked to export, and how far the building of its file has come.

Every read and every user-initiated change is scoped to a `User` (the partner, and the owner
unless the viewer is the partner's admin). The builder's own steps (claim, heartbeat, complete,
fail) take a task id only: they run on the server, for a task it has already stored. Each
status change is one UPDATE guarded by the status it starts from, so two workers, or a worker
and the stale-task check, can never both win.

Times are naive UTC, like every timestamp in the schema.
"""
from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import duckdb
import sqlalchemy as sa

from data_access.errors import Message
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import export_tasks as t
from data_access.users import User


class Status(StrEnum):
    PENDING = "Pending"
    PROCESSING = "Processing"
    COMPLETED = "Completed"
    FAILED = "Failed"
    EXPIRED = "Expired"


class FileFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


PENDING, PROCESSING, COMPLETED, FAILED, EXPIRED = Status
RUNNING = (PENDING, PROCESSING)
FORMATS = tuple(FileFormat)
TASK_ID = re.compile(r"[0-9a-f]{32}")
INTERRUPTED = "interrupted: the worker stopped"
CANCELLED = "cancelled"  # the error of a task its viewer cancelled (a Failed task: it can be retried)
STALE_AFTER = timedelta(minutes=2)  # a Processing task silent this long has lost its worker


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def is_task_id(value) -> bool:
    """Task ids come back from the browser and URLs: only our own shape is accepted."""
    return isinstance(value, str) and TASK_ID.fullmatch(value) is not None


@dataclasses.dataclass(frozen=True)
class ExportTask:
    task_id: str
    owner_login: str
    partner_id: str
    name: str
    file_format: FileFormat
    parameters: dict
    status: Status
    rows: int | None
    rows_done: int
    file_name: str | None
    error: str | None
    error_message: str | None
    created_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime

    @property
    def query(self) -> ExpenditureQuery:
        """The stored query, with the scope it was created under (never the browser's)."""
        scope = Scope(**self.parameters["scope"])
        return ExpenditureQuery.from_params(scope, self.parameters["query"])

    @property
    def record_ids(self) -> list[str] | None:
        """The selected records, or None for everything the query matches."""
        return self.parameters["record_ids"]

    @property
    def view(self) -> bool:
        """Only the view's tables (groups and series), not the records."""
        return self.parameters.get("view", False)

    @property
    def language(self) -> str:
        """The language of the file (tasks stored before there was a choice: English)."""
        return self.parameters.get("language") or "en"

    @property
    def failure(self) -> Message | None:
        """Why it failed, as a Message (the English alone for a failure stored without one)."""
        if self.error_message:
            return Message.from_json(json.loads(self.error_message))
        return None if self.error is None else Message(self.error)

    @property
    def selection(self) -> str:
        return selection(self.record_ids, self.view)

    @property
    def progress(self) -> int:
        """Whole percent done, below 100 until the file is in place."""
        if self.status == COMPLETED:
            return 100
        if not self.rows:
            return 0
        return min(99, self.rows_done * 100 // self.rows)


def selection(record_ids: Sequence[str] | None, view: bool = False) -> str:
    """Which records an export holds, in words."""
    if view:
        return "The view: the groups and the series by period, as shown"
    if record_ids is None:
        return "All records matching the query"
    count = len(record_ids)
    return f"{count:,} selected record{'s' if count != 1 else ''}"


def _task(row) -> ExportTask:
    values = row._asdict()
    values["parameters"] = json.loads(values["parameters"])
    values["status"], values["file_format"] = Status(values["status"]), FileFormat(values["file_format"])
    return ExportTask(**values)


def _visible_to(viewer: User) -> list:
    conditions = [t.c.partner_id == viewer.partner_id]
    if not viewer.is_admin:
        conditions.append(t.c.owner_login == viewer.login)
    return conditions


def change(engine: sa.Engine, step, *args, **kwargs):
    """`step(conn, *args, **kwargs)` (a status change of this module) in a transaction of its
    own. Two concurrent changes of one task: PostgreSQL makes the second wait and re-check its
    WHERE, DuckDB refuses it; either way it did not happen, so a refusal answers None."""
    try:
        with engine.begin() as conn:
            return step(conn, *args, **kwargs)
    except sa.exc.DBAPIError as error:
        if isinstance(error.orig, duckdb.TransactionException):
            return None
        raise


# --- the user's side -------------------------------------------------------------------------

def create(conn: sa.Connection, owner_login: str, query: ExpenditureQuery, name: str,
           file_format: str, retention: timedelta, record_ids: Sequence[str] | None = None,
           now: datetime | None = None, view: bool = False, language: str = "en") -> str:
    """Store a Pending task for `query` (narrowed to `record_ids` if given; only the view's
    tables, not the records, if `view`), whose file speaks `language` (the owner's at creation,
    a code of i18n.LANGUAGES); returns its id."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    now = now or utc_now()
    task_id = uuid.uuid4().hex
    parameters = {"scope": dataclasses.asdict(query.scope), "query": query.to_params(),
                  "record_ids": None if record_ids is None else sorted(set(record_ids)), "view": view,
                  "language": language}
    conn.execute(t.insert().values(
        task_id=task_id, owner_login=owner_login, partner_id=query.scope.partner_id, name=name,
        file_format=file_format, parameters=json.dumps(parameters), status=PENDING,
        created_at=now, expires_at=now + retention))
    return task_id


@dataclasses.dataclass(frozen=True)
class Load:
    """How much a user and their partner have asked of the builders."""
    owner_running: int        # the owner's tasks Pending or Processing
    partner_running: int      # the partner's
    owner_created_since: int  # tasks the owner created since the time asked about


def load(conn: sa.Connection, owner_login: str, partner_id: str, since: datetime) -> Load:
    running, owned = t.c.status.in_(RUNNING), t.c.owner_login == owner_login
    counts = (running & owned, running, owned & (t.c.created_at >= since))
    row = conn.execute(sa.select(*(sa.func.count().filter(condition) for condition in counts))
                       .where(t.c.partner_id == partner_id)).one()
    return Load(*row)


def get_for(conn: sa.Connection, viewer: User, task_id: str) -> ExportTask | None:
    if not is_task_id(task_id):
        return None
    row = conn.execute(sa.select(t).where(t.c.task_id == task_id, *_visible_to(viewer))).first()
    return _task(row) if row else None


def list_for(conn: sa.Connection, viewer: User, limit: int = 100) -> list[ExportTask]:
    """The viewer's tasks, newest first."""
    rows = conn.execute(sa.select(t).where(*_visible_to(viewer))
                        .order_by(t.c.created_at.desc(), t.c.task_id).limit(limit))
    return [_task(row) for row in rows]


def retry(conn: sa.Connection, viewer: User, task_id: str, retention: timedelta,
          now: datetime | None = None) -> bool:
    """Put a Failed task back to Pending, as a fresh attempt. False if it is not the viewer's
    or not Failed."""
    if not is_task_id(task_id):
        return False
    now = now or utc_now()
    result = conn.execute(t.update().where(t.c.task_id == task_id, t.c.status == FAILED,
                                           *_visible_to(viewer))
                          .values(status=PENDING, rows=None, rows_done=0, error=None, error_message=None,
                                  started_at=None, heartbeat_at=None, finished_at=None,
                                  expires_at=now + retention))
    return result.rowcount == 1


def cancel(conn: sa.Connection, viewer: User, task_id: str, now: datetime | None = None) -> bool:
    """A Pending or Processing task becomes Failed as cancelled: a builder at work sees at its
    next heartbeat that its attempt is over and stops; Retry queues it again. False if it is
    not the viewer's or not running."""
    if not is_task_id(task_id):
        return False
    result = conn.execute(t.update().where(t.c.task_id == task_id, t.c.status.in_(RUNNING), *_visible_to(viewer))
                          .values(status=FAILED, error=f"{CANCELLED} by {viewer.login}", error_message=None,
                                  finished_at=now or utc_now()))
    return result.rowcount == 1


# --- the builder's side ----------------------------------------------------------------------

def get(conn: sa.Connection, task_id: str) -> ExportTask | None:
    row = conn.execute(sa.select(t).where(t.c.task_id == task_id)).first()
    return _task(row) if row else None


def claim(conn: sa.Connection, task_id: str, now: datetime | None = None) -> datetime | None:
    """Pending -> Processing, for the one caller that makes the change: it gets the attempt's
    start time, which its later steps present, so that a builder declared stale (whose task
    was retried and claimed again) can no longer touch the task. None for everyone else."""
    now = now or utc_now()
    result = conn.execute(t.update().where(t.c.task_id == task_id, t.c.status == PENDING)
                          .values(status=PROCESSING, started_at=now, heartbeat_at=now, rows_done=0))
    return now if result.rowcount == 1 else None


def _attempt(task_id: str, attempt: datetime) -> list:
    return [t.c.task_id == task_id, t.c.status == PROCESSING, t.c.started_at == attempt]


def heartbeat(conn: sa.Connection, task_id: str, attempt: datetime, rows_done: int,
              rows: int | None = None, now: datetime | None = None) -> bool:
    """Record progress and that the builder is alive. False when the attempt is over (the
    task was declared stale, or expired): the builder must then stop."""
    values = {"rows_done": rows_done, "heartbeat_at": now or utc_now()}
    if rows is not None:
        values["rows"] = rows
    return conn.execute(t.update().where(*_attempt(task_id, attempt)).values(**values)).rowcount == 1


def complete(conn: sa.Connection, task_id: str, attempt: datetime, file_name: str, rows: int,
             now: datetime | None = None) -> bool:
    now = now or utc_now()
    result = conn.execute(t.update().where(*_attempt(task_id, attempt))
                          .values(status=COMPLETED, file_name=file_name, rows=rows, rows_done=rows,
                                  heartbeat_at=now, finished_at=now))
    return result.rowcount == 1


def fail(conn: sa.Connection, task_id: str, error: Message | str, attempt: datetime | None = None,
         now: datetime | None = None) -> bool:
    """Fail the attempt (or, without one, a task not yet started: it could not be queued),
    saying why: in English, and as the Message the history shows in its viewer's language."""
    where = _attempt(task_id, attempt) if attempt else [t.c.task_id == task_id, t.c.status == PENDING]
    message = error if isinstance(error, Message) else Message(error)
    result = conn.execute(t.update().where(*where)
                          .values(status=FAILED, error=str(message), error_message=json.dumps(message.to_json()),
                                  finished_at=now or utc_now()))
    return result.rowcount == 1


def pending_tasks(conn: sa.Connection) -> list[tuple[str, str]]:
    """(task id, partner id) of the tasks waiting for a worker, oldest first (an in-process
    queue lost them on restart)."""
    return [tuple(row) for row in conn.execute(sa.select(t.c.task_id, t.c.partner_id)
                                               .where(t.c.status == PENDING).order_by(t.c.created_at))]


def next_pending(conn: sa.Connection) -> str | None:
    """The Pending task to build next, fairly between partners: of the partner with the fewest
    builds running, then the one whose last build started longest ago (never first), its
    oldest task. So one partner's many exports take turns with another's single one instead
    of holding it back."""
    partners = (sa.select(t.c.partner_id,
                          sa.func.count().filter(t.c.status == PROCESSING).label("running"),
                          sa.func.max(t.c.started_at).label("last_started"))
                .group_by(t.c.partner_id).subquery("partners"))
    return conn.execute(
        sa.select(t.c.task_id).join(partners, partners.c.partner_id == t.c.partner_id)
        .where(t.c.status == PENDING)
        .order_by(partners.c.running, partners.c.last_started.asc().nulls_first(), t.c.created_at, t.c.task_id)
        .limit(1)).scalar()


# --- housekeeping ----------------------------------------------------------------------------

def fail_stale(conn: sa.Connection, now: datetime | None = None,
               stale_after: timedelta = STALE_AFTER) -> int:
    """Processing tasks whose builder stopped beating (a crash, a restart) become Failed, so
    they can be retried. Returns how many."""
    now = now or utc_now()
    result = conn.execute(t.update().where(t.c.status == PROCESSING,
                                           t.c.heartbeat_at < now - stale_after)
                          .values(status=FAILED, error=INTERRUPTED, error_message=None, finished_at=now))
    return result.rowcount


def expire(conn: sa.Connection, now: datetime | None = None) -> int:
    """Tasks past their retention become Expired (their files are deleted by the cleanup).
    A task still running expires too: its builder sees that at its next heartbeat."""
    now = now or utc_now()
    result = conn.execute(t.update().where(t.c.status != EXPIRED, t.c.expires_at <= now)
                          .values(status=EXPIRED, finished_at=sa.func.coalesce(t.c.finished_at, now)))
    return result.rowcount


def forget_expired(conn: sa.Connection, before: datetime) -> int:
    """Delete the rows of tasks that expired before `before`: the history stays bounded."""
    return conn.execute(t.delete().where(t.c.status == EXPIRED, t.c.expires_at < before)).rowcount


def live_file_names(conn: sa.Connection) -> set[str]:
    """Files that must stay: those of Completed tasks."""
    return set(conn.execute(sa.select(t.c.file_name).where(t.c.status == COMPLETED,
                                                           t.c.file_name.is_not(None))).scalars())


def processing_ids(conn: sa.Connection) -> set[str]:
    return set(conn.execute(sa.select(t.c.task_id).where(t.c.status == PROCESSING)).scalars())


# --- display ---------------------------------------------------------------------------------

def local_time(moment: datetime, time_zone: str) -> datetime:
    """A stored (naive UTC) time as the partner's wall-clock time, naive again (for spreadsheets).
    `time_zone` is the partner's offset, e.g. "+08:00"."""
    offset = datetime.strptime(time_zone, "%z").tzinfo
    return moment.replace(tzinfo=UTC).astimezone(offset).replace(tzinfo=None)


def zone_label(time_zone: str) -> str:
    return f"UTC{time_zone}"

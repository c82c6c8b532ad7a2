"""What the web app asks of exports: create, retry, list; and the housekeeping that keeps the
tasks honest (stale tasks failed, old ones expired, their files deleted)."""
from __future__ import annotations

import dataclasses
import logging
import re
import threading
from datetime import timedelta
from pathlib import Path

import flask
import sqlalchemy as sa

from config import Config
from data_access import export_tasks
from data_access.errors import Message, UserError
from data_access.export_tasks import ExportTask, FileFormat, utc_now
from data_access.query import ExpenditureQuery
from data_access.users import User
from exports.builder import TEMPORARY_SUFFIX, file_name
from exports.runners import CeleryRunner, ThreadRunner
from i18n import ENGLISH, _, day, number, speaking

log = logging.getLogger(__name__)

# The only files the cleanup may delete: those the builder names (the directory may hold others).
OUR_FILE = re.compile(rf"\.?([0-9a-f]{{32}})(\.(xlsx|csv)|\.[0-9a-f]{{32}}{re.escape(TEMPORARY_SUFFIX)})")
HOUSEKEEPING_SECONDS = 60
HISTORY_LENGTH = 50  # the newest tasks shown: the history's answer stays small
QUEUE_UNAVAILABLE = Message("the export queue is unavailable; please retry")


def current_exports() -> ExportService:
    return flask.current_app.extensions["exports"]


NAMED_SEARCH = 40


def task_name(query: ExpenditureQuery, file_format: str, record_ids: list[str] | None = None,
              origin: str | None = None, view: bool = False) -> str:
    """Tells tasks apart: where the export was made (a breakdown tab names its grouping), what
    was selected or searched, the days and the format. "Trend by account manager · 3 selected ·
    2025-01-01 to 2025-01-31 · “alpha” · .xlsx"; a view's tables say "view" instead. In the
    current language: the owner's, when the task is created."""
    selected = _("view") if view else _("all records") if record_ids is None else \
        _("%(count)s selected", count=number(len(record_ids)))
    days = _("%(start)s to %(end)s", start=day(query.start), end=day(query.end))
    parts = [origin or _("Expenditures"), selected, days]
    if query.search:  # cut to keep the name within its column (the parameters say it whole)
        search = query.search if len(query.search) <= NAMED_SEARCH else query.search[:NAMED_SEARCH] + "\u2026"
        parts.append(f"\u201c{search}\u201d")
    return " \u00b7 ".join([*parts, f".{FileFormat(file_format).value}"])


def download_name(task: ExportTask) -> str:
    """The name the browser saves the file under: from server-side values only."""
    start, end = task.parameters["query"]["start"], task.parameters["query"]["end"]
    return f"expenditures_{start}_{end}_{task.task_id[:8]}.{task.file_format}"


class ExportRefused(UserError):
    """An export not created (or retried) because of a limit; the message is for the user."""


@dataclasses.dataclass(frozen=True)
class Cleanup:
    failed_stale: int
    expired: int
    files_deleted: int
    tasks_forgotten: int


class ExportService:
    def __init__(self, engine: sa.Engine, config: Config):
        self.engine, self.config = engine, config
        self.export_dir = Path(config.export_dir)
        self.retention = timedelta(days=config.export_retention_days)
        self.stale_after = timedelta(seconds=config.export_stale_seconds)
        self.in_process = not config.redis_url
        self.runner = (ThreadRunner(engine, self.export_dir, config.export_workers)
                       if self.in_process else CeleryRunner(config.redis_url, config.export_queue))
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self.started = False

    # --- the user's requests ------------------------------------------------------------------

    def create(self, viewer: User, query: ExpenditureQuery, file_format: str,
               record_ids: list[str] | None = None, view: bool = False, origin: str | None = None,
               language: str = ENGLISH) -> str:
        """Store the task and queue it; the file is built in the background, in `language`
        (the viewer's: a worker has no request to ask). `origin`: where it was asked for, in
        words ("Overview", "Trend by service type"), for its name."""
        if query.scope.partner_id != viewer.partner_id:
            raise PermissionError("the query is not of the viewer's partner")
        with self.engine.begin() as conn:
            self._within_limits(conn, viewer, new=True)
            with speaking(language):
                name = task_name(query, file_format, record_ids, origin, view)
            task_id = export_tasks.create(conn, viewer.login, query, name, file_format,
                                          self.retention, record_ids, view=view, language=language)
        self._submit(task_id, query.scope.partner_id)
        return task_id

    def _within_limits(self, conn: sa.Connection, viewer: User, new: bool) -> None:
        """Refuse one more task on its way past the caps of the configuration (one user cannot
        fill the builders' queue, nor the disk, for everybody)."""
        config = self.config
        load = export_tasks.load(conn, viewer.login, viewer.partner_id, utc_now() - timedelta(hours=1))
        if load.owner_running >= config.exports_pending_per_user:
            raise ExportRefused("You have %(count)s exports on their way already; wait until one has finished, "
                                "then try again.", count=load.owner_running)
        if load.partner_running >= config.exports_pending_per_partner:
            raise ExportRefused("Your organisation has %(count)s exports on their way already; wait until one "
                                "has finished, then try again.", count=load.partner_running)
        if new and load.owner_created_since >= config.exports_per_hour:
            raise ExportRefused("You have created %(count)s exports in the last hour, the most allowed; try "
                                "again later.", count=load.owner_created_since)

    def retry(self, viewer: User, task_id: str) -> bool:
        with self.engine.connect() as conn:
            self._within_limits(conn, viewer, new=False)
        retried = export_tasks.change(self.engine, export_tasks.retry, viewer, task_id, self.retention)
        if retried:
            self._submit(task_id, viewer.partner_id)
        return retried

    def cancel(self, viewer: User, task_id: str) -> bool:
        return bool(export_tasks.change(self.engine, export_tasks.cancel, viewer, task_id))

    def history(self, viewer: User) -> list[ExportTask]:
        """The viewer's tasks, after the stale/expiry check, so what is shown is true now."""
        self.check()
        with self.engine.connect() as conn:
            return export_tasks.list_for(conn, viewer, HISTORY_LENGTH)

    def task(self, viewer: User, task_id: str) -> ExportTask | None:
        with self.engine.connect() as conn:
            return export_tasks.get_for(conn, viewer, task_id)

    def file_path(self, task: ExportTask) -> Path:
        return self.export_dir / file_name(task)

    def _submit(self, task_id: str, partner_id: str) -> None:
        try:
            self.runner.submit(task_id, partner_id)
        except Exception:  # noqa: BLE001 - e.g. Redis down: say so, and let the user retry
            log.exception("export %s could not be queued", task_id)
            export_tasks.change(self.engine, export_tasks.fail, task_id, QUEUE_UNAVAILABLE)

    # --- housekeeping -------------------------------------------------------------------------

    def check(self) -> tuple[int, int]:
        """Fail stale tasks and expire old ones: (failed, expired)."""
        return (export_tasks.change(self.engine, export_tasks.fail_stale, stale_after=self.stale_after) or 0,
                export_tasks.change(self.engine, export_tasks.expire) or 0)

    def cleanup(self) -> Cleanup:
        """The check, then delete the files no task needs (expired, orphaned, half-written by a
        builder that stopped), and forget tasks expired for another retention period."""
        failed, expired = self.check()
        forgotten = export_tasks.change(self.engine, export_tasks.forget_expired,
                                        utc_now() - self.retention) or 0
        with self.engine.connect() as conn:
            live = export_tasks.live_file_names(conn)
            building = export_tasks.processing_ids(conn)
        deleted = 0
        for path in self.export_dir.glob("*") if self.export_dir.is_dir() else ():
            match = OUR_FILE.fullmatch(path.name)
            if match and path.name not in live and match.group(1) not in building:
                path.unlink(missing_ok=True)
                deleted += 1
        return Cleanup(failed, expired, deleted, forgotten)

    def resume_pending(self) -> int:
        """Queue the Pending tasks again: an in-process queue does not survive a restart. (A
        task queued twice is built once: the builder claims it.)"""
        with self.engine.connect() as conn:
            pending = export_tasks.pending_tasks(conn)
        for task_id, partner_id in pending:
            self.runner.submit(task_id, partner_id)
        return len(pending)

    def ensure_started(self, housekeeping: bool = True) -> None:
        """Once per process, at its first request (not at import: command-line runs must not
        start builders): the check, re-queue what a restart dropped, then housekeeping."""
        if self.started:
            return
        with self._start_lock:
            if self.started:
                return
            try:
                self.check()
                if self.in_process:
                    self.resume_pending()
            except Exception:  # noqa: BLE001 - the dashboard must not depend on it; next request retries
                log.warning("export startup check failed", exc_info=True)
                return
            if housekeeping:
                threading.Thread(target=self._housekeeping, name="export-housekeeping",
                                 daemon=True).start()
            self.started = True

    def stop(self) -> None:
        """End housekeeping and the in-process builds (a Celery worker's builds are its own)."""
        self._stop.set()
        if isinstance(self.runner, ThreadRunner):
            self.runner.stop()

    def _housekeeping(self) -> None:
        while not self._stop.wait(HOUSEKEEPING_SECONDS):
            try:
                self.cleanup()
            except Exception:  # noqa: BLE001 - a database blip must not end the loop
                log.warning("export housekeeping failed; trying again later", exc_info=True)

"""What a user does on the dashboard over HTTP (a DashClient), and what the production tests
check it against: the database, read directly."""
from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from pathlib import Path

import sqlalchemy as sa

from bench.dash_client import DashClient
from dashboard import ids
from dashboard.format import money_text
from data_access import breakdowns, export_tasks, options
from data_access.export_tasks import ExportTask
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import export_tasks as task_table
from exports.routes import download_path
from tests.production.stack import wait_until

BUILD_SECONDS = 180  # a deadline for hangs, not a performance bound: CI shares 2 cores
# The value cell after the "Generated" label in the sheet's XML (exports.writers.write_xlsx).
GENERATED_TIME = re.compile(rb"(<t>Generated</t></is></c><c [^>]*><v>)[^<]*")


def shown_query(client: DashClient, partner_id: str = "P1") -> ExpenditureQuery:
    """The query of the view on screen (the QUERY_PARAMS store), as the server scopes it."""
    return ExpenditureQuery.from_params(Scope(partner_id), client.value(ids.QUERY_PARAMS, "data"))


def shown_amount(client: DashClient) -> str:
    """The Overview's Amount card, as the user reads it."""
    return client.value(ids.overview_total("amount") + "-value", "children")


def expected_amount(engine: sa.Engine, query: ExpenditureQuery) -> str:
    """What the Amount card must read for `query`: data_access.breakdowns, in the card's format."""
    with engine.connect() as conn:
        amount = breakdowns.overview(conn, query).total.amount
        currency = options.partner(conn, query.scope.partner_id).currency
    return money_text(amount, currency)


def task(engine: sa.Engine, task_id: str) -> ExportTask:
    with engine.connect() as conn:
        return export_tasks.get(conn, task_id)


def task_ids(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.select(task_table.c.task_id)).scalars())


def export_everything(client: DashClient, engine: sa.Engine) -> str:
    """Click Export on the Overview (.xlsx, the default); returns the new task's id."""
    before = task_ids(engine)
    client.set(ids.OVERVIEW_EXPORT, n_clicks=(client.value(ids.OVERVIEW_EXPORT, "n_clicks") or 0) + 1)
    (task_id,) = task_ids(engine) - before
    return task_id


def toast_text(client: DashClient) -> str:
    return json.dumps(client.value(ids.TOASTS, "children"))


def wait_for(engine: sa.Engine, task_id: str, statuses, timeout: float = BUILD_SECONDS) -> ExportTask:
    return wait_until(lambda: (found := task(engine, task_id)).status in statuses and found,
                      timeout, f"export {task_id} to be {'/'.join(statuses)}", interval=0.05)


def writing(engine: sa.Engine, task_id: str, other_than: ExportTask | None = None) -> ExportTask:
    """The task once an attempt (not `other_than`) is writing its rows: Processing, rows done."""
    def now_writing():
        found = task(engine, task_id)
        if found.status == export_tasks.COMPLETED:
            raise AssertionError(f"export {task_id} completed before it could be interrupted")
        fresh = other_than is None or found.started_at != other_than.started_at
        return found.status == export_tasks.PROCESSING and found.rows_done > 0 and fresh and found
    return wait_until(now_writing, BUILD_SECONDS, f"export {task_id} to write rows", interval=0.02)


def open_history(client: DashClient) -> str:
    """Switch to the Export History tab; its table's text."""
    client.set(ids.TABS, active_tab=ids.TAB_EXPORTS)
    return history_text(client)


def refresh_history(client: DashClient) -> str:
    """One tick of the history's refresh interval (the browser sends them every 2 s while a
    task runs); the table's text."""
    client.set(ids.EXPORT_REFRESH, n_intervals=(client.value(ids.EXPORT_REFRESH, "n_intervals") or 0) + 1)
    return history_text(client)


def history_showing(client: DashClient, word: str, timeout: float) -> str:
    """Refresh the Export History, as its interval does, until its table shows `word`; its text."""
    def showing():
        text = refresh_history(client)
        return word in text and text
    return wait_until(showing, timeout, f"the Export History to show {word!r}", interval=0.5)


def history_text(client: DashClient) -> str:
    return json.dumps(client.value(ids.EXPORT_HISTORY, "children"))


def retry(client: DashClient, task_id: str) -> str:
    """Click the Retry button of a failed task in the Export History; the toast's text."""
    client.set(ids.export_retry(task_id), n_clicks=1)
    return toast_text(client)


def download(client: DashClient, task_id: str, directory: Path):
    """GET the task's download link as the signed-in user: (response, saved file or None)."""
    response = client.http.get(client.base_url + download_path(task_id), timeout=60)
    if response.status_code != 200:
        return response, None
    path = Path(directory) / f"{task_id}.xlsx"
    path.write_bytes(response.content)
    return response, path


def content_digest(path: Path) -> str:
    """SHA-256 of an .xlsx's content: every part of the package, byte for byte, less what
    changes from one build of the same export to the next: the Generated time, and the times
    openpyxl writes into docProps/core.xml (the zip's own file times differ too, so a digest of
    the file's bytes can only compare a file with itself)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as package:
        for name in sorted(package.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode())
                digest.update(GENERATED_TIME.sub(rb"\1", package.read(name), count=1))
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def seconds_since(start: float) -> float:
    return round(time.monotonic() - start, 2)

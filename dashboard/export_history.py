"""The Export History tab: one row per export task, with Download for a finished file and Retry
for a failed one. Pure functions of the tasks; callbacks/exports.py fills and refreshes it."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access.export_tasks import (
    COMPLETED,
    EXPIRED,
    FAILED,
    PENDING,
    PROCESSING,
    RUNNING,
    ExportTask,
    local_time,
    zone_label,
)
from data_access.query import QueryError
from exports.routes import download_path
from i18n import N_, _, moment, number
from i18n.terms import describe, selection, term

REFRESH_MILLISECONDS = 1000  # builds report their progress about every second
BADGE_COLORS = {PENDING: "secondary", PROCESSING: "info", COMPLETED: "success", FAILED: "danger",
                EXPIRED: "light"}
EMPTY_TEXT = N_("No exports yet. Choose Export > Export Selected in the Trend or Distribution table, Export on "
                "the Overview, or Export This View from any tab's menu.")


def layout():
    return html.Div([
        html.H5(_("Export History"), className="mt-3"),
        dcc.Interval(id=ids.EXPORT_REFRESH, interval=REFRESH_MILLISECONDS, disabled=True),
        dcc.Store(id=ids.EXPORT_RETRIED),
        html.Div(id=ids.EXPORT_HISTORY, children=html.P(_("Loading…"), className="text-muted")),
    ], className="export-history")


def status_text(task: ExportTask) -> str:
    if task.status == PROCESSING:
        if task.rows:
            return _("Processing %(percent)s%% (%(done)s of %(rows)s rows)", percent=task.progress,
                     done=number(task.rows_done), rows=number(task.rows))
        return _("Processing %(percent)s%%", percent=task.progress)
    if task.status == FAILED:
        return _("Failed: %(reason)s", reason=term(task.error)) if task.error else _("Failed")
    return term(task.status)


MAX_DESCRIPTION = 300  # a query of 500 long filter values is described by its start


def shortened_words(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 1] + "\u2026"


def _parameters(task: ExportTask) -> list:
    try:
        words = shortened_words(describe(task.query))
    except QueryError:  # stored by an older version with other rules: still listed
        words = _("(the query can no longer be read)")
    return [words, html.Br(), html.Span(selection(task.record_ids, task.view), className="text-muted")]


def _operation(task: ExportTask):
    if task.status == COMPLETED:
        return html.A(_("Download"), href=download_path(task.task_id), className="export-download")
    if task.status == FAILED:
        return dbc.Button(_("Retry"), id=ids.export_retry(task.task_id), color="link", size="sm",
                          className="p-0 export-retry")
    return ""


def _row(task: ExportTask, time_zone: str, viewer_login: str):
    about = f".{task.file_format}"
    if task.owner_login != viewer_login:  # an admin sees the whole partner's tasks
        about += " \u00b7 " + _("by %(login)s", login=task.owner_login)
    name = [task.name, html.Br(), html.Small(about, className="text-muted")]
    created = moment(local_time(task.created_at, time_zone))
    rows = "" if task.rows is None else number(task.rows)
    return html.Tr([
        html.Td(name), html.Td(_parameters(task), className="small"), html.Td(created),
        html.Td(rows, className="text-end"),
        html.Td(dbc.Badge(status_text(task), color=BADGE_COLORS[task.status],
                          text_color="dark" if task.status == EXPIRED else None,
                          className="text-wrap text-start export-status")),
        html.Td(_operation(task)),
    ], id={"type": "export-row", "task": task.task_id})


def history_table(tasks: list[ExportTask], time_zone: str, viewer_login: str):
    if not tasks:
        return html.P(_(EMPTY_TEXT), className="text-muted")
    header = html.Thead(html.Tr([html.Th(_("Name")), html.Th(_("Parameters")),
                                 html.Th(_("Created (%(zone)s)", zone=zone_label(time_zone))),
                                 html.Th(_("Rows"), className="text-end"), html.Th(_("Status")),
                                 html.Th(_("Operation"))]))
    body = html.Tbody([_row(task, time_zone, viewer_login) for task in tasks])
    return dbc.Table([header, body], hover=True, size="sm", responsive=True, className="align-middle")


def any_running(tasks: list[ExportTask]) -> bool:
    return any(task.status in RUNNING for task in tasks)


def toast(message: str, ok: bool) -> dbc.Toast:
    return dbc.Toast(message, header=_("Export"), icon="success" if ok else "warning", duration=5000,
                     dismissable=True, is_open=True, className="export-toast")

"""The Export History tab: one row per export task, with Download for a finished file and Retry
for a failed one. Pure functions of the tasks; callbacks/exports.py fills and refreshes it."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access.export_tasks import (
    CANCELLED,
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
from i18n import ENGLISH, N_, _, current_language, number, translated
from i18n.terms import describe, selection, term

REFRESH_MILLISECONDS = 1000  # builds report their progress about every second
BADGE_COLORS = {PENDING: "secondary", PROCESSING: "info", COMPLETED: "success", FAILED: "danger",
                EXPIRED: "light"}
EMPTY_TEXT = N_("No exports yet. Choose Export > Export Selected in the Trend or Distribution table, Export on "
                "the Overview, or Export This View from any tab's menu.")
WIDE_ONLY = "d-none d-md-table-cell"  # a phone keeps the columns it acts on: status and download


def layout():
    return dbc.Card([
        dbc.CardHeader([html.Span(_("Export History"), className="fw-semibold"),
                        html.Small(" " + _("Files are built in the background and kept until their expiry date."),
                                   className="text-muted")]),
        dbc.CardBody([
            dcc.Interval(id=ids.EXPORT_REFRESH, interval=REFRESH_MILLISECONDS, disabled=True),
            dcc.Store(id=ids.EXPORT_RETRIED),
            html.Div(id=ids.EXPORT_HISTORY, children=html.P(_("Loading…"), className="text-muted mb-0")),
        ], className="p-0"),
    ], className="export-history shadow-sm mt-3")


def cancelled(task: ExportTask) -> bool:
    return task.status == FAILED and (task.error or "").startswith(CANCELLED)


def status_text(task: ExportTask) -> str:
    if task.status == PROCESSING:
        if task.rows:
            return _("Processing %(percent)s%% (%(done)s of %(rows)s rows)", percent=task.progress,
                     done=number(task.rows_done), rows=number(task.rows))
        return _("Processing %(percent)s%%", percent=task.progress)
    if cancelled(task):
        return _("Cancelled")
    return term(task.status)


def failure_text(task: ExportTask) -> str | None:
    """Why a task failed, as a sentence."""
    if task.status != FAILED or not task.error:
        return None
    reason = translated(task.failure)
    if current_language() != ENGLISH:  # the catalog's sentence as it is
        return reason
    reason = reason[0].upper() + reason[1:]
    return reason if reason.endswith(".") else reason + "."


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
        return html.A([html.I(className="bi bi-download me-1"), _("Download")], href=download_path(task.task_id),
                      className="export-download text-nowrap")
    if task.status == FAILED:
        return dbc.Button(_("Retry"), id=ids.export_retry(task.task_id), color="link", size="sm",
                          className="p-0 export-retry")
    if task.status in RUNNING:
        return dbc.Button(_("Cancel"), id=ids.export_cancel(task.task_id), color="link", size="sm",
                          className="p-0 text-danger export-cancel")
    return ""


def _row(task: ExportTask, time_zone: str, viewer_login: str):
    name = [html.Span(task.name, className="export-name")]
    if task.owner_login != viewer_login:  # an admin sees the whole partner's tasks
        name += [html.Br(), html.Small(_("by %(login)s", login=task.owner_login), className="text-muted")]
    created = local_time(task.created_at, time_zone).strftime("%Y-%m-%d %H:%M")
    expires = local_time(task.expires_at, time_zone).strftime("%Y-%m-%d")
    rows = "" if task.rows is None else number(task.rows)
    status = [dbc.Badge(status_text(task), color="secondary" if cancelled(task) else BADGE_COLORS[task.status],
                        text_color="dark" if task.status == EXPIRED else None, className="export-status")]
    reason = failure_text(task)
    if reason and not cancelled(task):
        status += [html.Div(reason, className="small text-danger export-reason")]
    return html.Tr([
        html.Td(name), html.Td(_parameters(task), className=f"small {WIDE_ONLY}"),
        html.Td(created, className="small text-nowrap export-created", **{"data-label": _("Created")}),
        html.Td(_("expired") if task.status == EXPIRED else expires, className="small text-nowrap export-expires",
                **{"data-label": _("Expires")}),
        html.Td(rows, className=f"text-end {WIDE_ONLY}"),
        html.Td(status), html.Td(_operation(task)),
    ], id={"type": "export-row", "task": task.task_id})


def history_table(tasks: list[ExportTask], time_zone: str, viewer_login: str):
    if not tasks:
        return html.Div([html.I(className="bi bi-inbox fs-3 d-block mb-2"), _(EMPTY_TEXT)],
                        className="text-muted text-center p-4 export-empty")
    header = html.Thead(html.Tr([html.Th(_("Name")), html.Th(_("Parameters"), className=WIDE_ONLY),
                                 html.Th(_("Created (%(zone)s)", zone=zone_label(time_zone))), html.Th(_("Expires")),
                                 html.Th(_("Rows"), className=f"text-end text-nowrap {WIDE_ONLY}"),
                                 html.Th(_("Status")),
                                 html.Th("")]))
    body = html.Tbody([_row(task, time_zone, viewer_login) for task in tasks])
    return dbc.Table([header, body], hover=True, size="sm", responsive=True, className="align-middle mb-0 export-table")


def any_running(tasks: list[ExportTask]) -> bool:
    return any(task.status in RUNNING for task in tasks)


def toast(message: str, ok: bool) -> dbc.Toast:
    return dbc.Toast(message, header=_("Export"), icon="success" if ok else "warning", duration=5000,
                     dismissable=True, is_open=True, className="export-toast")

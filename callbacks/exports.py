"""Exports: Export Selected / Export / Export This View create a task and answer at once with a
toast (the file is built in the background); View Export opens the Export History, which
refreshes itself while a task runs; Retry queues a failed task again.

Everything from the browser is checked here: the query is rebuilt from the store with the
signed-in user's scope, and the selected record ids (at most MAX_SELECTED) can only narrow it.
"""
from __future__ import annotations

import json
import time

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from answers import partner_facts
from auth.identity import current_scope, current_user
from callbacks.common import stored_query
from dashboard import export_history, ids
from data_access.errors import UserError
from data_access.export_tasks import FAILED, FORMATS, is_task_id
from data_access.query import Scope
from data_access.users import User
from exports.service import ExportService, current_exports
from i18n import N_, _, current_language, translated
from i18n.terms import lower
from runtime import Runtime

CREATED = N_("Export task created.")
MAX_SELECTED = 10_000
MAX_RECORD_ID_LENGTH = 64  # the schema's
ORIGINS = {ids.TAB_OVERVIEW: N_("Overview"), ids.TAB_TREND: N_("Trend"), ids.TAB_DISTRIBUTION: N_("Distribution")}


class Refusal(UserError):
    """An export that cannot be created; the message is for the user."""


def selected_record_ids(rows) -> list[str]:
    """The record ids of the grid's selected rows, checked."""
    if not rows:
        raise Refusal("Select the records to export first: tick them in the table.")
    if not isinstance(rows, list):
        raise Refusal("The selection could not be read; select the records again.")
    if len(rows) > MAX_SELECTED:
        raise Refusal("Select at most %(count)s records, or export everything the query matches from the "
                      "Overview.", count=MAX_SELECTED)
    record_ids = [row.get("record_id") if isinstance(row, dict) else None for row in rows]
    if not all(isinstance(rid, str) and 0 < len(rid) <= MAX_RECORD_ID_LENGTH for rid in record_ids):
        raise Refusal("The selection could not be read; select the records again.")
    return record_ids


def export_origin(tab: str, query) -> str:
    """Where an export was asked for, in words: the tab, and the grouping of a breakdown."""
    if tab == ids.TAB_OVERVIEW:
        return _(ORIGINS[tab])
    return _("%(tab)s by %(basis)s", tab=_(ORIGINS[tab]), basis=lower(query.group_by.label))


def create_export(service: ExportService, viewer: User, scope: Scope, params, file_format,
                  tab: str, rows=None, everything: bool = False, view: bool = False) -> tuple[str, bool]:
    """-> (message, created). `rows`: the selected grid rows, unless `everything` or `view`
    (only the view's tables: the groups and the series). `tab`: where it was asked for."""
    try:
        if file_format not in FORMATS:
            raise Refusal("Choose the file format: .xlsx or .csv.")
        record_ids = None if everything or view else selected_record_ids(rows)
        query = stored_query(scope, params)
        if tab not in ORIGINS:
            raise Refusal("The export could not be read; reload the page.")
        task = service.task(viewer, service.create(viewer, query, file_format, record_ids, view=view,
                                                   origin=export_origin(tab, query), language=current_language()))
    except UserError as error:  # a Refusal, a QueryError, or an export limit reached
        return translated(error), False
    if task.status == FAILED:  # not queued (Redis down): say so now, not only in the history
        return _("The export could not be started: %(reason)s from Export History.",
                 reason=translated(task.failure)), False
    return _(CREATED), True


def _by_tab(component_ids, values) -> dict:
    """{tab: value} of an ALL-pattern state; from the browser, so anything else is dropped."""
    if not isinstance(component_ids, list) or not isinstance(values, list):
        return {}
    return {component_id.get("tab"): value
            for component_id, value in zip(component_ids, values, strict=False)
            if isinstance(component_id, dict)}


def _clicked(key: str | None = None):
    """The id (or its `key` part) of the component whose click fired the callback; no update
    for a component that was merely rendered (n_clicks still empty), or an unreadable id."""
    clicked = ctx.triggered_id
    if not clicked or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    if key is None:
        return clicked
    if not isinstance(clicked, dict) or not isinstance(clicked.get(key), str):
        raise PreventUpdate
    return clicked[key]


def history_view(runtime: Runtime, service: ExportService, viewer: User, scope: Scope) -> tuple:
    """-> (table, interval disabled): the interval ticks only while a task is on its way."""
    tasks = service.history(viewer)
    time_zone = partner_facts(runtime.answers, scope).time_zone
    return (export_history.history_table(tasks, time_zone, viewer.login),
            not export_history.any_running(tasks))


def register_export_callbacks(app, runtime: Runtime) -> None:
    formats = (State(ids.export_format(ALL), "value"), State(ids.export_format(ALL), "id"))

    @app.callback(Output(ids.TOASTS, "children", allow_duplicate=True),
                  Input(ids.export_selected(ALL), "n_clicks"),
                  State(ids.detail_grid(ALL), "selectedRows"), State(ids.detail_grid(ALL), "id"),
                  *formats, State(ids.QUERY_PARAMS, "data"), prevent_initial_call=True)
    def _export_selected(_clicks, selections, grid_ids, format_values, format_ids, params):
        tab = _clicked("tab")
        message, created = create_export(
            current_exports(), current_user(), current_scope(), params,
            _by_tab(format_ids, format_values).get(tab, FORMATS[0]), tab,
            rows=_by_tab(grid_ids, selections).get(tab))
        return export_history.toast(message, created)

    @app.callback(Output(ids.TOASTS, "children", allow_duplicate=True),
                  Input(ids.OVERVIEW_EXPORT, "n_clicks"), *formats, State(ids.QUERY_PARAMS, "data"),
                  prevent_initial_call=True)
    def _export_overview(_clicks, format_values, format_ids, params):
        _clicked()
        message, created = create_export(
            current_exports(), current_user(), current_scope(), params,
            _by_tab(format_ids, format_values).get(ids.TAB_OVERVIEW, FORMATS[0]), ids.TAB_OVERVIEW,
            everything=True)
        return export_history.toast(message, created)

    @app.callback(Output(ids.TOASTS, "children", allow_duplicate=True),
                  Input(ids.export_shown(ALL), "n_clicks"), *formats, State(ids.QUERY_PARAMS, "data"),
                  prevent_initial_call=True)
    def _export_shown(_clicks, format_values, format_ids, params):
        tab = _clicked("tab")
        message, created = create_export(
            current_exports(), current_user(), current_scope(), params,
            _by_tab(format_ids, format_values).get(tab, FORMATS[0]), tab, view=True)
        return export_history.toast(message, created)

    # In the browser: every tab that opens adds a View Export item, which would otherwise cost
    # a request answered "no update".
    app.clientside_callback(
        f"(clicks) => clicks.some(Boolean) ? {json.dumps(ids.TAB_EXPORTS)} : window.dash_clientside.no_update",
        Output(ids.TABS, "active_tab", allow_duplicate=True),
        Input(ids.view_export(ALL), "n_clicks"), prevent_initial_call=True)

    @app.callback(Output(ids.EXPORT_HISTORY, "children"), Output(ids.EXPORT_REFRESH, "disabled"),
                  Input(ids.EXPORT_REFRESH, "n_intervals"), Input(ids.EXPORT_RETRIED, "data"))
    def _history(_ticks, _retried):
        return history_view(runtime, current_exports(), current_user(), current_scope())

    @app.callback(Output(ids.EXPORT_RETRIED, "data"),
                  Output(ids.TOASTS, "children", allow_duplicate=True),
                  Input(ids.export_retry(ALL), "n_clicks"), prevent_initial_call=True)
    def _retry(_clicks):
        task_id = _clicked("task")
        try:
            retried = is_task_id(task_id) and current_exports().retry(current_user(), task_id)
            message = _("Export task queued again.") if retried else _("This export cannot be retried.")
        except UserError as error:  # an export limit reached
            retried, message = False, translated(error)
        return {"task": task_id, "at": time.time()}, export_history.toast(message, retried)

    @app.callback(Output(ids.EXPORT_RETRIED, "data", allow_duplicate=True),
                  Output(ids.TOASTS, "children", allow_duplicate=True),
                  Input(ids.export_cancel(ALL), "n_clicks"), prevent_initial_call=True)
    def _cancel(_clicks):
        task_id = _clicked("task")
        cancelled = is_task_id(task_id) and current_exports().cancel(current_user(), task_id)
        message = _("Export cancelled.") if cancelled else _("This export has finished: it cannot be cancelled.")
        return {"task": task_id, "at": time.time()}, export_history.toast(message, cancelled)

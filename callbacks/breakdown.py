"""Trend and distribution: the chart, the groups' table (against the comparison period when
one is chosen), the top groups' month-end forecast and the detail grid of the query in the
store, and the grid's pages."""
from __future__ import annotations

from dash import ALL, MATCH, Input, Output, State
from dash.exceptions import PreventUpdate

from answers import empty_message, month_forecast, partner_facts
from answers.partner import data_up_to
from auth.identity import current_scope
from callbacks.common import answers_plain_json, drawn, stored_query
from dashboard import breakdown_tab, ids
from dashboard.colors import group_colors
from dashboard.comparison_figures import trend_extras
from dashboard.figures import distribution_figure, trend_figure
from dashboard.format import MEASURE_LABELS
from dashboard.periods import Coverage
from dashboard.view_state import BREAKDOWN_TABS, CHARTS, DEFAULTS, MEASURES
from data_access import comparison, details
from data_access.breakdowns import without_series
from data_access.details import DETAIL_COLUMN_KEYS
from data_access.query import QueryError, Scope, excerpt
from i18n import _, current_language, translated
from i18n.terms import lower
from runtime import Runtime

HIDDEN = {"display": "none"}
MAX_PAGE_ROWS = 500
MAX_ROW = 2 ** 31 - 1  # the largest row number any database here takes as an offset
NO_ROWS = {"rowData": [], "rowCount": 0}


def breakdown_view(runtime: Runtime, scope: Scope, tab, params, measure, chart=DEFAULTS["chart"],
                   columns=None) -> tuple:
    """-> (figure, graph style, groups table, forecast table, detail grid, message or None).
    `chart`: how the trend draws; `columns`: the column chooser's value (both from the browser:
    checked)."""
    if tab not in BREAKDOWN_TABS:
        raise PreventUpdate
    try:
        query = stored_query(scope, params)
    except QueryError as error:
        message = translated(error)
        return {}, HIDDEN, None, None, breakdown_tab.no_rows(message), message
    measure = measure if measure in MEASURES else DEFAULTS["measure"]
    chart = chart if chart in CHARTS and tab == ids.TAB_TREND else DEFAULTS["chart"]
    currency = partner_facts(runtime.answers, scope).currency
    # The figure is what is cached with the groups, not the breakdown's series it is drawn
    # from (a year of days per group): smaller, so quicker to store and read back.
    figure, groups, message = runtime.answers.remember(
        scope, ("breakdown_view", query, tab, measure, chart, current_language()),
        lambda: _drawn_breakdown(runtime, query, tab, measure, chart, currency))
    if message is not None:
        return {}, HIDDEN, None, None, breakdown_tab.no_rows(message), message

    def tables() -> tuple:
        colors = group_colors(group.key for group in groups.groups)
        landing = month_forecast(runtime.answers, query)
        return (breakdown_tab.group_table(groups, measure, currency, colors),
                breakdown_tab.forecast_table(landing, query.group_by.label, currency) if landing else None,
                breakdown_tab.detail_grid(tab, query.to_params(), currency, columns))
    group_table, forecast_table, grid = drawn(runtime, scope, ("breakdown", query, tab, measure, repr(columns)), tables)
    return figure, {}, group_table, forecast_table, grid, None


def _drawn_breakdown(runtime: Runtime, query, tab: str, measure: str, chart: str, currency: str) -> tuple:
    """-> (figure dict, the breakdown without series, message or None): what is cached."""
    trend = tab == ids.TAB_TREND
    answer = runtime.answers.compute(comparison.breakdown, query, trend)  # the donut needs no series
    if not answer.groups:
        return {}, None, empty_message(runtime.answers, query)
    colors = group_colors(group.key for group in answer.groups)
    if trend:
        coverage = Coverage.of(query, data_up_to(runtime.answers, query.scope))
        figure = trend_figure(answer, measure, coverage, currency, colors, chart)
        figure["data"] += trend_extras(answer, None, query, currency, measure,
                                       _("Total %(measure)s", measure=lower(MEASURE_LABELS[measure])))
    else:
        figure = distribution_figure(answer, measure, currency, colors)
    return figure, without_series(answer), None


def _sort(sort_model) -> tuple[str, bool] | None:
    """The grid's sort model -> (column key, descending), or None for the query's own order."""
    if not sort_model:
        return None
    first = sort_model[0] if isinstance(sort_model, list) else None
    if (not isinstance(first, dict) or first.get("colId") not in DETAIL_COLUMN_KEYS
            or first.get("sort") not in ("asc", "desc")):
        raise QueryError("cannot sort by that column")
    return first["colId"], first["sort"] == "desc"


def detail_rows(runtime: Runtime, scope: Scope, request) -> dict:
    """One block of the grid's rows. The request comes from the browser: its query (the
    grid's context) is validated and scoped again, its bounds and sort checked; a request the
    grid would never make is a QueryError saying what is wrong with it."""
    if not isinstance(request, dict):
        raise QueryError("the table's request for rows is not readable")
    start, end = request.get("startRow"), request.get("endRow")
    if not all(isinstance(bound, int) and not isinstance(bound, bool) for bound in (start, end)) \
            or not 0 <= start < end <= MAX_ROW or end - start > MAX_PAGE_ROWS:
        raise QueryError("the table asked for rows %(start)s to %(end)s: at most %(count)s rows at once, "
                         "numbered from 0 to %(last)s", start=excerpt(start), end=excerpt(end), count=MAX_PAGE_ROWS,
                         last=MAX_ROW)
    try:
        query = stored_query(scope, request.get("context"))
    except PreventUpdate:
        return NO_ROWS
    sort = _sort(request.get("sortModel"))

    def drawn_rows() -> dict:
        page = runtime.answers.compute(details.detail_page, query, start, end - start, sort)
        return {"rowData": [breakdown_tab.grid_row(row) for row in page.rows], "rowCount": page.total_rows}
    return runtime.answers.remember(scope, ("detail_rows", query, start, end, sort, current_language()), drawn_rows)


def register(app, runtime: Runtime) -> None:
    @app.callback(Output(ids.BREAKDOWN_GRAPH, "figure"), Output(ids.BREAKDOWN_GRAPH, "style"),
                  Output(ids.BREAKDOWN_GROUPS, "children"), Output(ids.BREAKDOWN_FORECAST, "children"),
                  Output(ids.DETAIL_GRID_BOX, "children"),
                  Output(ids.BREAKDOWN_MESSAGE, "children"), Output(ids.BREAKDOWN_MESSAGE, "is_open"),
                  Input(ids.QUERY_PARAMS, "data"), Input(ids.MEASURE, "value"),
                  Input(ids.CHART_TYPE, "value"), State(ids.TABS, "active_tab"),
                  State(ids.COLUMN_CHOOSER, "value"))
    @answers_plain_json
    def _breakdown(params, measure, chart, tab, columns):
        *view, message = breakdown_view(runtime, current_scope(), tab, params, measure, chart, columns)
        return *view, message, message is not None

    @app.callback(Output(ids.detail_grid(ALL), "columnDefs"), Input(ids.COLUMN_CHOOSER, "value"),
                  State(ids.detail_grid(ALL), "id"), prevent_initial_call=True)
    def _columns(columns, grids):
        currency = partner_facts(runtime.answers, current_scope()).currency
        return [breakdown_tab.grid_columns(currency, columns) for _grid in grids]

    # "N selected" beside the Export menu, in the browser.
    app.clientside_callback(
        """(selections, words) => {
            const count = (selections || []).reduce((n, rows) => n + (rows ? rows.length : 0), 0);
            return count ? words.selected.replace('%(count)s', count.toLocaleString('en')) : words.none;
        }""",
        Output(ids.SELECTED_COUNT, "children"), Input(ids.detail_grid(ALL), "selectedRows"),
        State(ids.SELECTION_WORDS, "data"))

    @app.callback(Output(ids.detail_grid(MATCH), "getRowsResponse"),
                  Input(ids.detail_grid(MATCH), "getRowsRequest"), prevent_initial_call=True)
    def _rows(request):
        return detail_rows(runtime, current_scope(), request)

"""Overview: the totals cards (with their change against the comparison period), the
month-end forecast and the trend of the query in the store."""
from __future__ import annotations

from dash import Input, Output

from auth.identity import current_scope
from callbacks.common import empty_message, month_forecast, partner_facts, stored_query
from dashboard import ids, overview
from dashboard.comparison_figures import trend_extras
from dashboard.figures import overview_figure
from data_access import comparison, stats
from data_access.query import QueryError, Scope
from runtime import Runtime

HIDDEN = {"display": "none"}


def overview_view(runtime: Runtime, scope: Scope, params) -> tuple:
    """-> (cards, figure, graph style, message or None)."""
    try:
        query = stored_query(scope, params)
    except QueryError as error:
        return [*overview.total_cards(None), overview.forecast_card(None)], {}, HIDDEN, str(error)
    return runtime.remember(scope, ("overview_view", query), lambda: _drawn_overview(runtime, query))


def _drawn_overview(runtime: Runtime, query) -> tuple:
    currency = partner_facts(runtime, query.scope).currency
    answer = runtime.compute(comparison.overview, query)
    landing = month_forecast(runtime, query)
    cards = [*overview.total_cards(answer.total, currency, answer.comparison),
             overview.forecast_card(landing, currency)]
    if not runtime.answer(stats.count_rows, query):
        return cards, {}, HIDDEN, empty_message(runtime, query)
    figure = overview_figure(answer, query.granularity, currency)
    figure["data"] += trend_extras(answer, landing, query, currency, "amount", "Amount")
    return cards, figure, {}, None


def register(app, runtime: Runtime) -> None:
    @app.callback(Output(ids.OVERVIEW_TOTALS, "children"), Output(ids.OVERVIEW_GRAPH, "figure"),
                  Output(ids.OVERVIEW_GRAPH, "style"), Output(ids.OVERVIEW_MESSAGE, "children"),
                  Output(ids.OVERVIEW_MESSAGE, "is_open"), Input(ids.QUERY_PARAMS, "data"))
    def _overview(params):
        cards, figure, style, message = overview_view(runtime, current_scope(), params)
        return cards, figure, style, message, message is not None

"""Overview: the totals cards and the trend of the query in the store."""
from __future__ import annotations

from dash import Input, Output

from answers import empty_message, partner_facts
from auth.identity import current_scope
from callbacks.common import stored_query
from dashboard import ids, overview
from dashboard.figures import overview_figure
from data_access import breakdowns, details
from data_access.query import QueryError, Scope
from runtime import Runtime

HIDDEN = {"display": "none"}


def overview_view(runtime: Runtime, scope: Scope, params) -> tuple:
    """-> (cards, figure, graph style, message or None)."""
    try:
        query = stored_query(scope, params)
    except QueryError as error:
        return overview.total_cards(None), {}, HIDDEN, str(error)
    currency = partner_facts(runtime.answers, scope).currency
    total, figure, message = runtime.answers.remember(scope, ("overview_view", query),
                                                      lambda: _drawn_overview(runtime, query, currency))
    return overview.total_cards(total, currency), figure, HIDDEN if message else {}, message


def _drawn_overview(runtime: Runtime, query, currency: str) -> tuple:
    """-> (total, figure dict, message or None): what is cached, no components."""
    answer = runtime.answers.compute(breakdowns.overview, query)
    if not runtime.answers.answer(details.count_rows, query):
        return answer.total, {}, empty_message(runtime.answers, query)
    return answer.total, overview_figure(answer, query.granularity, currency), None


def register(app, runtime: Runtime) -> None:
    @app.callback(Output(ids.OVERVIEW_TOTALS, "children"), Output(ids.OVERVIEW_GRAPH, "figure"),
                  Output(ids.OVERVIEW_GRAPH, "style"), Output(ids.OVERVIEW_MESSAGE, "children"),
                  Output(ids.OVERVIEW_MESSAGE, "is_open"), Input(ids.QUERY_PARAMS, "data"))
    def _overview(params):
        cards, figure, style, message = overview_view(runtime, current_scope(), params)
        return cards, figure, style, message, message is not None

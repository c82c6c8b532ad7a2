"""Overview: the totals cards (with their change against the comparison period), the
month-end forecast and the trend of the query in the store."""
from __future__ import annotations

import dataclasses

from dash import Input, Output

from answers import empty_message, month_forecast, partner_facts
from answers.partner import data_up_to
from auth.identity import current_scope
from callbacks.common import answers_plain_json, stored_query
from dashboard import ids, overview
from dashboard.comparison_figures import trend_extras
from dashboard.figures import overview_figure
from dashboard.periods import Coverage
from data_access import comparison, details
from data_access.query import QueryError, Scope
from i18n import _, current_language, translated
from runtime import Runtime

HIDDEN = {"display": "none"}


def overview_view(runtime: Runtime, scope: Scope, params) -> tuple:
    """-> (cards, figure, graph style, message or None)."""
    try:
        query = stored_query(scope, params)
    except QueryError as error:
        return overview.cards(None), {}, HIDDEN, translated(error)
    currency = partner_facts(runtime.answers, scope).currency
    total, compared, figure, message = runtime.answers.remember(
        scope, ("overview_view", query, current_language()), lambda: _drawn_overview(runtime, query, currency))
    cards = overview.cards(total, currency, compared, month_forecast(runtime.answers, query))
    return cards, figure, HIDDEN if message else {}, message


def _drawn_overview(runtime: Runtime, query, currency: str) -> tuple:
    """-> (total, comparison without its series, figure dict, message or None): what is
    cached, no components."""
    answer = runtime.answers.compute(comparison.overview, query)
    compared = answer.comparison and dataclasses.replace(answer.comparison, series=())
    if not runtime.answers.answer(details.count_rows, query):
        return answer.total, compared, {}, empty_message(runtime.answers, query, hide_zero_shown=False)
    figure = overview_figure(answer, Coverage.of(query, data_up_to(runtime.answers, query.scope)), currency)
    figure["data"] += trend_extras(answer, month_forecast(runtime.answers, query), query, currency, "amount",
                                   _("Amount"))
    return answer.total, compared, figure, None


def register(app, runtime: Runtime) -> None:
    @app.callback(Output(ids.OVERVIEW_TOTALS, "children"), Output(ids.OVERVIEW_GRAPH, "figure"),
                  Output(ids.OVERVIEW_GRAPH, "style"), Output(ids.OVERVIEW_MESSAGE, "children"),
                  Output(ids.OVERVIEW_MESSAGE, "is_open"), Input(ids.QUERY_PARAMS, "data"))
    @answers_plain_json
    def _overview(params):
        cards, figure, style, message = overview_view(runtime, current_scope(), params)
        return cards, figure, style, message, message is not None

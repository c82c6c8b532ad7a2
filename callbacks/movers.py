"""The Overview's movers panel: the movers of the query in the store, each customer linked to
its Trend view (built on the server from the URL's view); and the account-manager scorecard of
the breakdown tabs."""
from __future__ import annotations

from datetime import date

from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from answers import month_forecast, partner_facts, partner_today
from auth.identity import current_scope
from callbacks.common import drawn, stored_query
from callbacks.drilldown import customer_trend_searches
from dashboard import ids
from dashboard import movers as panel
from dashboard.view_state import from_search
from data_access import movers
from data_access.movers import Status
from data_access.query import MAX_TOP_N, Basis, QueryError, Scope
from i18n import translated
from runtime import Runtime


def movers_view(runtime: Runtime, scope: Scope, params, url_search, today: date | None = None,
                status: Status | None = None):
    """The panel, on the first status with customers; with `status`, only that tab's list."""
    try:
        query = stored_query(scope, params)
    except QueryError as error:
        return html.P(translated(error), className="text-muted mb-0")
    facts = partner_facts(runtime.answers, scope)
    result, counts = runtime.answers.remember(scope, ("movers_shown", query),
                                              lambda: panel.shown(runtime.answers.answer(movers.movers, query)))
    shown_status = status or panel.first_status(counts)
    view, _problems = from_search(scope, today or partner_today(facts), url_search)
    links = customer_trend_searches(view, panel.shown_customers(result, shown_status))
    listed = panel.status_list(result, counts, shown_status, facts.currency, links)
    return listed if status else panel.movers_panel(result, counts, shown_status, listed)


def movers_drawn(runtime: Runtime, scope: Scope, params, url_search, status: Status | None = None):
    """movers_view, drawn once for each question, link, tab and day: its components were most
    of a warm Overview request's time."""
    today = partner_today(partner_facts(runtime.answers, scope))
    return drawn(runtime, scope, ("movers", repr(params), url_search, status, today),
                 lambda: movers_view(runtime, scope, params, url_search, today, status))


def scorecard_view(runtime: Runtime, scope: Scope, params):
    """The scorecard when the breakdown groups by account manager, else nothing."""
    try:
        query = stored_query(scope, params)
    except QueryError:
        return None  # the breakdown says what is wrong
    if query.group_by is not Basis.ACCOUNT_MANAGER:
        return None
    currency = partner_facts(runtime.answers, scope).currency
    # Every manager's own forecast (up to MAX_TOP_N of them), not only the chart's top N.
    forecast = month_forecast(runtime.answers, query.replace(top_n=MAX_TOP_N))
    return panel.scorecard_card(runtime.answers.answer(movers.scorecard, query), currency, forecast)


def register(app, runtime: Runtime) -> None:
    @app.callback(Output(ids.SCORECARD, "children"), Input(ids.QUERY_PARAMS, "data"))
    def _scorecard(params):
        return scorecard_view(runtime, current_scope(), params)

    @app.callback(Output(ids.MOVERS, "children"), Input(ids.QUERY_PARAMS, "data"), State(ids.URL, "search"))
    def _movers(params, url_search):
        return movers_drawn(runtime, current_scope(), params, url_search)

    # The panel comes with its first tab's list: this draws another tab's when it is chosen.
    @app.callback(Output(ids.MOVERS_LIST, "children"), Input(ids.MOVERS_TABS, "active_tab"),
                  State(ids.QUERY_PARAMS, "data"), State(ids.URL, "search"), prevent_initial_call=True)
    def _movers_list(active_tab, params, url_search):
        status = panel.status_of_tab(active_tab)
        if status is None:
            raise PreventUpdate
        return movers_drawn(runtime, current_scope(), params, url_search, status)

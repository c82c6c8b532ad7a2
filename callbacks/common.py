"""What several callbacks need: the partner's facts, today, the query from the store, and why
a query shows nothing."""
from __future__ import annotations

import dataclasses
from datetime import date

from dash.exceptions import PreventUpdate

from dashboard.empty_state import empty_reason
from dashboard.time_range import today_in
from data_access import forecast, stats
from data_access.export_tasks import utc_now
from data_access.forecast import Forecast
from data_access.query import ExpenditureQuery, QueryError, Scope
from data_access.schema import partners
from runtime import Runtime


@dataclasses.dataclass(frozen=True)
class PartnerFacts:
    name: str
    time_zone: str
    currency: str


def partner_facts(runtime: Runtime, scope: Scope) -> PartnerFacts:
    """The signed-in user's partner; the schema's defaults if it has no row yet (a user
    created before any data)."""
    row = runtime.partner(scope)
    if row is None:
        return PartnerFacts(scope.partner_id, partners.c.time_zone.server_default.arg,
                            partners.c.currency.server_default.arg)
    return PartnerFacts(row.name, row.time_zone, row.currency)


def partner_today(facts: PartnerFacts) -> date:
    return today_in(facts.time_zone, utc_now())


def stored_query(scope: Scope, params) -> ExpenditureQuery:
    """The query in the QUERY_PARAMS store (sent back by the browser, so validated again, and
    scoped by the server). Nothing stored yet: no update."""
    if params is None:
        raise PreventUpdate
    if not isinstance(params, dict):
        raise QueryError("the query is not readable")
    return ExpenditureQuery.from_params(scope, params)


def month_forecast(runtime: Runtime, query: ExpenditureQuery) -> Forecast | None:
    """The month-end forecast for the query's scope, search, filters and grouping, cached
    across its ranges."""
    up_to = runtime.answer(stats.freshness, query.scope)
    return None if up_to is None else runtime.answer(forecast.month_forecast, forecast.month_question(query, up_to))


def empty_message(runtime: Runtime, query: ExpenditureQuery) -> str:
    """Why `query` matches no record."""
    latest = runtime.answer(stats.freshness, query.scope)
    in_range = ExpenditureQuery(query.scope, query.start, query.end, hide_zero=False)
    return empty_reason(query, latest, runtime.answer(stats.count_rows, in_range) > 0)

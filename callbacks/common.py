"""What several callbacks need: the partner's facts, today, the query from the store, and why
a query shows nothing."""
from __future__ import annotations

import dataclasses
from datetime import date

from dash.exceptions import PreventUpdate

from dashboard.empty_state import empty_reason
from dashboard.time_range import today_in
from data_access import stats
from data_access.export_tasks import utc_now
from data_access.query import ExpenditureQuery, QueryError, Scope
from data_access.schema import partners
from runtime import Runtime


# The store's value while the controls name no usable view (the message above them says why):
# the tabs draw nothing rather than the last good view's figures, which would not match them.
UNUSABLE = {"unusable": True}
UNUSABLE_MESSAGE = "Correct the settings above first: as they are, they cannot be used."


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
    if params == UNUSABLE:
        raise QueryError(UNUSABLE_MESSAGE)
    if not isinstance(params, dict):
        raise QueryError("the query is not readable")
    return ExpenditureQuery.from_params(scope, params)


def empty_message(runtime: Runtime, query: ExpenditureQuery, hide_zero_shown: bool = True) -> str:
    """Why `query` matches no record; `hide_zero_shown`: whether the tab has that switch."""
    latest = runtime.answer(stats.freshness, query.scope)
    in_range = ExpenditureQuery(query.scope, query.start, query.end, hide_zero=False)
    return empty_reason(query, latest, runtime.answer(stats.count_rows, in_range) > 0, hide_zero_shown)

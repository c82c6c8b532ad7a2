"""What several callbacks need: the query from the store."""
from __future__ import annotations

from dash.exceptions import PreventUpdate

from data_access.query import ExpenditureQuery, QueryError, Scope


def stored_query(scope: Scope, params) -> ExpenditureQuery:
    """The query in the QUERY_PARAMS store (sent back by the browser, so validated again, and
    scoped by the server). Nothing stored yet: no update."""
    if params is None:
        raise PreventUpdate
    if not isinstance(params, dict):
        raise QueryError("the query is not readable")
    return ExpenditureQuery.from_params(scope, params)

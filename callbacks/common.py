"""What several callbacks need: the query from the store."""
from __future__ import annotations

from dash.exceptions import PreventUpdate

from data_access.query import ExpenditureQuery, QueryError, Scope
from i18n import N_

# The store's value while the controls name no usable view (the message above them says why):
# the tabs draw nothing rather than the last good view's figures, which would not match them.
UNUSABLE = {"unusable": True}
UNUSABLE_MESSAGE = N_("Correct the settings above first: as they are, they cannot be used.")


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

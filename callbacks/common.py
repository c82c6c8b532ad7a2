"""What several callbacks need: the query from the store; answers as plain JSON."""
from __future__ import annotations

import functools
from collections.abc import Callable

from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from data_access.query import ExpenditureQuery, QueryError, Scope
from i18n import N_, current_language
from runtime import Runtime

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


def plain_json(value):
    """`value` with each Dash component in it (at any depth of components and lists) as the
    dict the renderer receives. Figures and other dicts are left as they are."""
    if isinstance(value, Component):
        tree = value.to_plotly_json()
        tree["props"] = {name: plain_json(prop) for name, prop in tree["props"].items()}
        return tree
    if isinstance(value, (list, tuple)):
        return [plain_json(item) for item in value]
    return value


def drawn(runtime: Runtime, scope: Scope, key: tuple, draw: Callable[[], object]):
    """`draw()` as plain JSON, drawn once for each `key` and language while the scope's data
    stays as it is (Answers.remember): building and encoding components cost a warm request
    more than reading them back."""
    return runtime.answers.remember(scope, ("drawn", *key, current_language()), lambda: plain_json(draw()))


def answers_plain_json(callback):
    """A callback whose answer holds components, made to answer them as plain JSON. Dash
    encodes an answer with plotly's orjson path, which, finding a component in it, walks every
    value of the answer in Python (the figures' points included) before encoding: 5 ms of a
    warm Trend request's 15 (docs/PERFORMANCE.md, "The floor of a request"). Plain, orjson
    encodes it at once."""
    @functools.wraps(callback)
    def plain(*args):
        answer = callback(*args)
        return tuple(plain_json(value) for value in answer) if isinstance(answer, tuple) else plain_json(answer)
    return plain

"""What the user is told when a request fails: a toast in words, never the exception's text
(which can hold SQL or data) unless it is a UserError, written for them; the exception itself
goes to the server's log.

A database that does not answer (restarting, failing over) is said to be unavailable, and the
same session works again once it is back: the engine's pool_pre_ping replaces the connections
the restart broke. Errors inside a Dash callback come to `on_callback_error`, Dash's `on_error`.
The others come to the 500 handler of `register_error_pages`: before any callback runs, the
signed-in user is loaded from the database, so that is where an outage shows first.
"""
from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
import flask
import sqlalchemy as sa
from plotly.io.json import to_json_plotly
from werkzeug.exceptions import HTTPException, InternalServerError

from dashboard import ids
from data_access.errors import UserError
from i18n import N_, _, current_language, translated

log = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = N_("The database is unavailable; try again in a moment.")
UNEXPECTED = N_("Something went wrong; please try again. If it keeps happening, reload the page.")
RETRY_AFTER_SECONDS = 5
CALLBACK_PATH = "/_dash-update-component"

UNAVAILABLE_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3rem">
<h1 style="font-size: 1.4rem">{title}</h1>
<p>{message}</p><p><a href="">{again}</a></p>
</body></html>
"""


def unavailable_page() -> str:
    return UNAVAILABLE_PAGE.format(language=current_language(), title=_("Expenditure Statistics"),
                                   message=_(DATABASE_UNAVAILABLE), again=_("Try again"))


def database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached, or dropped the connection (not: a query was wrong)."""
    return isinstance(error, sa.exc.OperationalError) or (
        isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated)


def error_toast(message: str) -> dbc.Toast:
    return dbc.Toast(message, header=_("Error"), icon="danger", dismissable=True, is_open=True,
                     className="error-toast")


def on_callback_error(error: Exception) -> None:
    """Dash's on_error: the toast instead of the callback's outputs, which keep their values."""
    if isinstance(error, HTTPException):  # abort(401) and the like keep their status
        raise error
    if isinstance(error, UserError):  # written for the user: no SQL, no data
        log.info("callback %s: %s", dash.ctx.triggered_id, error.message)
        message = translated(error)
    elif database_unavailable(error):
        log.warning("callback %s: the database is unavailable", dash.ctx.triggered_id, exc_info=error)
        message = _(DATABASE_UNAVAILABLE)
    else:
        log.error("callback %s failed", dash.ctx.triggered_id, exc_info=error)
        message = _(UNEXPECTED)
    dash.set_props(ids.TOASTS, {"children": error_toast(message)})


def register_error_pages(server: flask.Flask) -> None:
    server.register_error_handler(InternalServerError, _server_error)


def _server_error(error: InternalServerError):
    """Flask has logged the exception already; a database outage is answered in words."""
    if not database_unavailable(error.original_exception):
        return error
    # The user could not be loaded: for the rest of this request nobody is signed in, so that
    # the after-request hooks (CSRF cookie, access log) do not ask the database again. (The
    # method flask-login itself stores the request's user with.)
    flask.current_app.login_manager._update_request_context_with_user()
    request = flask.request
    if request.path.endswith(CALLBACK_PATH):
        # The renderer shows a callback's answer only with status 200: the toast as a side
        # update, as set_props in on_callback_error sends it, and no output changed.
        body = {"multi": True, "response": {},
                "sideUpdate": {ids.TOASTS: {"children": error_toast(_(DATABASE_UNAVAILABLE))}}}
        return flask.Response(to_json_plotly(body), status=200, mimetype="application/json")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.method == "GET" and any(kind == "text/html" for kind, _ in request.accept_mimetypes):
        # A browser navigating (a script fetching says */*, and gets the plain text)
        return flask.Response(unavailable_page(), status=503, headers=headers, mimetype="text/html")
    return flask.Response(_(DATABASE_UNAVAILABLE) + "\n", status=503, headers=headers, mimetype="text/plain")


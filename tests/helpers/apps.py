"""Apps and signed-in test clients, built the way production builds them."""
from __future__ import annotations

from pathlib import Path

import dash
import flask
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from app import create_app
from auth.csrf import COOKIE_NAME, HEADER_NAME, SAFE_METHODS
from config import Config
from tests.helpers.database import url_of


def make_app(database: sa.Engine | str, tmp_path: Path, **config_overrides) -> flask.Flask:
    """The real app on `database` (an engine from the `engine` fixture, whose URL carries the
    PostgreSQL test schema, or a URL), in testing mode, with its instance folder, exports and
    generated secret key under `tmp_path` and no Redis unless `redis_url` is given."""
    url = database if isinstance(database, str) else url_of(database)
    settings = dict(database_url=url, instance_dir=tmp_path, export_dir=tmp_path / "exports",
                    redis_url=None, testing=True)
    app = create_app(Config.from_env(**{**settings, **config_overrides}))
    MADE.append(app)
    return app


MADE: list[flask.Flask] = []  # the apps made by the running test, stopped after it


def stop_made_apps() -> None:
    """End the export builds of the apps the test made. A build left running read and wrote
    the next test's tables, and once held a lock that a migration test waited on for ever."""
    while MADE:
        MADE.pop().extensions["exports"].stop()


def dash_of(app: flask.Flask) -> dash.Dash:
    """The Dash app on `app`, for tests that add callbacks or change the layout."""
    return app.extensions["dash"]


def cli_invoker(app: flask.Flask):
    """`invoke(*args) -> (exit code, output)`: the app's command line, as `flask --app app` runs it."""
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=[str(arg) for arg in args])
        return result.exit_code, result.output
    return invoke


class CsrfClient(FlaskClient):
    """A test client that, like the Dash renderer, sends the `_csrf_token` cookie back as the
    X-CSRFToken header of every state-changing request (unless the test sets the header)."""

    def open(self, *args, **kwargs):
        if kwargs.get("method", "GET").upper() not in SAFE_METHODS:
            cookie = self.get_cookie(COOKIE_NAME)
            headers = Headers(kwargs.get("headers"))
            if cookie is not None and HEADER_NAME not in headers:
                headers[HEADER_NAME] = cookie.value
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def client(app: flask.Flask) -> CsrfClient:
    """A CSRF-forwarding client, not signed in."""
    return CsrfClient(app, app.response_class, use_cookies=True)


def signed_in_client(app: flask.Flask, login: str, password: str) -> CsrfClient:
    """A client signed in through the real sign-in form; fails the test if sign-in fails."""
    signed_in = client(app)
    signed_in.get("/login")  # sets the CSRF cookie
    response = signed_in.post("/login", data={"login": login, "password": password})
    assert response.status_code == 302, f"sign-in as {login!r} failed ({response.status_code})"
    return signed_in

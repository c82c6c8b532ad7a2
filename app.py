"""The app factory: `flask --app app` finds `create_app`, gunicorn runs `'app:create_app()'`.

Importing this module builds nothing; the Dash app of a built server is `server.extensions["dash"]`.
"""
from __future__ import annotations

import logging

import dash
import flask
from werkzeug.middleware.proxy_fix import ProxyFix

import i18n
import logs
from auth import register_auth
from auth.headers import register_headers
from callbacks import register_callbacks
from callbacks.errors import on_callback_error, register_error_pages
from cli import register_commands
from config import Config
from dashboard.shell import layout
from exports.routes import register_export_routes
from health import register_health
from runtime import Runtime


def create_app(config: Config | None = None) -> flask.Flask:
    """The Flask server with the dashboard on it, configured by `config` (default: the environment)."""
    config = config or Config.from_env()
    logs.configure(config.log_level, config.log_format)
    server = flask.Flask(__name__, instance_path=str(config.instance_dir))
    if config.proxy_hops > 0:  # client address, scheme and host as the trusted proxies saw them
        hops = config.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    server.config["SESSION_COOKIE_SECURE"] = config.secure_cookies
    server.config["MAX_CONTENT_LENGTH"] = config.max_content_length  # a larger body: 413
    # First: refused requests get a request id too. For people, no line per request at INFO.
    logs.register_request_logging(server, logging.DEBUG if config.log_format == "plain" else logging.INFO)
    runtime = Runtime.start(server, config)
    register_auth(server, runtime)  # next: its checks run before any other request hook
    i18n.init_app(server)
    app = dash.Dash(
        __name__, server=server, title="Expenditure Statistics",
        suppress_callback_exceptions=True,  # tabs render their controls on demand
        serve_locally=True, update_title=None, on_error=on_callback_error)
    app.layout = layout
    register_callbacks(app, runtime)
    register_export_routes(server, runtime)
    register_health(server, runtime)
    register_error_pages(server)  # a database outage in words, not a bare 500
    register_headers(server, app.csp_hashes())  # last: every inline script is known now
    register_commands(server)
    server.extensions["dash"] = app
    return server

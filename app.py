"""Builds the app; exposes `app` (Dash) and `server` (Flask) for `flask --app app` and gunicorn."""
from __future__ import annotations

import dash
import flask

from auth import register_auth
from callbacks import register_callbacks
from cli import register_commands
from config import Config
from dashboard.shell import layout
from exports.routes import register_export_routes
from health import register_health
from runtime import Runtime


def create_app(config: Config | None = None) -> dash.Dash:
    config = config or Config.from_env()
    server = flask.Flask(__name__, instance_path=str(config.instance_dir))
    runtime = Runtime.start(server, config)
    register_auth(server, runtime)  # first: its checks run before any other request hook
    app = dash.Dash(
        __name__, server=server, title="Expenditure Statistics",
        suppress_callback_exceptions=True,  # tabs render their controls on demand
        serve_locally=True, update_title=None)
    app.layout = layout
    register_callbacks(app, runtime)
    register_export_routes(server, runtime)
    register_health(server, runtime)
    register_commands(server)
    return app


app = create_app()
server = app.server

"""Sign-in, sessions and the checks every request passes: authentication, CSRF, rate limits.

`register_auth(server, runtime)` wires it all into the Flask server; `auth.identity.current_scope()`
is how callbacks and routes learn whose data they may show.
"""
from __future__ import annotations

from datetime import timedelta

import flask
import flask_login
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from auth import csrf, guard, views
from auth.secret_key import secret_key
from data_access.users import User, session_user
from runtime import Runtime


class _SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return super().get_cookie_secure(app) or flask.request.is_secure


def register_auth(server: flask.Flask, runtime: Runtime) -> None:
    config = runtime.config
    server.secret_key = secret_key(config)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.session_lifetime_minutes),
        # The cookie is written when the session changes only, so the lifetime counts from
        # signing in, and no answer still in flight at sign-out can write the old one back.
        SESSION_REFRESH_EACH_REQUEST=False)
    server.session_interface = _SessionInterface()

    login_manager = flask_login.LoginManager(server)

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        with runtime.engine.connect() as conn:
            return session_user(conn, session_id)

    # With Redis the counts are shared by every worker; should it go away, each counts alone.
    limiter = Limiter(get_remote_address, app=server, key_prefix="expenditure-statistics",
                      storage_uri=config.redis_url or "memory://", in_memory_fallback_enabled=True)

    @server.before_request
    def check_request():
        return guard.refusal() or csrf.refusal()

    @server.after_request
    def set_csrf_cookie(response: flask.Response) -> flask.Response:
        if flask_login.current_user.is_authenticated:
            csrf.csrf_token()  # every signed-in page can make requests: it needs the token
        return csrf.mirror_cookie(response)

    server.register_blueprint(views.blueprint(runtime, limiter))

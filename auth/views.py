"""The sign-in page (a plain Flask page, so it works before any Dash script loads) and sign-out."""
from __future__ import annotations

import logging

import flask
import flask_login
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from auth.csrf import csrf_token
from auth.guard import LOGIN_PATH, safe_next
from data_access.users import authenticate, sign_out_everywhere
from i18n import N_, _
from runtime import Runtime

log = logging.getLogger(__name__)

# Password guessing: per client address (whatever logins it tries), and per login name *and*
# address, waiting longer the more it fails (a minute, then an hour, then a day). Not per login
# alone: anyone could then lock a real user out by failing on purpose.
LIMIT_PER_ADDRESS = "10/minute;100/hour"
LIMIT_PER_LOGIN_AND_ADDRESS = "5/minute;10/hour;20/day"
MAX_LOGIN_LENGTH = 100     # the column's width
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte of "password" would be a denial of service
WRONG = N_("Wrong login or password.")
# By how long the limit reached lasts (whole sentences: each language words them its own way).
TOO_MANY = {60: N_("Too many sign-in attempts from here. Wait a minute, then try again."),
            3600: N_("Too many sign-in attempts from here. Wait an hour, then try again.")}
TOO_MANY_FOR_A_DAY = N_("Too many sign-in attempts from here. Wait a day, then try again.")


def _login_name() -> str:
    return flask.request.form.get("login", "").strip()


def _page(error: str | None = None, status: int = 200, login: str = ""):
    next_path = safe_next(flask.request.values.get("next"))
    return flask.render_template("auth/login.html", error=error, login=login, next_path=next_path,
                                 csrf_token=csrf_token()), status


def blueprint(runtime: Runtime, limiter: Limiter) -> flask.Blueprint:
    views = flask.Blueprint("auth", __name__, template_folder="templates")
    by_address = limiter.limit(LIMIT_PER_ADDRESS, key_func=get_remote_address, methods=["POST"])
    by_login = limiter.limit(LIMIT_PER_LOGIN_AND_ADDRESS, methods=["POST"],
                             key_func=lambda: f"{_login_name().casefold()}|{get_remote_address()}")

    @views.route(LOGIN_PATH, methods=["GET", "POST"])
    @by_address
    @by_login
    def login():
        if flask.request.method == "GET":
            if flask_login.current_user.is_authenticated:
                return flask.redirect(safe_next(flask.request.args.get("next")) or "/")
            return _page()
        name, password = _login_name(), flask.request.form.get("password", "")
        user = None
        if 0 < len(name) <= MAX_LOGIN_LENGTH and 0 < len(password) <= MAX_PASSWORD_LENGTH:
            with runtime.engine.connect() as conn:
                user = authenticate(conn, name, password)
        if user is None:
            log.warning("failed sign-in for %r from %s", name[:MAX_LOGIN_LENGTH], get_remote_address())
            return _page(_(WRONG), login=name[:MAX_LOGIN_LENGTH])
        # A fresh session: nothing chosen before signing in (a planted session id, an old
        # CSRF token) survives into the signed-in one.
        flask.session.clear()
        flask.session.permanent = True
        flask_login.login_user(user)
        return flask.redirect(safe_next(flask.request.form.get("next")) or "/")

    @views.route("/logout", methods=["POST"])
    def logout():
        user = flask_login.current_user
        if user.is_authenticated:  # every session of the user ends, a copied cookie included
            with runtime.engine.begin() as conn:
                sign_out_everywhere(conn, user.login)
        flask_login.logout_user()
        flask.session.clear()
        return flask.redirect(LOGIN_PATH)

    @views.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded):
        message = TOO_MANY.get(error.limit.limit.get_expiry(), TOO_MANY_FOR_A_DAY)
        return _page(_(message), 429,
                     login=_login_name()[:MAX_LOGIN_LENGTH])

    return views

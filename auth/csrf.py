"""Cross-site request forgery: a double-submit token.

The token lives in the (signed) session and is mirrored in a readable `_csrf_token` cookie, which
the Dash renderer sends back as the `X-CSRFToken` header of its requests (forms send a hidden
field). A state-changing request must carry it equal to the cookie and to the session's copy:
another site can make the browser send the cookies, but can neither read them nor set the
header, and a cookie planted from elsewhere does not match the session.
"""
from __future__ import annotations

import hmac
import secrets

import flask

COOKIE_NAME = "_csrf_token"  # the Dash renderer's default csrf_token_name
HEADER_NAME = "X-CSRFToken"  # and csrf_header_name
FIELD_NAME = "_csrf_token"   # hidden field of plain forms (sign-in, sign-out)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_KEY = "_csrf_token"


def csrf_token() -> str:
    """This session's token, made on first use; for hidden form fields."""
    token = flask.session.get(SESSION_KEY)
    if not token:
        token = flask.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def _equal(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def refusal() -> flask.Response | None:
    """A 403 for a state-changing request without the right token; None to let it through."""
    request = flask.request
    if request.method in SAFE_METHODS:
        return None
    sent = request.headers.get(HEADER_NAME) or request.form.get(FIELD_NAME)
    cookie = request.cookies.get(COOKIE_NAME)
    if _equal(sent, cookie) and _equal(cookie, flask.session.get(SESSION_KEY)):
        return None
    return flask.make_response(
        "Refused: this request did not carry the page's security token. "
        "Reload the page and try again.", 403, {"Content-Type": "text/plain; charset=utf-8"})


def mirror_cookie(response: flask.Response) -> flask.Response:
    """Keep the readable cookie equal to the session's token (after sign-in changes it)."""
    token = flask.session.get(SESSION_KEY)
    if token and flask.request.cookies.get(COOKIE_NAME) != token:
        # Not HttpOnly: the page's script must read it. Secure like the session's: over https,
        # and always with SECURE_COOKIES.
        secure = flask.request.is_secure or bool(flask.current_app.config["SESSION_COOKIE_SECURE"])
        response.set_cookie(COOKIE_NAME, token, httponly=False, samesite="Lax", secure=secure, path="/")
    return response

"""The one door: every request passes here before any route, including routes added later.

Only an allow-list is open without signing in; everything else needs a signed-in user. A page
request is sent to the sign-in page (coming back to where it was going); anything else (Dash's
XHR, JSON, scripts, downloads fetched by script) gets 401.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import flask
import flask_login

LOGIN_PATH = "/login"
# The sign-in page, its POST, what it loads, and the probes of the hosting platform.
OPEN_PATHS = frozenset({LOGIN_PATH, "/assets/vendor/bootstrap.min.css", "/healthz", "/readyz"})
MAX_NEXT_LENGTH = 2000


def safe_next(value: str | None) -> str | None:
    """`value` if it is a path on this site, else None: the sign-in page must never send a
    user to another site (open redirect). Browsers read `//host`, `/\\host` and paths with
    control characters or spaces stripped as other hosts, so those are refused too."""
    if not value or len(value) > MAX_NEXT_LENGTH or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value or any(ord(ch) <= 32 or ord(ch) == 127 for ch in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def login_url(next_path: str | None) -> str:
    next_path = safe_next(next_path)
    return LOGIN_PATH + ("?" + urlencode({"next": next_path}) if next_path and next_path != "/" else "")


def _wants_page(request: flask.Request) -> bool:
    """A browser navigating (GET naming HTML, not just */*), as opposed to a script fetching."""
    return (request.method in ("GET", "HEAD") and not request.path.startswith("/_dash-")
            and any(mimetype == "text/html" for mimetype, _ in request.accept_mimetypes))


def refusal() -> flask.Response | None:
    """Before every request: None to let it through, or the answer for a stranger."""
    request = flask.request
    if request.path in OPEN_PATHS or flask_login.current_user.is_authenticated:
        return None
    if _wants_page(request):
        target = request.full_path if request.query_string else request.path
        return flask.redirect(login_url(target))
    return flask.make_response(flask.jsonify(error="Sign-in required."), 401)

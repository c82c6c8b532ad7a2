"""Who is asking: the signed-in user, taken from the server-side session only."""
from __future__ import annotations

import flask
import flask_login

from data_access.query import Scope
from data_access.users import User


def current_user() -> User:
    """The signed-in user (reloaded from the database on every request, so a removed user or a
    changed role takes effect at once); aborts with 401 when nobody is signed in."""
    user = flask_login.current_user
    if not user or not user.is_authenticated:
        flask.abort(401)
    return user._get_current_object()


def current_scope() -> Scope:
    """The signed-in user's scope; aborts with 401 when nobody is signed in."""
    return current_user().scope

"""Who is asking: the scope of the signed-in user, taken from the server-side session only."""
from __future__ import annotations

import flask
import flask_login

from data_access.query import Scope
from data_access.users import User


class SignedInUser(flask_login.UserMixin):
    """The flask-login face of a stored user; reloaded from the database on every request, so a
    removed user or a changed role takes effect at once."""

    def __init__(self, user: User):
        self.login = user.login
        self.partner_id = user.partner_id
        self.role = user.role
        self.manager_id = user.manager_id
        self.session_generation = user.session_generation

    def get_id(self) -> str:
        """What the session keeps: the login and its session generation, so bumping the stored
        generation (sign-out, new password or role, `users sign-out-everywhere`) ends it."""
        return session_id(self.login, self.session_generation)


def session_id(login: str, generation: int) -> str:
    return f"{generation}:{login}"


def parse_session_id(value: str) -> tuple[str, int] | None:
    generation, _, login = value.partition(":")
    return (login, int(generation)) if generation.isdigit() and login else None


def current_scope() -> Scope:
    """The signed-in user's scope; aborts with 401 when nobody is signed in."""
    user = flask_login.current_user
    if not user or not user.is_authenticated:
        flask.abort(401)
    return Scope(user.partner_id, user.manager_id if user.role == "account_manager" else None)

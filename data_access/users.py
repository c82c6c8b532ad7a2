"""Sign-ins: who may see which partner's data, and as which role. A stored user is also the
signed-in identity: its scope says whose data it may see (auth.identity)."""
from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime, timezone
from enum import StrEnum

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from data_access.errors import UserError
from data_access.query import Scope
from data_access.schema import managers, users


class Role(StrEnum):
    ADMIN = "admin"  # sees all of the partner's data and export tasks
    ACCOUNT_MANAGER = "account_manager"  # sees only the spend attributed to one manager


ROLES = tuple(role.value for role in Role)


@dataclasses.dataclass(frozen=True)
class User:
    """A sign-in: who it is, of which partner, in which role."""
    login: str
    partner_id: str
    role: Role
    manager_id: str | None = None
    session_generation: int = 0  # sessions signed in under another generation have ended
    language: str | None = None  # the language chosen in the header; None: not chosen

    # What flask-login asks of a signed-in user: a stored user is one.
    is_authenticated, is_active, is_anonymous = True, True, False

    def get_id(self) -> str:
        """What the session keeps: the login and its session generation, so bumping the stored
        generation (sign-out, new password or role, `users sign-out-everywhere`) ends it."""
        return f"{self.session_generation}:{self.login}"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def scope(self) -> Scope:
        """Whose data this user may see."""
        return Scope(self.partner_id, self.manager_id if self.role is Role.ACCOUNT_MANAGER else None)


def _user(row) -> User:
    return User(row.login, row.partner_id, Role(row.role), row.manager_id, row.session_generation, row.language)


def _check_role(conn: sa.Connection, partner_id: str, role: str, manager_id: str | None) -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    role = Role(role)
    if (role is Role.ACCOUNT_MANAGER) != (manager_id is not None):
        raise UserError("an account_manager sign-in needs --manager, and only it")
    if manager_id is not None and conn.execute(sa.select(managers.c.manager_id).where(
            managers.c.partner_id == partner_id, managers.c.manager_id == manager_id)).first() is None:
        raise UserError(f"unknown manager {manager_id!r} of partner {partner_id!r}")


def add_user(conn: sa.Connection, login: str, password: str, partner_id: str, role: str,
             manager_id: str | None = None) -> User:
    _check_role(conn, partner_id, role, manager_id)
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    if get_user(conn, login) is not None:
        raise UserError(f"login {login!r} exists already")
    generation = secrets.randbelow(2 ** 30)
    conn.execute(users.insert().values(
        login=login, password_hash=generate_password_hash(password), partner_id=partner_id,
        role=role, manager_id=manager_id, created_at=datetime.now(timezone.utc).replace(tzinfo=None),
        # From a random start: a session of a removed user does not come back with a new one
        # of the same login (room left for a billion bumps in the column's 31 bits).
        session_generation=generation))
    return User(login, partner_id, Role(role), manager_id, generation)


def get_user(conn: sa.Connection, login: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.login == login)).first()
    return _user(row) if row else None


def session_user(conn: sa.Connection, session_id: str) -> User | None:
    """The user of a session (`User.get_id`), or None once that session has ended: the user
    removed, or its sessions ended since (the generation moved on)."""
    generation, _, login = session_id.partition(":")
    user = get_user(conn, login) if generation.isdigit() and login else None
    return user if user is not None and user.session_generation == int(generation) else None


# Checked against when the login is unknown, so that answer takes as long as a wrong password
# (made once, with the same method and cost as the stored hashes: no enumeration by timing).
_DUMMY_HASH = generate_password_hash("not anyone's password")


def authenticate(conn: sa.Connection, login: str, password: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.login == login)).first()
    matches = check_password_hash(row.password_hash if row else _DUMMY_HASH, password)
    return _user(row) if row is not None and matches else None


def _update(conn: sa.Connection, login: str, **values) -> None:
    """Change the user and end every session of it (the next request of each is signed out)."""
    values["session_generation"] = users.c.session_generation + 1
    if conn.execute(users.update().where(users.c.login == login).values(**values)).rowcount != 1:
        raise UserError(f"unknown login {login!r}")


def set_password(conn: sa.Connection, login: str, password: str) -> None:
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    _update(conn, login, password_hash=generate_password_hash(password))


def set_role(conn: sa.Connection, login: str, role: str, manager_id: str | None = None) -> None:
    user = get_user(conn, login)
    if user is None:
        raise UserError(f"unknown login {login!r}")
    _check_role(conn, user.partner_id, role, manager_id)
    _update(conn, login, role=role, manager_id=manager_id)


def sign_out_everywhere(conn: sa.Connection, login: str) -> None:
    _update(conn, login)


def set_language(conn: sa.Connection, login: str, language: str) -> None:
    """Remember the user's language (a code the caller has checked). Not through `_update`:
    choosing a language ends no session."""
    if conn.execute(users.update().where(users.c.login == login).values(language=language)).rowcount != 1:
        raise UserError(f"unknown login {login!r}")


def remove_user(conn: sa.Connection, login: str) -> None:
    if conn.execute(users.delete().where(users.c.login == login)).rowcount != 1:
        raise UserError(f"unknown login {login!r}")


def list_users(conn: sa.Connection, partner_id: str | None = None) -> list[User]:
    select = sa.select(users).order_by(users.c.partner_id, users.c.login)
    if partner_id is not None:
        select = select.where(users.c.partner_id == partner_id)
    return [_user(row) for row in conn.execute(select)]

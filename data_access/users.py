"""Sign-ins: who may see which partner's data, and as which role."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from data_access.schema import managers, users

ROLES = ("admin", "account_manager")


class UserError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class User:
    login: str
    partner_id: str
    role: str
    manager_id: str | None


def _user(row) -> User:
    return User(row.login, row.partner_id, row.role, row.manager_id)


def add_user(conn: sa.Connection, login: str, password: str, partner_id: str, role: str,
             manager_id: str | None = None) -> User:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if (role == "account_manager") != (manager_id is not None):
        raise UserError("an account_manager sign-in needs --manager, and only it")
    if manager_id is not None and conn.execute(sa.select(managers.c.manager_id).where(
            managers.c.partner_id == partner_id, managers.c.manager_id == manager_id)).first() is None:
        raise UserError(f"unknown manager {manager_id!r} of partner {partner_id!r}")
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    if get_user(conn, login) is not None:
        raise UserError(f"login {login!r} exists already")
    conn.execute(users.insert().values(
        login=login, password_hash=generate_password_hash(password), partner_id=partner_id,
        role=role, manager_id=manager_id, created_at=datetime.now(timezone.utc).replace(tzinfo=None)))
    return User(login, partner_id, role, manager_id)


def get_user(conn: sa.Connection, login: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.login == login)).first()
    return _user(row) if row else None


def authenticate(conn: sa.Connection, login: str, password: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.login == login)).first()
    if row is None:
        check_password_hash(generate_password_hash("x"), password)  # same time as a wrong password
        return None
    return _user(row) if check_password_hash(row.password_hash, password) else None


def set_password(conn: sa.Connection, login: str, password: str) -> None:
    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    if conn.execute(users.update().where(users.c.login == login)
                    .values(password_hash=generate_password_hash(password))).rowcount != 1:
        raise UserError(f"unknown login {login!r}")


def remove_user(conn: sa.Connection, login: str) -> None:
    if conn.execute(users.delete().where(users.c.login == login)).rowcount != 1:
        raise UserError(f"unknown login {login!r}")


def list_users(conn: sa.Connection, partner_id: str | None = None) -> list[User]:
    select = sa.select(users).order_by(users.c.partner_id, users.c.login)
    if partner_id is not None:
        select = select.where(users.c.partner_id == partner_id)
    return [_user(row) for row in conn.execute(select)]

"""Changes to the tables of databases made by an earlier version, applied by `db init`.

`metadata.create_all` makes missing tables in their current shape but leaves existing ones as
they are; a step here brings an existing table to the current shape, keeping every value. Steps
run in order, each once per database: its name is recorded in `schema_meta` (key
`migration:<name>`) in the transaction that applied it. Each step also checks the database
itself before changing anything (a new database already has the current shape), so running one
again is harmless.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from data_access.schema import schema_meta, users


def read_meta(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(schema_meta.c.value).where(schema_meta.c.key == key)).scalar()


def write_meta(conn: sa.Connection, key: str, value: str) -> None:
    if read_meta(conn, key) is None:
        conn.execute(schema_meta.insert().values(key=key, value=value))
    else:
        conn.execute(sa.update(schema_meta).where(schema_meta.c.key == key).values(value=value))


def _has_column(conn: sa.Connection, table: str, column: str) -> bool:
    return conn.execute(sa.text(
        "SELECT count(*) FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = :table AND column_name = :column"),
        {"table": table, "column": column}).scalar() > 0


def users_language(conn: sa.Connection) -> None:
    """The users' chosen language (NULL: not chosen yet, the browser's preference decides)."""
    if not _has_column(conn, users.name, "language"):
        width = users.c.language.type.length
        conn.exec_driver_sql(f"ALTER TABLE {users.name} ADD COLUMN language VARCHAR({width})")


# (unique name, step), applied in this order; a name, once released, never changes.
MIGRATIONS: tuple[tuple[str, Callable[[sa.Connection], None]], ...] = (
    ("users-language", users_language),
)


def apply(conn: sa.Connection) -> list[str]:
    """Apply the steps this database has not had, in order; returns their names."""
    applied = []
    for name, step in MIGRATIONS:
        key = f"migration:{name}"
        if read_meta(conn, key) is None:
            step(conn)
            write_meta(conn, key, datetime.now(UTC).isoformat(timespec="seconds"))
            applied.append(name)
    return applied

"""Changes to tables that already exist, for databases made by an older version.

`MIGRATIONS` are (unique name, idempotent step) in order; `apply` runs each one not yet recorded
in `schema_meta` (under `migration:<name>`) and records it. New tables need no step:
`metadata.create_all` makes them.
"""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from data_access.schema import schema_meta


def _users_session_generation(conn: sa.Connection) -> None:
    # Without NOT NULL: DuckDB cannot add a NOT NULL column with IF NOT EXISTS. The default
    # fills the existing rows, and every write gives a value.
    conn.execute(sa.text(
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS session_generation INTEGER DEFAULT 0"))


MIGRATIONS: tuple[tuple[str, Callable[[sa.Connection], None]], ...] = (
    ("users_session_generation", _users_session_generation),
)


def apply(conn: sa.Connection) -> list[str]:
    """Run the steps this database has not had yet; the names of those run."""
    done = set(conn.execute(sa.select(schema_meta.c.key)
                            .where(schema_meta.c.key.like("migration:%"))).scalars())
    applied = []
    for name, step in MIGRATIONS:
        if f"migration:{name}" not in done:
            step(conn)
            conn.execute(schema_meta.insert().values(key=f"migration:{name}", value="done"))
            applied.append(name)
    return applied

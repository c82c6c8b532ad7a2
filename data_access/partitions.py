"""PostgreSQL keeps the records in one partition per month (declarative partitioning by range of
`day`): a time range reads only its months' tables and indexes, a month's index stays small
however many years are stored, and an old month can be dropped or moved as one table.

A partition is made when the first record of its month is written, in the writer's transaction
(so a failed import leaves none behind). DuckDB has no partitions and needs none: it skips the
row groups outside a time range by their minimum and maximum day.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from data_access.schema import expenditures

# Two imports bringing the same new month wait for each other here rather than both making it.
_LOCK_KEY = 0x65787020  # "exp "


def month_name(month: date) -> str:
    return f"{expenditures.name}_{month:%Y_%m}"


def is_partitioned(conn: sa.Connection) -> bool:
    """Whether this database's records are partitioned (a PostgreSQL database made before the
    partitions keeps its single table until `db init` converts it: data_access.migrations)."""
    if conn.dialect.name != "postgresql":
        return False
    return conn.execute(sa.text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:table)"),
                        {"table": expenditures.name}).scalar() == "p"


def stored_months(conn: sa.Connection) -> set[str]:
    return set(conn.execute(sa.text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass(:table)"), {"table": expenditures.name}).scalars())


def ensure_months(conn: sa.Connection, days: Iterable[date]) -> None:
    """Make the partitions the months of `days` lack."""
    if not is_partitioned(conn):
        return
    months = {month_name(month): month for month in {date(day.year, day.month, 1) for day in days}}
    if months.keys() <= stored_months(conn):
        return
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    stored = stored_months(conn)  # as another import may have left them, once it let go
    for name, month in sorted(months.items()):
        if name in stored:
            continue
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        # The name and the bounds are made here from dates, never from input text.
        conn.exec_driver_sql(f'CREATE TABLE "{name}" PARTITION OF "{expenditures.name}"'
                             f" FOR VALUES FROM ('{month}') TO ('{following}')")

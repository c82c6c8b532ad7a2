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

from data_access import partitions, rollups
from data_access.schema import MONEY, ROLLUP_MONEY, expenditure_ids, expenditures, schema_meta, users


def read_meta(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(schema_meta.c.value).where(schema_meta.c.key == key)).scalar()


def write_meta(conn: sa.Connection, key: str, value: str) -> None:
    if read_meta(conn, key) is None:
        conn.execute(schema_meta.insert().values(key=key, value=value))
    else:
        conn.execute(sa.update(schema_meta).where(schema_meta.c.key == key).values(value=value))


def _numeric_type(conn: sa.Connection, table: str, column: str) -> tuple[int, int]:
    """(precision, scale) of a NUMERIC column of the connection's schema."""
    return tuple(conn.execute(sa.text(
        "SELECT numeric_precision, numeric_scale FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = :table AND column_name = :column"),
        {"table": table, "column": column}).one())


def money_at_eight_decimals(conn: sa.Connection) -> None:
    """Amounts and cash coupons from NUMERIC(18, 2), two decimals, to eight: the records' to
    MONEY, NUMERIC(18, 8), the rollups' to ROLLUP_MONEY, NUMERIC(38, 8). Every value keeps its
    exact value; a record's above 9,999,999,999.99, which MONEY cannot hold (the old type held
    16 digits before the point), stops the step with table, column and value instead."""
    tables = [(expenditures, MONEY), *((rollup.table, ROLLUP_MONEY) for rollup in rollups.ROLLUPS)]
    for table, money in tables:
        limit = 10 ** (money.precision - money.scale)
        for column in ("amount", "cash_coupon"):
            if _numeric_type(conn, table.name, column) == (money.precision, money.scale):
                continue
            largest = conn.execute(sa.select(sa.func.max(sa.func.abs(table.c[column])))).scalar()
            if largest is not None and largest >= limit:
                raise RuntimeError(f"{table.name}.{column} holds {largest}, more than "
                                   f"NUMERIC({money.precision}, {money.scale}) can; nothing was changed")
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ALTER COLUMN {column} "
                                 f"TYPE NUMERIC({money.precision}, {money.scale})")


def users_session_generation(conn: sa.Connection) -> None:
    # Without NOT NULL: DuckDB cannot add a NOT NULL column with IF NOT EXISTS. The default
    # fills the existing rows, and every write gives a value.
    conn.execute(sa.text(
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS session_generation INTEGER DEFAULT 0"))


def users_language(conn: sa.Connection) -> None:
    """The users' chosen language (NULL: not chosen yet, the browser's preference decides)."""
    width = users.c.language.type.length
    conn.execute(sa.text(f"ALTER TABLE users ADD COLUMN IF NOT EXISTS language VARCHAR({width})"))


def export_tasks_error_message(conn: sa.Connection) -> None:
    """Why an export failed as a Message, beside its English (NULL for the older failures:
    their English is looked up in the catalog as it is)."""
    conn.execute(sa.text("ALTER TABLE export_tasks ADD COLUMN IF NOT EXISTS error_message TEXT"))


def record_ids(conn: sa.Connection) -> None:
    """The ids of the records stored, in expenditure_ids, which now decides whether an id is new."""
    conn.execute(expenditure_ids.insert().from_select(
        ["partner_id", "record_id"], sa.select(expenditures.c.partner_id, expenditures.c.record_id)
        .where(~sa.exists().where(expenditure_ids.c.partner_id == expenditures.c.partner_id,
                                  expenditure_ids.c.record_id == expenditures.c.record_id))))


def expenditures_by_month(conn: sa.Connection) -> None:
    """PostgreSQL: the records from their single table into one partition per month (copied
    in day order, then the single table dropped). DuckDB has no partitions."""
    if conn.dialect.name != "postgresql" or partitions.is_partitioned(conn):
        return
    single = f"{expenditures.name}_single"
    conn.exec_driver_sql(f'ALTER TABLE "{expenditures.name}" RENAME TO "{single}"')
    for index in expenditures.indexes:  # their names are the partitioned table's
        conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
    expenditures.create(conn)
    partitions.ensure_months(conn, conn.execute(sa.text(
        f'SELECT DISTINCT CAST(date_trunc(\'month\', day) AS date) FROM "{single}"')).scalars())
    columns = ", ".join(f'"{column.name}"' for column in expenditures.columns)
    conn.exec_driver_sql(f'INSERT INTO "{expenditures.name}" ({columns}) SELECT {columns} FROM "{single}"'
                         " ORDER BY day, record_id")
    conn.exec_driver_sql(f'DROP TABLE "{single}"')


# (unique name, step), applied in this order; a name, once released, never changes.
MIGRATIONS: tuple[tuple[str, Callable[[sa.Connection], None]], ...] = (
    ("money-8-decimals", money_at_eight_decimals),
    ("users-session-generation", users_session_generation),
    ("users-language", users_language),
    ("export-tasks-error-message", export_tasks_error_message),
    ("record-ids", record_ids),
    ("expenditures-by-month", expenditures_by_month),
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

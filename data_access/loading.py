"""Writing data: the one path by which partners, managers, customers, assignments and spend
enter the database. Callers own the transaction (one per imported file); every function here
is idempotent on the data's natural keys.

Spend is attributed as it is inserted, and re-attributed when assignments change, both through
`data_access.attribution`, so the rule has a single definition; the daily rollups of the days
written are rebuilt in the same transaction (`data_access.rollups`).
"""
from __future__ import annotations

import io
import uuid

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as upsert

from data_access import attribution, partitions, rollups
from data_access.db import is_duckdb
from data_access.schema import MONEY, assignments, customers, expenditure_ids, expenditures, managers, partners

EXPENDITURE_COLUMNS = ("record_id", "customer_id", "day", "service_type", "billing_mode",
                       "bill_type", "region", "resource_id", "amount", "cash_coupon")

EXPENDITURE_ARROW_SCHEMA = pa.schema([
    ("record_id", pa.string()), ("customer_id", pa.string()), ("day", pa.date32()),
    ("service_type", pa.string()), ("billing_mode", pa.string()), ("bill_type", pa.string()),
    ("region", pa.string()), ("resource_id", pa.string()),
    ("amount", pa.decimal128(MONEY.precision, MONEY.scale)),
    ("cash_coupon", pa.decimal128(MONEY.precision, MONEY.scale)),
])


def ensure_partner(conn: sa.Connection, partner_id: str, name: str | None = None, **settings) -> bool:
    """Create the partner if new (returns True then); an existing one is left as it is."""
    exists = conn.execute(sa.select(partners.c.partner_id)
                          .where(partners.c.partner_id == partner_id)).first()
    if exists:
        return False
    conn.execute(partners.insert().values(partner_id=partner_id, name=name or partner_id, **settings))
    return True


def bump_data_version(conn: sa.Connection, partner_id: str) -> None:
    """Cached answers for the partner are keyed on this version: a write makes them stale."""
    conn.execute(sa.update(partners).where(partners.c.partner_id == partner_id)
                 .values(data_version=partners.c.data_version + 1))


UPSERT_ROWS = 1_000  # rows per statement: PostgreSQL takes at most 65,535 parameters


def _upsert(conn, table, partner_id: str, rows: list[dict], keys: tuple[str, ...]) -> None:
    if not rows:
        return
    bump_data_version(conn, partner_id)
    for start in range(0, len(rows), UPSERT_ROWS):
        chunk = rows[start:start + UPSERT_ROWS]
        statement = upsert(table).values([{"partner_id": partner_id, **row} for row in chunk])
        updated = {column: statement.excluded[column] for column in chunk[0] if column not in keys}
        conflict = ("partner_id", *keys)
        conn.execute(statement.on_conflict_do_update(index_elements=conflict, set_=updated)
                     if updated else statement.on_conflict_do_nothing(index_elements=conflict))


def upsert_managers(conn: sa.Connection, partner_id: str, rows: list[dict]) -> None:
    """rows: {manager_id, name}."""
    _upsert(conn, managers, partner_id, rows, ("manager_id",))


def upsert_customers(conn: sa.Connection, partner_id: str, rows: list[dict]) -> None:
    """rows: {customer_id, customer_name, account_name, association_type}."""
    _upsert(conn, customers, partner_id, rows, ("customer_id",))


def upsert_assignments(conn: sa.Connection, partner_id: str, rows: list[dict]) -> int:
    """rows: {customer_id, manager_id (None: unassigned), start_day}. Re-attributes the spend
    of the customers concerned, backdated assignments included; returns the records moved."""
    _upsert(conn, assignments, partner_id, rows, ("customer_id", "start_day"))
    concerned = sorted({row["customer_id"] for row in rows})
    # Many customers: re-apply the rule to the whole partner (a list would exceed PostgreSQL's
    # parameter limit; the rule is the same, unchanged rows are not touched).
    return attribution.refresh(conn, partner_id, concerned if len(concerned) <= UPSERT_ROWS else None)


def insert_expenditures(conn: sa.Connection, partner_id: str, table: pa.Table) -> int:
    """Insert records (an Arrow table of EXPENDITURE_ARROW_SCHEMA, each id once), attributed on
    the way in. Records whose id is already stored are left alone. Returns the number inserted."""
    table = table.select(list(EXPENDITURE_COLUMNS)).cast(EXPENDITURE_ARROW_SCHEMA)
    staging = f"staging_{uuid.uuid4().hex}"
    staged = sa.Table(staging, sa.MetaData(), *(sa.Column(column.name, column.type)
                      for column in expenditures.columns if column.name in EXPENDITURE_COLUMNS),
                      prefixes=["TEMPORARY"])
    staged.create(conn)
    try:
        _bulk_copy(conn, staging, table)
        partitions.ensure_months(conn, table.column("day").unique().to_pylist())
        inserted = _insert_new(conn, partner_id, staged)
        if inserted:  # a file imported again changes nothing, not even the cache keys
            bump_data_version(conn, partner_id)
            rollups.rebuild(conn, partner_id, conn.execute(sa.select(staged.c.day).distinct()).scalars())
        return inserted
    finally:
        staged.drop(conn)


def _insert_new(conn: sa.Connection, partner_id: str, staged: sa.Table) -> int:
    """Store the staged records whose id is new: the id in expenditure_ids, the record, with its
    account manager, in expenditures. -> the number stored."""
    ids = sa.select(sa.literal(partner_id).label("partner_id"), staged.c.record_id)
    if is_duckdb(conn.engine):  # one writer at a time: the ids stored are the ids to skip
        conn.execute(sa.delete(staged).where(sa.exists().where(
            expenditure_ids.c.partner_id == partner_id, expenditure_ids.c.record_id == staged.c.record_id)))
        conn.execute(expenditure_ids.insert().from_select(["partner_id", "record_id"], ids))
        new = None
    else:  # the key decides, each id looked up in its index, as concurrent imports wait on it
        new = (upsert(expenditure_ids).from_select(["partner_id", "record_id"], ids)
               .on_conflict_do_nothing().returning(expenditure_ids.c.record_id).cte("new"))
    period = attribution.periods(partner_id)
    records = staged if new is None else staged.join(new, new.c.record_id == staged.c.record_id)
    source = (sa.select(sa.literal(partner_id).label("partner_id"),
                        *(staged.c[name] for name in EXPENDITURE_COLUMNS), period.c.manager_id)
              .select_from(records.outerjoin(period, sa.and_(
                  period.c.customer_id == staged.c.customer_id, attribution.covers(period, staged.c.day))))
              # Stored in day order: a time range then reads few of DuckDB's row groups.
              .order_by(staged.c.day, staged.c.record_id))
    statement = expenditures.insert().from_select(["partner_id", *EXPENDITURE_COLUMNS, "manager_id"], source)
    if new is not None:
        statement = statement.add_cte(new)
    return conn.execute(statement, execution_options={"preserve_rowcount": True}).rowcount


def _bulk_copy(conn: sa.Connection, table_name: str, table: pa.Table) -> None:
    """The engines' own bulk paths: DuckDB reads Arrow directly, PostgreSQL takes COPY."""
    raw = conn.connection.driver_connection
    if is_duckdb(conn.engine):
        view = f"{table_name}_arrow"
        raw.register(view, table)
        try:
            raw.execute(f'INSERT INTO "{table_name}" SELECT * FROM "{view}"')
        finally:
            raw.unregister(view)
        return
    columns = ", ".join(EXPENDITURE_COLUMNS)
    with raw.cursor() as cursor, cursor.copy(
            f'COPY "{table_name}" ({columns}) FROM STDIN WITH (FORMAT csv)') as copy:
        # No header: a table of several batches would otherwise repeat it as a data line.
        options = pa_csv.WriteOptions(include_header=False)
        for batch in table.to_batches(max_chunksize=200_000):
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, write_options=options)
            copy.write(buffer.getvalue())

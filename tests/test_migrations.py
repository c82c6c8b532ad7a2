"""`db init` on a database made by an earlier version: its tables are brought to the current
shape, every value kept (data_access.migrations), on both engines."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from data_access import loading, migrations, partitions, rollups
from data_access.db import init_db, make_engine
from data_access.schema import SCHEMA_VERSION, expenditure_ids, expenditures, metadata, partners, schema_meta
from tests.conftest import _create_schema, _drop_schema
from tests.helpers.builders import expenditure_table
from tests.helpers.database import POSTGRES_URL

MONEY_TABLES = [expenditures.name, *(rollup.table.name for rollup in rollups.ROLLUPS)]
OLD_AMOUNTS = [Decimal("12345678.91"), Decimal("-0.05"), Decimal("9999999999.99"), Decimal("0.10")]


@pytest.fixture(params=["duckdb", "postgresql"])
def blank_engine(request, tmp_path):
    """An engine on a database (PostgreSQL: a schema) with no tables at all."""
    if request.param == "duckdb":
        engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
        yield engine
        engine.dispose()
        return
    schema = _create_schema()
    engine = make_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    _drop_schema(schema)


def create_old_database(engine, amounts: list[Decimal]) -> None:
    """The tables as schema version 2 made them, money NUMERIC(18, 2), holding `amounts`: the
    records in one table keyed by partner and record id, no expenditure_ids."""
    old = sa.MetaData()
    for table in metadata.sorted_tables:
        if table is expenditure_ids:
            continue
        copy = table.to_metadata(old)
        copy.indexes.clear()  # copies lose their engine conditions; init_db makes the missing ones
        if table is expenditures:  # a copy: not partitioned
            copy.append_constraint(sa.PrimaryKeyConstraint("partner_id", "record_id"))
        if table.name in MONEY_TABLES:
            copy.c.amount.type = copy.c.cash_coupon.type = sa.Numeric(18, 2)
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(partners.insert().values(partner_id="P1", name="P1"))
        conn.execute(old.tables["expenditures"].insert(), [
            {"partner_id": "P1", "record_id": f"r{index}", "customer_id": "c1",
             "day": date(2025, 1, 1 + index % 2), "service_type": "Elastic IP",
             "billing_mode": "Pay-per-use", "bill_type": "Expenditure", "region": "cn-north-4",
             "resource_id": "eip-1", "amount": amount, "cash_coupon": Decimal("0.01") if amount > 0 else 0}
            for index, amount in enumerate(amounts)])
        rollups.rebuild(conn, "P1")
        conn.execute(schema_meta.insert(), [{"key": "schema_version", "value": "2"},
                                            {"key": "rollups", "value": rollups.SIGNATURE}])


def money_types(engine) -> set[tuple[str, str, tuple[int, int]]]:
    with engine.connect() as conn:
        return {(table, column, migrations._numeric_type(conn, table, column))
                for table in MONEY_TABLES for column in ("amount", "cash_coupon")}


def money_values(engine) -> list[tuple]:
    with engine.connect() as conn:
        records = conn.execute(sa.select(expenditures.c.record_id, expenditures.c.amount,
                                         expenditures.c.cash_coupon).order_by("record_id")).all()
        daily = rollups.ROLLUPS[0].table
        sums = conn.execute(sa.select(sa.func.sum(daily.c.amount), sa.func.sum(daily.c.cash_coupon))).one()
    return [tuple(record) for record in records] + [tuple(sums)]


def test_init_db_moves_two_decimal_money_to_eight_keeping_every_value(blank_engine):
    create_old_database(blank_engine, OLD_AMOUNTS)
    before = money_values(blank_engine)
    assert {types for _, _, types in money_types(blank_engine)} == {(18, 2)}

    init_db(blank_engine)

    assert money_types(blank_engine) == {
        (table, column, (18, 8) if table == expenditures.name else (38, 8))
        for table in MONEY_TABLES for column in ("amount", "cash_coupon")}
    after = money_values(blank_engine)
    assert after == before
    assert after[0][1:] == (Decimal("12345678.91"), Decimal("0.01"))  # read back exactly
    with blank_engine.begin() as conn:
        assert migrations.read_meta(conn, "migration:money-8-decimals") is not None
        assert migrations.read_meta(conn, "schema_version") == str(SCHEMA_VERSION)
        # eight decimals now fit, in the records and through the rollups
        conn.execute(sa.update(expenditures).where(expenditures.c.record_id == "r1")
                     .values(amount=Decimal("-0.83822466")))
        rollups.rebuild(conn, "P1")
    assert money_values(blank_engine)[1][1] == Decimal("-0.83822466")

    init_db(blank_engine)  # once applied, never again; and harmless
    assert money_values(blank_engine)[1][1] == Decimal("-0.83822466")


def test_a_value_the_new_type_cannot_hold_stops_the_migration_and_changes_nothing(blank_engine):
    create_old_database(blank_engine, [Decimal("1.00"), Decimal("10000000000.00")])
    before = money_values(blank_engine)
    with pytest.raises(RuntimeError, match=r"expenditures.amount holds 10000000000.00, more than "
                                           r"NUMERIC\(18, 8\) can; nothing was changed"):
        init_db(blank_engine)
    assert {types for _, _, types in money_types(blank_engine)} == {(18, 2)}
    assert money_values(blank_engine) == before
    with blank_engine.connect() as conn:
        assert migrations.read_meta(conn, "migration:money-8-decimals") is None


def test_a_new_database_records_every_step_and_each_runs_once(blank_engine, monkeypatch):
    init_db(blank_engine)
    with blank_engine.connect() as conn:
        for name, _ in migrations.MIGRATIONS:
            assert migrations.read_meta(conn, f"migration:{name}") is not None
    ran = []
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, ("later", ran.append)))
    init_db(blank_engine)
    init_db(blank_engine)
    assert len(ran) == 1
    assert len({name for name, _ in migrations.MIGRATIONS}) == len(migrations.MIGRATIONS)


def test_init_db_moves_the_records_into_months_and_their_ids_into_expenditure_ids(blank_engine):
    create_old_database(blank_engine, OLD_AMOUNTS)
    before = money_values(blank_engine)

    init_db(blank_engine)

    assert money_values(blank_engine) == before
    with blank_engine.connect() as conn:
        assert sorted(conn.execute(sa.select(expenditure_ids)).all()) == [
            ("P1", f"r{index}") for index in range(len(OLD_AMOUNTS))]
        assert partitions.is_partitioned(conn) == (blank_engine.dialect.name == "postgresql")
        if partitions.is_partitioned(conn):
            assert partitions.stored_months(conn) == {"expenditures_2025_01"}
    with blank_engine.begin() as conn:  # a stored id, on another day: left alone
        record = {"record_id": "r0", "customer_id": "c1", "day": "2025-03-01", "amount": "1.00"}
        assert loading.insert_expenditures(conn, "P1", expenditure_table([record])) == 0
    assert money_values(blank_engine) == before

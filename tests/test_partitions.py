"""A record id is stored once per partner whatever its day (expenditure_ids decides, on both
engines), and PostgreSQL keeps the records in one partition per month, made by the write that
brings a month's first record (data_access.partitions)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from data_access import loading, partitions
from data_access.schema import expenditure_ids, expenditures
from tests.helpers.builders import expenditure_table, load
from tests.helpers.database import empty


def record(number: int, day: str, amount: str, customer: str = "c1") -> dict:
    return {"record_id": f"r{number}", "customer_id": customer, "day": day, "amount": amount}


def stored(engine, partner_id="P1") -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            sa.select(expenditures.c.record_id, expenditures.c.day, expenditures.c.amount)
            .where(expenditures.c.partner_id == partner_id).order_by(expenditures.c.record_id))]


def insert(engine, records, partner_id="P1") -> int:
    with engine.begin() as conn:
        return loading.insert_expenditures(conn, partner_id, expenditure_table(records))


def test_an_id_already_stored_on_another_day_is_left_alone(engine):
    load(engine, customers=[("c1", "acme")])
    load(engine, "P2", customers=[("c1", "other")])
    assert insert(engine, [record(1, "2025-01-31", "10.00")]) == 1

    # the same id on the next day, in the next month: still the record stored, not a second one
    assert insert(engine, [record(1, "2025-02-01", "99.00"), record(2, "2025-02-01", "5.00")]) == 1
    assert insert(engine, [record(1, "2025-01-31", "10.00")]) == 0
    assert insert(engine, [record(1, "2025-03-01", "1.00")], "P2") == 1  # ids are the partner's own

    assert stored(engine) == [("r1", date(2025, 1, 31), Decimal("10.00000000")),
                              ("r2", date(2025, 2, 1), Decimal("5.00000000"))]
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.select(expenditure_ids)).all()) == [("P1", "r1"), ("P1", "r2"), ("P2", "r1")]


@pytest.fixture
def postgresql_engine(postgresql_database):
    return empty(postgresql_database)


def partition_of_each_record(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT record_id, CAST(tableoid::regclass AS text) FROM expenditures")).all())


def test_each_record_lands_in_the_partition_of_its_month(postgresql_engine):
    engine = postgresql_engine
    load(engine, customers=[("c1", "acme")])
    insert(engine, [record(1, "2024-02-29", "1.00"), record(2, "2024-03-01", "2.00"),
                    record(3, "2024-12-31", "3.00"), record(4, "2025-01-01", "4.00"),
                    record(5, "2024-02-01", "5.00")])

    assert partition_of_each_record(engine) == {
        "r1": "expenditures_2024_02", "r2": "expenditures_2024_03", "r3": "expenditures_2024_12",
        "r4": "expenditures_2025_01", "r5": "expenditures_2024_02"}
    with engine.connect() as conn:
        assert partitions.is_partitioned(conn)
        plan = "\n".join(conn.execute(sa.text(
            "EXPLAIN SELECT sum(amount) FROM expenditures WHERE partner_id = 'P1'"
            " AND day BETWEEN '2024-03-01' AND '2024-12-31'")).scalars())
    # a time range reads its months only
    assert "expenditures_2024_03" in plan and "expenditures_2024_12" in plan
    assert "expenditures_2024_02" not in plan and "expenditures_2025_01" not in plan


def test_a_write_that_fails_leaves_no_partition_behind(postgresql_engine):
    engine = postgresql_engine
    load(engine, customers=[("c1", "acme")])
    with pytest.raises(RuntimeError, match="the import failed later"):
        with engine.begin() as conn:
            loading.insert_expenditures(conn, "P1", expenditure_table([record(1, "2031-07-15", "1.00")]))
            assert "expenditures_2031_07" in partitions.stored_months(conn)
            raise RuntimeError("the import failed later")
    with engine.connect() as conn:
        assert "expenditures_2031_07" not in partitions.stored_months(conn)
    assert stored(engine) == []
    assert insert(engine, [record(1, "2031-07-15", "1.00")]) == 1  # and the id is free

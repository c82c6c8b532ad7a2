"""The rollups equal the aggregation of the records after every kind of write, on both
engines: imports (new, repeated and overlapping records), reassignments (backdated too),
unassignments, a partner's setting, and the upgrade of a database made before them. The
expected sums are computed here in Python from the records, not by the code under test."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from data_access import attribution, breakdowns, loading
from data_access.db import init_db
from data_access.query import Basis, ExpenditureQuery, Scope
from data_access.rollups import ROLLUPS
from data_access.schema import customers, expenditures, schema_meta
from tests.helpers.builders import expenditure_table, load

MANAGERS = [("m1", "Li Na"), ("m2", "Wang Wei")]
CUSTOMERS = [("c1", "acme"), ("c2", "globex", "Referral"), ("c3", "initech")]


def record(number, customer, day, amount, coupon="0", service="Elastic Cloud Server", mode="Pay-per-use"):
    return {"record_id": f"r{number}", "customer_id": customer, "day": day, "amount": amount,
            "cash_coupon": coupon, "service_type": service, "billing_mode": mode}


RECORDS = [
    record(1, "c1", "2025-01-01", "10.50", "1.00"),
    record(2, "c1", "2025-01-01", "4.25", service="Elastic IP"),
    record(3, "c1", "2025-01-02", "0"),  # a zero record: counted, not "nonzero"
    record(4, "c2", "2025-01-02", "-3.10", mode="Yearly/Monthly"),  # a refund
    record(5, "c2", "2025-01-05", "7.00", "7.00"),
    record(6, "c3", "2025-01-05", "2.00"),
    record(7, "c3", "2025-01-09", "0", "0"),
    record(8, "c1", "2025-01-09", "100.01", "0.01"),
    record(9, "c2", "2025-02-01", "8.00"),  # another month
]


def expected(conn, partner_id, dimensions, monthly) -> dict:
    sums = defaultdict(lambda: [Decimal("0"), Decimal("0"), 0, 0])
    for row in conn.execute(sa.select(expenditures).where(expenditures.c.partner_id == partner_id)):
        period = row.day.replace(day=1) if monthly else row.day
        cell = sums[(period, *(row._mapping[name] for name in dimensions))]
        cell[0] += row.amount
        cell[1] += row.cash_coupon
        cell[2] += 1
        cell[3] += 1 if row.amount or row.cash_coupon else 0
    return {key: tuple(value) for key, value in sums.items()}


def stored(conn, partner_id, table, dimensions) -> dict:
    rows = conn.execute(sa.select(table).where(table.c.partner_id == partner_id)).all()
    cells = {(row.day, *(row._mapping[name] for name in dimensions)):
             (row.amount, row.cash_coupon, row.records, row.nonzero_records) for row in rows}
    assert len(cells) == len(rows), "one row per day and combination"
    return cells


def assert_rollups_match(engine, partner_id="P1"):
    with engine.connect() as conn:
        for rollup in ROLLUPS:
            dimensions = sorted(rollup.dimensions)
            assert stored(conn, partner_id, rollup.table, dimensions) == \
                expected(conn, partner_id, dimensions, rollup.monthly), rollup.table.name


def test_rollups_follow_imports_reassignments_and_the_partner_setting(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS,
         assignments=[("c1", "m1", "2025-01-01"), ("c2", "m2", "2025-01-03")], records=RECORDS[:5])
    load(engine, "P2", managers=MANAGERS, customers=CUSTOMERS, records=[record(1, "c1", "2025-01-01", "5.00")])
    assert_rollups_match(engine)
    assert_rollups_match(engine, "P2")

    # more records, some already stored, on days already rolled up and new days
    load(engine, records=RECORDS)
    assert_rollups_match(engine)

    # a backdated reassignment, an unassignment, a new assignment
    with engine.begin() as conn:
        moved = loading.upsert_assignments(conn, "P1", [
            {"customer_id": "c1", "manager_id": "m2", "start_day": date(2025, 1, 2)},
            {"customer_id": "c2", "manager_id": None, "start_day": date(2025, 1, 4)},
            {"customer_id": "c3", "manager_id": "m1", "start_day": date(2025, 1, 1)},
        ])
    assert moved > 0
    assert_rollups_match(engine)

    with engine.begin() as conn:
        assert attribution.set_delay(conn, "P1", next_day=True) > 0
    assert_rollups_match(engine)
    assert_rollups_match(engine, "P2")


def test_a_database_made_before_the_rollups_gets_them_filled(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-01")],
         records=RECORDS)
    with engine.begin() as conn:  # as a database made before them: no rollups
        for rollup in ROLLUPS:
            conn.execute(sa.delete(rollup.table))
        conn.execute(sa.delete(schema_meta).where(schema_meta.c.key == "rollups"))
    init_db(engine)
    assert_rollups_match(engine)
    init_db(engine)  # and again: nothing changes
    assert_rollups_match(engine)


def test_importing_known_records_again_keeps_the_rollups_equal(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, records=RECORDS)
    with engine.begin() as conn:
        assert loading.insert_expenditures(conn, "P1", expenditure_table(RECORDS)) == 0
    assert_rollups_match(engine)


def test_answers_from_the_rollups_equal_sums_of_the_records(engine):
    """Whichever rollups a question is read from (daily, or whole months and the days around
    them), its groups are the sums of its records."""
    load(engine, managers=MANAGERS, customers=CUSTOMERS,
         assignments=[("c1", "m1", "2025-01-01"), ("c2", "m2", "2025-01-03"), ("c3", "m1", "2025-01-20")],
         records=[*RECORDS, record(10, "c3", "2025-01-31", "3.33"), record(11, "c1", "2025-02-28", "-1.00"),
                  record(12, "c3", "2025-03-01", "50.00", "5.00", mode="Savings plan")])
    with engine.connect() as conn:
        rows = conn.execute(sa.select(expenditures)).all()
        association = dict(conn.execute(sa.select(customers.c.customer_id, customers.c.association_type)).all())
    key_of = {
        Basis.SERVICE_TYPE: lambda row: row.service_type, Basis.BILLING_MODE: lambda row: row.billing_mode,
        Basis.ASSOCIATION_TYPE: lambda row: association[row.customer_id],
        Basis.ACCOUNT_MANAGER: lambda row: row.manager_id or "", Basis.CUSTOMER_ACCOUNT: lambda row: row.customer_id,
    }
    for first, last in (("2025-01-02", "2025-02-28"), ("2025-01-01", "2025-03-01"), ("2025-01-05", "2025-01-09"),
                        ("2025-01-31", "2025-03-31")):
        for basis in Basis:
            for manager in (None, "m1"):
                q = ExpenditureQuery(Scope("P1", manager), first, last, group_by=basis, top_n=50, hide_zero=False)
                sums = defaultdict(lambda: [Decimal("0"), Decimal("0")])
                for row in rows:
                    if first <= row.day.isoformat() <= last and manager in (None, row.manager_id):
                        sums[key_of[basis](row)][0] += row.amount
                        sums[key_of[basis](row)][1] += row.cash_coupon
                with engine.connect() as conn:
                    groups = breakdowns.breakdown(conn, q, with_series=False).groups
                    by_month = breakdowns.overview(conn, q.replace(granularity="month"))
                by_key = {g.key: [g.money.amount, g.money.cash_coupon] for g in groups}
                assert by_key == dict(sums), (first, last, basis)
                assert by_month.total.amount == sum(amount for amount, _ in sums.values())

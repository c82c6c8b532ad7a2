"""The attribution rule of SPEC.md, edge by edge, on both engines."""
from datetime import date

import sqlalchemy as sa

from data_access import attribution, loading
from data_access.schema import expenditures
from tests.helpers.builders import expenditure_table, load

MANAGERS = [("m1", "Li Na"), ("m2", "Wang Wei")]
CUSTOMERS = [("c1", "acme"), ("c2", "globex")]


def owners(engine, partner_id="P1") -> dict[str, str | None]:
    """record_id -> attributed manager id."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(expenditures.c.record_id, expenditures.c.manager_id)
                            .where(expenditures.c.partner_id == partner_id))
        return dict(rows.all())


def spend(*days, customer="c1"):
    return [{"record_id": f"{customer}-{day}", "customer_id": customer, "day": day, "amount": "1.00"}
            for day in days]


def test_same_day_spend_from_the_assignment_day_belongs_to_the_manager(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-05")],
         records=spend("2025-01-04", "2025-01-05", "2025-01-06"))
    assert owners(engine) == {"c1-2025-01-04": None, "c1-2025-01-05": "m1", "c1-2025-01-06": "m1"}


def test_next_day_setting_counts_from_the_day_after(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, attribution_delay_days=1,
         assignments=[("c1", "m1", "2025-01-05"), ("c1", "m2", "2025-01-10")],
         records=spend("2025-01-05", "2025-01-06", "2025-01-10", "2025-01-11"))
    assert owners(engine) == {"c1-2025-01-05": None, "c1-2025-01-06": "m1",
                              "c1-2025-01-10": "m1", "c1-2025-01-11": "m2"}


def test_switching_the_partner_setting_re_attributes_stored_spend(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-05")],
         records=spend("2025-01-05", "2025-01-06"))
    with engine.begin() as conn:
        assert attribution.set_delay(conn, "P1", next_day=True) == 1
    assert owners(engine) == {"c1-2025-01-05": None, "c1-2025-01-06": "m1"}
    with engine.begin() as conn:
        assert attribution.set_delay(conn, "P1", next_day=False) == 1
    assert owners(engine) == {"c1-2025-01-05": "m1", "c1-2025-01-06": "m1"}


def test_unassignment_makes_later_spend_unassigned_and_keeps_earlier_spend(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS,
         assignments=[("c1", "m1", "2025-01-01"), ("c1", None, "2025-01-10")],
         records=spend("2025-01-09", "2025-01-10", "2025-02-01"))
    assert owners(engine) == {"c1-2025-01-09": "m1", "c1-2025-01-10": None, "c1-2025-02-01": None}


def test_reassignment_never_moves_past_spend(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-01")],
         records=spend("2025-01-15", "2025-01-20", "2025-01-25"))
    with engine.begin() as conn:
        moved = loading.upsert_assignments(conn, "P1", [
            {"customer_id": "c1", "manager_id": "m2", "start_day": date(2025, 1, 20)}])
    assert moved == 2
    assert owners(engine) == {"c1-2025-01-15": "m1", "c1-2025-01-20": "m2", "c1-2025-01-25": "m2"}


def test_backdated_assignment_imported_after_the_spend_takes_it(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-03-01")],
         records=spend("2025-01-15", "2025-02-15", "2025-03-15"))
    assert owners(engine)["c1-2025-02-15"] is None
    load(engine, assignments=[("c1", "m2", "2025-02-01")])
    assert owners(engine) == {"c1-2025-01-15": None, "c1-2025-02-15": "m2", "c1-2025-03-15": "m1"}


def test_changing_the_manager_of_an_existing_start_day_moves_its_stretch_only(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS,
         assignments=[("c1", "m1", "2025-01-01"), ("c1", None, "2025-01-10")],
         records=spend("2025-01-05", "2025-01-12"))
    load(engine, assignments=[("c1", "m2", "2025-01-01")])
    assert owners(engine) == {"c1-2025-01-05": "m2", "c1-2025-01-12": None}


def test_customers_without_assignments_are_unassigned_and_independent(engine):
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-01")],
         records=spend("2025-01-05") + spend("2025-01-05", customer="c2"))
    assert owners(engine) == {"c1-2025-01-05": "m1", "c2-2025-01-05": None}


def test_partners_do_not_share_assignments_even_with_the_same_ids(engine):
    load(engine, "P1", managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-01")],
         records=spend("2025-01-05"))
    load(engine, "P2", managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m2", "2025-01-03")],
         records=spend("2025-01-05"))
    assert owners(engine, "P1") == {"c1-2025-01-05": "m1"}
    assert owners(engine, "P2") == {"c1-2025-01-05": "m2"}


def test_reloading_the_same_records_and_assignments_changes_nothing(engine):
    records = spend("2025-01-04", "2025-01-05")
    load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=[("c1", "m1", "2025-01-05")],
         records=records)
    before = owners(engine)
    with engine.begin() as conn:
        assert loading.insert_expenditures(conn, "P1", expenditure_table(records)) == 0
        assert loading.upsert_assignments(conn, "P1", [
            {"customer_id": "c1", "manager_id": "m1", "start_day": date(2025, 1, 5)}]) == 0
    assert owners(engine) == before

"""Demo data: deterministic from its seed, realistic in the ways the dashboard shows, loaded
through the one write path (so attributed by the rule), and the `demo load` command."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlalchemy as sa

from data_access import demo
from data_access.query import ASSOCIATION_TYPES, BILL_TYPES, BILLING_MODES
from data_access.schema import assignments, customers, expenditures, managers, partners
from data_access.users import authenticate
from tests.helpers.apps import cli_invoker, make_app

END = date(2025, 6, 30)


def records(data: demo.DemoData, chunk_rows: int = 1_000_000) -> pa.Table:
    """All the generated records, each tagged with its partner."""
    tables = [table.append_column("partner_id", pa.array([partner.plan.partner_id] * table.num_rows))
              .cast(table.schema.append(pa.field("partner_id", pa.string())))
              for partner in data.partners for table in data.expenditures(partner, chunk_rows)]
    return pa.concat_tables(tables).combine_chunks()


def plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded, so that tables compare by value."""
    return table.cast(pa.schema([pa.field(field.name, field.type.value_type
                                          if pa.types.is_dictionary(field.type) else field.type)
                                 for field in table.schema]))


@pytest.fixture(scope="module")
def sample() -> demo.DemoData:
    return demo.generate(customers=120, days=120, seed=7, end_day=END)


def test_same_seed_and_end_day_give_the_same_data_whatever_the_chunks(sample):
    again = demo.generate(customers=120, days=120, seed=7, end_day=END)
    for first, second in zip(sample.partners, again.partners, strict=True):
        assert (first.managers, first.customers, first.assignments) == \
            (second.managers, second.customers, second.assignments)
    assert plain(records(again, chunk_rows=1)).equals(plain(records(sample)))


def test_another_seed_gives_other_data(sample):
    other = demo.generate(customers=120, days=120, seed=8, end_day=END)
    assert [p.customers for p in other.partners] != [p.customers for p in sample.partners]
    assert [p.assignments for p in other.partners] != [p.assignments for p in sample.partners]
    assert not plain(records(other)).equals(plain(records(sample)))


def test_days_end_on_the_end_day(sample):
    table = records(sample)
    assert (sample.first_day, sample.last_day) == (date(2025, 3, 3), END)
    assert pc.min(table["day"]).as_py() == sample.first_day
    assert pc.max(table["day"]).as_py() == END


def test_the_data_has_what_the_dashboard_shows(sample):
    table = plain(records(sample))
    assert len(sample.partners) >= 2 and len({p.plan.name for p in sample.partners}) >= 2
    for partner in sample.partners:
        assert 8 <= len(partner.managers) <= 15
        assert len({row["name"] for row in partner.managers}) == len(partner.managers)
        assert len({row["customer_id"] for row in partner.customers}) == len(partner.customers)
        assert len({row["account_name"] for row in partner.customers}) == len(partner.customers)
    every_customer = [row for partner in sample.partners for row in partner.customers]
    assert {row["association_type"] for row in every_customer} == set(ASSOCIATION_TYPES)
    assert set(table["billing_mode"].to_pylist()) == set(BILLING_MODES)
    assert set(table["bill_type"].to_pylist()) == set(BILL_TYPES)
    assert len(set(table["service_type"].to_pylist())) >= 25
    assert len(set(table["region"].to_pylist())) >= 5
    assert pc.count_distinct(table["record_id"]).as_py() == table.num_rows

    amount, coupon, bill_type = (table[name].to_pylist() for name in ("amount", "cash_coupon", "bill_type"))
    assert all(a < 0 for a, kind in zip(amount, bill_type, strict=True) if kind == "Refund")
    assert all(Decimal(0) <= c <= a for a, c in zip(amount, coupon, strict=True) if a > 0)
    assert all(c == 0 for a, c in zip(amount, coupon, strict=True) if a <= 0)
    assert sum(1 for c in coupon if c > 0) > 0.02 * len(coupon)
    # The provider's precision: pay-per-use bills the seconds used to eight decimals, the
    # other modes whole cents; coupons keep to their record's precision.
    modes = table["billing_mode"].to_pylist()
    assert all(value == value.quantize(Decimal("1e-8")) for value in amount + coupon)
    assert all(value == value.quantize(Decimal("0.01"))
               for a, c, mode in zip(amount, coupon, modes, strict=True) if mode != "Pay-per-use" for value in (a, c))
    beyond_cents = [a != a.quantize(Decimal("0.01")) for a, mode in zip(amount, modes, strict=True)
                    if mode == "Pay-per-use"]
    assert sum(beyond_cents) > 0.9 * len(beyond_cents)

    # Skewed sizes: the biggest tenth of the customers spends far more than a tenth.
    spend = sorted((pc.sum(group).as_py() for group in _by_customer(table)), reverse=True)
    assert sum(spend[:len(spend) // 10]) > Decimal("0.3") * sum(spend)

    rows = [row for partner in sample.partners for row in partner.assignments]
    per_customer = {}
    for row in rows:
        per_customer.setdefault(row["customer_id"], []).append(row["manager_id"])
    assert any(len(set(names) - {None}) >= 2 for names in per_customer.values())  # reassigned
    assert any(None in names for names in per_customer.values())                 # unassigned later
    assert len(per_customer) < len(every_customer)                                # never assigned


def _by_customer(table: pa.Table):
    keys = pc.binary_join_element_wise(table["partner_id"], table["customer_id"], "/")
    for key in set(keys.to_pylist()):
        yield table["amount"].filter(pc.equal(keys, key))


def test_sizes_are_checked():
    with pytest.raises(ValueError):
        demo.generate(customers=1, days=10, end_day=END)
    with pytest.raises(ValueError):
        demo.generate(customers=10, days=0, end_day=END)


# --- loading ----------------------------------------------------------------------------------

def expected_owner(data: demo.DemoData, partner_id: str, customer_id: str, day: date) -> str | None:
    """The attribution rule of SPEC.md, computed here independently of data_access.attribution."""
    partner = next(p for p in data.partners if p.plan.partner_id == partner_id)
    started = [row for row in partner.assignments
               if row["customer_id"] == customer_id and row["start_day"] <= day]
    return max(started, key=lambda row: row["start_day"])["manager_id"] if started else None


def test_loading_stores_everything_attributed_by_the_rule(engine):
    data = demo.generate(customers=24, days=40, seed=3, end_day=END)
    generated = records(data)
    summary = demo.load(engine, data, chunk_rows=500)
    assert summary == demo.LoadSummary(
        partners=2, managers=sum(len(p.managers) for p in data.partners), customers=24,
        assignments=sum(len(p.assignments) for p in data.partners), records=generated.num_rows)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(expenditures)).mappings().all()
        assert conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar() == 24
        assert sorted(conn.execute(sa.select(partners.c.partner_id, partners.c.name)).all()) == [
            ("P1", "Aurora Cloud Partners"), ("P2", "Blue Harbor Solutions")]
    assert len(stored) == generated.num_rows
    assert sum(row["amount"] for row in stored) == pc.sum(generated["amount"]).as_py()
    assert sum(row["cash_coupon"] for row in stored) == pc.sum(generated["cash_coupon"]).as_py()
    owners = [row["manager_id"] for row in stored]
    assert None in owners and any(owners)  # some unassigned spend, some attributed
    for row in stored:
        assert row["manager_id"] == expected_owner(data, row["partner_id"], row["customer_id"], row["day"])


def test_loading_again_adds_nothing(engine):
    data = demo.generate(customers=6, days=20, seed=5, end_day=END)
    first = demo.load(engine, data)
    assert first.records > 0
    assert demo.load(engine, data).records == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar() == first.records
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar() == \
            first.assignments
        assert conn.execute(sa.select(sa.func.count()).select_from(managers)).scalar() == first.managers


# --- the command ------------------------------------------------------------------------------

@pytest.fixture
def cli(engine, tmp_path):
    return cli_invoker(make_app(engine, tmp_path))


SIGN_IN_TABLE = """Demo sign-ins:
  login     password        partner  role
  admin@p1  demo-admin-1    P1       admin
  admin@p2  demo-admin-2    P2       admin
  am@p1     demo-manager-1  P1       account_manager
"""


def test_demo_load_command_loads_up_to_today_and_prints_the_sign_ins(cli, engine):
    code, output = cli("demo", "load", "--customers", "12", "--days", "15", "--seed", "2")
    assert code == 0, output
    first_line, table = output.split("\n", 1)
    assert first_line.startswith("Demo data ") and "2 partners" in first_line
    assert table == SIGN_IN_TABLE
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.max(expenditures.c.day))).scalar() == date.today()
        admin = authenticate(conn, "admin@p2", "demo-admin-2")
        manager = authenticate(conn, "am@p1", "demo-manager-1")
        first_manager = conn.execute(sa.select(managers.c.manager_id).where(managers.c.partner_id == "P1")
                                     .order_by(managers.c.manager_id)).scalars().first()
    assert (admin.partner_id, admin.role, admin.manager_id) == ("P2", "admin", None)
    assert (manager.partner_id, manager.role, manager.manager_id) == ("P1", "account_manager", first_manager)


def test_demo_load_if_empty_does_nothing_when_data_exists(cli, engine):
    assert cli("demo", "load", "--customers", "4", "--days", "5")[0] == 0
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar()
    code, output = cli("demo", "load", "--customers", "4", "--days", "5", "--seed", "9", "--if-empty")
    assert code == 0
    assert output == "Expenditure data exists already: demo data not loaded.\n" + SIGN_IN_TABLE
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(expenditures)).scalar() == count


def test_demo_load_refuses_bad_sizes(cli, engine):
    code, output = cli("demo", "load", "--customers", "1")
    assert code != 0 and "--customers" in output
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(partners)).scalar() == 0

"""Properties over random small datasets of amounts at the provider's eight decimals: every
grouping reconciles exactly with the total, and DuckDB and PostgreSQL give identical answers."""
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access import breakdowns, details
from data_access.query import BILLING_MODES, Basis, ExpenditureQuery, Scope
from tests.helpers.builders import load
from tests.helpers.database import empty

START = date(2025, 1, 1)
MANAGERS = [("m1", "Li Na"), ("m2", "Wang Wei"), ("m3", "Zhang Min")]
CUSTOMERS = [("c1", "acme"), ("c2", "globex", "Referral"), ("c3", "initech"), ("c4", "umbrella", "Referral")]

# -500 to 50,000 in steps of 10^-8, mostly with all eight decimals; some whole cents.
amounts = st.one_of(st.integers(min_value=-50_000_000_000, max_value=5_000_000_000_000),
                    st.integers(min_value=-50_000, max_value=5_000_000).map(lambda n: n * 1_000_000)
                    ).map(lambda units: str(Decimal(units).scaleb(-8)))
records = st.lists(st.fixed_dictionaries({
    "customer_id": st.sampled_from([c[0] for c in CUSTOMERS]),
    "day": st.integers(0, 89).map(lambda n: START + timedelta(days=n)),
    "service_type": st.sampled_from(["Elastic Cloud Server", "Elastic IP", "Object Storage Service"]),
    "billing_mode": st.sampled_from(BILLING_MODES),
    "amount": amounts,
    "cash_coupon": st.sampled_from(["0", "0", "1.00", "0.01", "0.00000001", "0.83822466"]),
}), max_size=40)
assignments = st.lists(st.tuples(st.sampled_from([c[0] for c in CUSTOMERS]),
                                 st.sampled_from(["m1", "m2", "m3", None]),
                                 st.integers(-10, 95).map(lambda n: (START + timedelta(days=n)).isoformat())),
                       max_size=8, unique_by=lambda a: (a[0], a[2]))
questions = st.fixed_dictionaries({
    "group_by": st.sampled_from(list(Basis)),
    "granularity": st.sampled_from(["day", "month"]),
    "top_n": st.integers(1, 5),
    "sort_by": st.sampled_from(["amount", "amount_paid", "cash_coupon", "name"]),
    "descending": st.booleans(),
    "hide_zero": st.booleans(),
    "search": st.sampled_from(["", "a", "li", "zzz"]),
})


def answers(engine, question, manager=None):
    q = ExpenditureQuery(Scope("P1", manager), START, START + timedelta(days=89), **question)
    with engine.connect() as conn:
        return breakdowns.overview(conn, q), breakdowns.breakdown(conn, q), details.detail_page(conn, q, 0, 1000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=records, assignments=assignments, question=questions, delay=st.sampled_from([0, 1]))
def test_groupings_reconcile_and_engines_agree(duckdb_database, postgresql_database,
                                               records, assignments, question, delay):
    results = []
    for engine in (duckdb_database, postgresql_database):
        empty(engine)
        load(engine, managers=MANAGERS, customers=CUSTOMERS, assignments=assignments,
             attribution_delay_days=delay,
             records=[{**r, "record_id": f"r{i}"} for i, r in enumerate(records)])
        overview, breakdown, page = answers(engine, question)
        assert breakdown.total == overview.total
        assert sum(g.money.amount for g in breakdown.groups) == overview.total.amount
        assert sum(g.money.cash_coupon for g in breakdown.groups) == overview.total.cash_coupon
        assert breakdown.series == overview.series
        assert sum(row["amount"] for row in page.rows) == overview.total.amount
        assert len(breakdown.groups) <= question["top_n"] + 1
        # the account managers' own scopes and the Unassigned spend partition the total
        scoped = [answers(engine, question, manager)[0].total.amount for manager in ("m1", "m2", "m3")]
        unassigned = answers(engine, {**question, "include": {"account_manager": [""]}})[0]
        assert sum(scoped) + unassigned.total.amount == overview.total.amount
        results.append((overview, breakdown, page))
    assert results[0] == results[1]

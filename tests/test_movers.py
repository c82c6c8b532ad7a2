"""Movers on both engines: statuses, the manager of the range's last day, an account-manager
sign-in (only its spend, in both periods), and the same answer from daily and monthly facts."""
from datetime import date
from decimal import Decimal

import pytest

from data_access.movers import Status, movers, scorecard
from data_access.periods import Compare
from data_access.query import ExpenditureQuery, Scope
from tests.helpers.builders import load


def record(n, customer, day, amount, coupon="0", **columns):
    return {"record_id": f"r{n}", "customer_id": customer, "day": day, "amount": amount,
            "cash_coupon": coupon, **columns}


@pytest.fixture
def data(engine):
    load(engine, managers=[("m1", "Li Na"), ("m2", "Wang Wei")],
         customers=[("c1", "alpha"), ("c2", "bravo"), ("c3", "charlie"), ("c4", "delta"),
                    ("c5", "echo"), ("c6", "foxtrot")],
         # c1 moves from Li Na to Wang Wei on 2025-04-10, in the middle of the range.
         assignments=[("c1", "m1", "2025-01-01"), ("c1", "m2", "2025-04-10"),
                      ("c2", "m1", "2025-01-01"), ("c3", "m2", "2025-01-01"), ("c4", "m2", "2025-01-01")],
         records=[
             record(1, "c1", "2025-03-05", "100.00", "10.00"),
             record(2, "c1", "2025-04-02", "40.00"),     # Li Na's
             record(3, "c1", "2025-04-20", "90.00"),     # Wang Wei's
             record(4, "c2", "2025-03-31", "50.00"),     # lost
             record(5, "c3", "2025-04-30", "75.50", "0.50"),  # new
             record(6, "c4", "2025-03-10", "20.00"), record(7, "c4", "2025-04-10", "20.00"),  # steady
             record(8, "c5", "2025-03-15", "30.00"), record(9, "c5", "2025-04-15", "12.00",
                                                            service_type="Elastic IP"),  # shrinking
             record(10, "c6", "2025-04-01", "0.00", "3.00"),  # coupons only: no Amount, not a mover
         ])
    return engine


P1 = Scope("P1")


def answer(engine, scope=P1, start="2025-04-01", end="2025-04-30", **options):
    with engine.connect() as conn:
        return movers(conn, ExpenditureQuery(scope, start, end, **options))


def rows(result):
    return [(m.account_name, m.status, m.current.amount, m.previous.amount, m.change, m.account_manager)
            for m in result.movers]


D = Decimal


def test_statuses_order_and_the_manager_of_the_last_day(data):
    result = answer(data)
    assert (result.compare_start, result.compare_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert rows(result) == [
        ("charlie", Status.NEW, D("75.50"), D("0.00"), D("75.50"), "Wang Wei"),
        ("bravo", Status.LOST, D("0.00"), D("50.00"), D("-50.00"), "Li Na"),
        ("alpha", Status.GROWING, D("130.00"), D("100.00"), D("30.00"), "Wang Wei"),
        ("echo", Status.SHRINKING, D("12.00"), D("30.00"), D("-18.00"), "Unassigned"),
        ("delta", Status.STEADY, D("20.00"), D("20.00"), D("0.00"), "Wang Wei"),
    ]
    assert result.counts == {Status.NEW: 1, Status.LOST: 1, Status.GROWING: 1, Status.SHRINKING: 1,
                             Status.STEADY: 1}
    assert [m.account_name for m in result.of(Status.LOST)] == ["bravo"]
    assert result.movers[2].previous.cash_coupon == D("10.00")


def test_the_manager_shown_is_the_one_of_the_ranges_last_day(data):
    # On 2025-04-09 alpha still belongs to Li Na.
    result = answer(data, start="2025-04-01", end="2025-04-09")
    assert [(m.account_name, m.account_manager) for m in result.movers] == [("alpha", "Li Na")]


def test_an_account_manager_sees_only_its_own_spend_in_both_periods(data):
    # Li Na: alpha's March (100.00) and April until the 9th (40.00); bravo's March.
    li_na = answer(data, scope=Scope("P1", "m1"))
    assert rows(li_na) == [
        # alpha is Wang Wei's on 04-30; Li Na is not told whose (no other manager's name).
        ("alpha", Status.SHRINKING, D("40.00"), D("100.00"), D("-60.00"), "Another account manager"),
        ("bravo", Status.LOST, D("0.00"), D("50.00"), D("-50.00"), "Li Na"),
    ]
    # Wang Wei: alpha is new to him (90.00 from the 10th), charlie new, delta steady.
    wang_wei = answer(data, scope=Scope("P1", "m2"))
    assert rows(wang_wei) == [
        ("alpha", Status.NEW, D("90.00"), D("0.00"), D("90.00"), "Wang Wei"),
        ("charlie", Status.NEW, D("75.50"), D("0.00"), D("75.50"), "Wang Wei"),
        ("delta", Status.STEADY, D("20.00"), D("20.00"), D("0.00"), "Wang Wei"),
    ]


def test_search_and_filters_apply_to_both_periods(data):
    assert [m.account_name for m in answer(data, search="li na").movers] == ["alpha", "bravo"]  # -60, -50
    # Only Elastic Cloud Server: echo's April spend is an Elastic IP, so echo is lost.
    ecs = answer(data, include={"service_type": ["Elastic Cloud Server"]})
    assert [(m.account_name, m.status) for m in ecs.movers if m.account_name == "echo"] == [
        ("echo", Status.LOST)]


def test_a_year_comparison_and_a_range_cutting_months_read_the_same_sums(data):
    # 2025-03-05..2025-04-20 (days, not whole months) against the 47 days before it.
    result = answer(data, start="2025-03-05", end="2025-04-20")
    assert (result.compare_start, result.compare_end) == (date(2025, 1, 17), date(2025, 3, 4))
    assert {m.account_name: m.status for m in result.movers} == {
        "alpha": Status.NEW, "bravo": Status.NEW, "delta": Status.NEW, "echo": Status.NEW}
    assert answer(data, compare=Compare.YEAR).compare_start == date(2024, 4, 1)


def test_the_scorecard_counts_each_managers_own_spend(data):
    with data.connect() as conn:
        card = scorecard(conn, ExpenditureQuery(P1, "2025-04-01", "2025-04-30", group_by="account_manager"))
    assert (card.compare_start, card.compare_end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert [(line.account_manager, line.customers, line.new, line.lost, line.current.amount,
             line.previous.amount, line.change, line.change_percent) for line in card.managers] == [
        # alpha is new to Wang Wei from the 10th; charlie new; delta steady.
        ("Wang Wei", 3, 2, 0, D("185.50"), D("20.00"), D("165.50"), D("827.50")),
        # alpha's April until the 9th against its March; bravo lost.
        ("Li Na", 1, 0, 1, D("40.00"), D("150.00"), D("-110.00"), D("-73.33")),
        ("Unassigned", 1, 0, 0, D("12.00"), D("30.00"), D("-18.00"), D("-60.00")),
    ]
    # An account manager's sign-in sees its own line only.
    with data.connect() as conn:
        own = scorecard(conn, ExpenditureQuery(Scope("P1", "m1"), "2025-04-01", "2025-04-30"))
    assert [line.account_manager for line in own.managers] == ["Li Na"]
    assert own.managers[0].change == D("-110.00")

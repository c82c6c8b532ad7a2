"""Answers of data_access (breakdowns, details, options) on a hand-made dataset, on both engines."""
from datetime import date
from decimal import Decimal

import pytest

from data_access.breakdowns import breakdown, overview
from data_access.details import count_rows, detail_page, detail_rows
from data_access.money import money_text
from data_access.options import dimension_values, freshness, search_suggestions
from data_access.query import OTHERS_KEY, ExpenditureQuery, Scope
from tests.helpers.builders import load

P1 = Scope("P1")


@pytest.fixture
def dataset(engine):
    """c1 (acme, Reseller) with Li Na from 2025-01-10; c2 (globex, Referral) never assigned;
    c3 (50%_off, Reseller) with Wang Wei. One refund, one zero record, coupons."""
    load(engine, managers=[("m1", "Li Na"), ("m2", "Wang Wei")],
         customers=[("c1", "acme"), ("c2", "globex", "Referral"), ("c3", "50%_off")],
         assignments=[("c1", "m1", "2025-01-10"), ("c3", "m2", "2025-01-01")],
         records=[
             {"record_id": "r1", "customer_id": "c1", "day": "2025-01-05", "amount": "100.00", "cash_coupon": "10.00"},
             {"record_id": "r2", "customer_id": "c1", "day": "2025-01-10", "amount": "200.50",
              "service_type": "Elastic IP", "billing_mode": "Yearly/Monthly"},
             {"record_id": "r3", "customer_id": "c1", "day": "2025-02-01", "amount": "-20.25", "bill_type": "Refund"},
             {"record_id": "r4", "customer_id": "c2", "day": "2025-01-10", "amount": "0.10",
              "service_type": "Object Storage Service"},
             {"record_id": "r5", "customer_id": "c2", "day": "2025-02-15", "amount": "0.00",
              "service_type": "Virtual Private Cloud"},
             {"record_id": "r6", "customer_id": "c3", "day": "2025-02-20", "amount": "33.33", "cash_coupon": "3.33"},
         ])
    load(engine, "P2", managers=[("m1", "Other Partner's Manager")], customers=[("c1", "acme")],
         records=[{"record_id": "r1", "customer_id": "c1", "day": "2025-01-05", "amount": "999.99"}])
    return engine


def ask(engine, function, scope=P1, **params):
    q = ExpenditureQuery(scope, **{"start": "2025-01-01", "end": "2025-02-28", **params})
    with engine.connect() as conn:
        return function(conn, q)


def amounts(breakdown):
    return {group.label: money_text(group.money.amount) for group in breakdown.groups}


def test_overview_totals_are_exact_and_partner_scoped(dataset):
    result = ask(dataset, overview)
    assert (result.total.amount, result.total.cash_coupon, result.total.amount_paid) == (
        Decimal("313.68"), Decimal("13.33"), Decimal("300.35"))


def test_series_has_every_period_of_the_range_with_zeros(dataset):
    daily = ask(dataset, overview, end="2025-01-31")
    assert len(daily.series) == 31 and daily.series[0].period == date(2025, 1, 1)
    assert daily.series[4].money.amount == Decimal("100.00") and daily.series[5].money.amount == 0
    monthly = ask(dataset, overview, granularity="month")
    assert [(p.period, money_text(p.money.amount)) for p in monthly.series] == [
        (date(2025, 1, 1), "300.60"), (date(2025, 2, 1), "13.08")]


@pytest.mark.parametrize("basis, expected", [
    ("account_manager", {"Li Na": "180.25", "Unassigned": "100.10", "Wang Wei": "33.33"}),
    ("customer_account", {"acme": "280.25", "globex": "0.10", "50%_off": "33.33"}),
    ("association_type", {"Reseller": "313.58", "Referral": "0.10"}),
    ("service_type", {"Elastic Cloud Server": "113.08", "Elastic IP": "200.50",
                      "Object Storage Service": "0.10"}),
    ("billing_mode", {"Pay-per-use": "113.18", "Yearly/Monthly": "200.50"}),
])
def test_each_basis_groups_as_attributed_and_sums_to_the_total(dataset, basis, expected):
    result = ask(dataset, breakdown, group_by=basis)
    assert amounts(result) == expected
    assert sum(g.money.amount for g in result.groups) == result.total.amount == Decimal("313.68")
    assert sum(g.money.cash_coupon for g in result.groups) == result.total.cash_coupon


def test_group_series_sum_to_the_total_series(dataset):
    result = ask(dataset, breakdown, group_by="customer_account", top_n=1)
    for index, point in enumerate(result.series):
        assert point.money == sum((g.series[index].money for g in result.groups), type(point.money)())


def test_top_n_keeps_the_largest_and_sums_the_rest_into_others(dataset):
    result = ask(dataset, breakdown, group_by="account_manager", top_n=1)
    assert [(g.key, g.label, money_text(g.money.amount)) for g in result.groups] == [
        ("m1", "Li Na", "180.25"), (OTHERS_KEY, "Others", "133.43")]
    assert [str(g.share) for g in result.groups] == ["0.5746", "0.4254"]


def test_sorting_orders_groups_and_others_stays_last(dataset):
    by_name = ask(dataset, breakdown, group_by="account_manager", sort_by="name", descending=False)
    assert [g.label for g in by_name.groups] == ["Li Na", "Unassigned", "Wang Wei"]
    ascending = ask(dataset, breakdown, group_by="account_manager", descending=False, top_n=2)
    assert [g.label for g in ascending.groups] == ["Unassigned", "Li Na", "Others"]
    by_coupons = ask(dataset, breakdown, group_by="customer_account", sort_by="cash_coupon")
    assert [g.label for g in by_coupons.groups] == ["acme", "50%_off", "globex"]


def test_hide_zero_drops_zero_records_and_showing_them_brings_their_group(dataset):
    assert "Virtual Private Cloud" not in amounts(ask(dataset, breakdown))
    assert amounts(ask(dataset, breakdown, hide_zero=False))["Virtual Private Cloud"] == "0.00"


def test_search_matches_manager_names_and_account_names_literally(dataset):
    assert amounts(ask(dataset, breakdown, search="li na", group_by="customer_account")) == {"acme": "180.25"}
    assert amounts(ask(dataset, breakdown, search="GLOB", group_by="customer_account")) == {"globex": "0.10"}
    # % and _ are letters here, not wildcards: "50%_" matches only the account that has them
    assert amounts(ask(dataset, breakdown, search="50%_", group_by="customer_account")) == {"50%_off": "33.33"}
    assert amounts(ask(dataset, breakdown, search="_", group_by="customer_account")) == {"50%_off": "33.33"}


def test_include_and_exclude_filters_by_key(dataset):
    only_unassigned = ask(dataset, breakdown, group_by="customer_account", include={"account_manager": [""]})
    assert amounts(only_unassigned) == {"acme": "100.00", "globex": "0.10"}
    without = ask(dataset, breakdown, group_by="account_manager",
                  exclude={"service_type": ["Elastic IP"], "customer_account": ["c3"]})
    assert amounts(without) == {"Li Na": "-20.25", "Unassigned": "100.10"}


def test_a_manager_scope_sees_only_its_attributed_spend(dataset):
    scoped = ask(dataset, breakdown, scope=Scope("P1", "m1"), group_by="customer_account")
    assert amounts(scoped) == {"acme": "180.25"}
    filtered = ask(dataset, overview, include={"account_manager": ["m1"]})
    assert ask(dataset, overview, scope=Scope("P1", "m1")) == filtered


def test_detail_pages_are_sorted_complete_and_disjoint(dataset):
    q = ExpenditureQuery(P1, "2025-01-01", "2025-02-28", sort_by="amount_paid", descending=True)
    with dataset.connect() as conn:
        first, second = detail_page(conn, q, 0, 3), detail_page(conn, q, 3, 3)
        by_day = detail_page(conn, q, 0, 10, sort=("day", False))
    assert first.total_rows == 5
    assert [r["record_id"] for r in first.rows + second.rows] == ["r2", "r1", "r6", "r4", "r3"]
    assert first.rows[1]["amount_paid"] == Decimal("90.00") and first.rows[1]["account_manager"] == "Unassigned"
    assert [r["day"] for r in by_day.rows] == sorted(r["day"] for r in by_day.rows)
    with dataset.connect() as conn, pytest.raises(ValueError, match="cannot sort by 'password'"):
        detail_page(conn, q, 0, 10, sort=("password", True))


def test_selected_record_ids_only_narrow_the_query(dataset):
    q = ExpenditureQuery(Scope("P1", "m1"), "2025-01-01", "2025-02-28")
    with dataset.connect() as conn:
        rows = list(detail_rows(conn, q, record_ids=["r1", "r2", "r4", "r6", "nope"]))
        assert count_rows(conn, q, ["r1", "r2"]) == 1
    assert [r["record_id"] for r in rows] == ["r2"]  # r1 is before Li Na, r4/r6 not hers


def test_freshness_values_and_suggestions_respect_the_scope(dataset):
    with dataset.connect() as conn:
        assert freshness(conn, P1) == date(2025, 2, 20)
        assert freshness(conn, Scope("P1", "m1")) == date(2025, 2, 1)
        assert dimension_values(conn, P1, "account_manager") == [
            ("m1", "Li Na"), ("", "Unassigned"), ("m2", "Wang Wei")]
        assert search_suggestions(conn, P1, "a") == ["acme", "Li Na", "Wang Wei"]
        assert search_suggestions(conn, P1, "O") == ["50%_off", "globex"]
        assert search_suggestions(conn, Scope("P1", "m1"), "a") == ["acme", "Li Na"]
        assert search_suggestions(conn, Scope("P2"), "manager") == ["Other Partner's Manager"]

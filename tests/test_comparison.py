"""Answers with a comparison period (data_access.comparison), on both engines: the same numbers
as the comparison period asked on its own, read in as many statements as without it."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from data_access import breakdowns, comparison, group_rows
from data_access.money import Money
from data_access.query import OTHERS_KEY, ExpenditureQuery, Scope
from tests.helpers.builders import load

P1 = Scope("P1")


def record(number, customer, day, amount, coupon="0", service="Elastic Cloud Server"):
    return {"record_id": f"r{number}", "customer_id": customer, "day": day, "amount": amount,
            "cash_coupon": coupon, "service_type": service}


@pytest.fixture
def dataset(engine):
    """Three customers over 2023-2025, with spend on month ends and on 29 February 2024."""
    load(engine, managers=[("m1", "Li Na"), ("m2", "Wang Wei")],
         customers=[("c1", "acme"), ("c2", "globex", "Referral"), ("c3", "initech")],
         assignments=[("c1", "m1", "2023-01-01"), ("c2", "m2", "2023-01-01"), ("c1", "m2", "2025-02-01")],
         records=[
             record(1, "c1", "2023-02-28", "7.00"),
             record(2, "c1", "2024-02-28", "11.00", "1.00"),
             record(3, "c2", "2024-02-29", "13.13", service="Elastic IP"),
             record(4, "c1", "2024-03-01", "17.00"),
             record(5, "c1", "2025-01-31", "100.00", "10.00"),
             record(6, "c2", "2025-01-15", "50.00", service="Elastic IP"),
             record(7, "c3", "2025-01-20", "25.00", service="Object Storage Service"),
             record(8, "c1", "2025-02-01", "80.00"),
             record(9, "c2", "2025-02-28", "-5.00", service="Elastic IP"),
             record(10, "c1", "2025-03-01", "3.00"),
         ])
    return engine


def ask(engine, function, **params):
    with engine.connect() as conn:
        return function(conn, ExpenditureQuery(P1, **params))


def statements(engine, function, **params) -> int:
    """How many statements `function` executes for the query."""
    executed = []
    listen = lambda *args: executed.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        ask(engine, function, **params)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return len(executed)


@pytest.mark.parametrize("params", [
    dict(start="2025-02-01", end="2025-02-28", compare="previous"),
    dict(start="2025-02-01", end="2025-02-28", compare="year", granularity="month"),
    dict(start="2025-02-14", end="2025-03-03", compare="previous", group_by="account_manager"),
    dict(start="2024-03-01", end="2025-03-31", compare="year", granularity="month", group_by="customer_account"),
    dict(start="2025-01-15", end="2025-03-31", compare="previous", granularity="month", search="acme"),
    dict(start="2025-01-01", end="2025-02-28", compare="year", include={"service_type": ["Elastic IP"]}),
])
def test_the_comparison_is_the_comparison_period_asked_on_its_own(dataset, params):
    query = ExpenditureQuery(P1, **params)
    with dataset.connect() as conn:
        alone = breakdowns.breakdown(conn, query.comparison())
        answer = comparison.breakdown(conn, query)
        compared = answer.comparison
        assert (compared.start, compared.end) == (query.comparison().start, query.comparison().end)
        assert compared.total == alone.total and compared.series == alone.series
        assert comparison.overview(conn, query).comparison == dataclass_without_groups(compared)
        current = breakdowns.breakdown(conn, query.replace(compare="none"))
    # the range's own answer is untouched by the comparison, groups of either period by key
    assert (answer.total, answer.series) == (current.total, current.series)
    alone_by_key = {group.key: group.money for group in alone.groups}
    shown = [group.key for group in answer.groups if group.key != OTHERS_KEY]
    for key in shown:
        if key in alone_by_key:
            assert compared.previous(key) == alone_by_key[key]
    assert sum((compared.previous(group.key) for group in answer.groups), Money()) == compared.total


def dataclass_without_groups(compared):
    return comparison.Comparison(compared.start, compared.end, compared.total, compared.series)


@pytest.mark.parametrize("params", [
    dict(start="2025-02-01", end="2025-02-28", group_by="account_manager"),
    dict(start="2025-01-15", end="2025-03-31", granularity="month", group_by="customer_account"),
])
def test_comparing_reads_in_as_many_statements_as_not_comparing(dataset, params):
    assert statements(dataset, comparison.overview, compare="previous", **params) == 1
    assert (statements(dataset, comparison.breakdown, compare="previous", **params)
            == statements(dataset, breakdowns.breakdown, **params))


def test_29_february_and_month_ends_a_year_back(dataset):
    # February 2025 ends on the 28th; a year back February ends on the 29th, and that day counts
    compared = ask(dataset, comparison.overview, start="2025-02-01", end="2025-02-28", compare="year").comparison
    assert (compared.start, compared.end, compared.total.amount) == (date(2024, 2, 1), date(2024, 2, 29),
                                                                     Decimal("24.13"))
    assert len(compared.series) == 29
    last_day = ask(dataset, comparison.overview, start="2025-02-28", end="2025-02-28", compare="year")
    assert (last_day.comparison.start, last_day.comparison.total.amount) == (date(2024, 2, 29), Decimal("13.13"))
    # and 29 February 2024 a year back is 28 February 2023
    leap = ask(dataset, comparison.overview, start="2024-02-29", end="2024-02-29", compare="year")
    assert (leap.comparison.start, leap.comparison.total.amount) == (date(2023, 2, 28), Decimal("7.00"))


def test_a_range_longer_than_a_year_overlaps_its_year_before(dataset):
    # 2024-02-01..2025-02-28 against 2023-02-01..2024-02-29: 2024-02 is in both
    answer = ask(dataset, comparison.overview, start="2024-02-01", end="2025-02-28", compare="year",
                 granularity="month")
    assert answer.total.amount == Decimal("24.13") + Decimal("17.00") + Decimal("250.00")
    assert answer.comparison.total.amount == Decimal("7.00") + Decimal("24.13")


def test_groups_of_either_period_are_matched_by_key(dataset):
    answer = ask(dataset, comparison.breakdown, start="2025-02-01", end="2025-02-28", compare="previous",
                 group_by="customer_account")
    rows = {group.label: (group.money.amount, answer.comparison.previous(group.key).amount,
                          answer.comparison.change(group.money, group.key).percent) for group in answer.groups}
    assert rows == {"acme": (Decimal("80.00"), Decimal("100.00"), Decimal("-20.00")),
                    "globex": (Decimal("-5.00"), Decimal("50.00"), Decimal("-110.00")),
                    "initech": (Decimal("0.00"), Decimal("25.00"), Decimal("-100.00"))}


@pytest.mark.parametrize("current, previous, percent", [
    ("8.01", "8.00", "0.13"),  # 0.125 rounds half up
    ("1.00", "3.00", "-66.67"),
    ("-1.00", "2.00", "-150.00"),
    ("5.00", "0.00", None),
    ("0.00", "0.00", None),
])
def test_change_percent_is_rounded_half_up_and_none_of_zero(current, previous, percent):
    change = comparison.change(Money(Decimal(current), Decimal("1.00")), Money(Decimal(previous)))
    assert change.amount == Decimal(current) - Decimal(previous)
    assert change.amount_paid == Decimal(current) - Decimal("1.00") - Decimal(previous)
    assert change.percent == (None if percent is None else Decimal(percent))


@pytest.mark.parametrize("sort_by, descending, order", [
    ("change", True, ["acme", "initech", "globex"]),          # -20.00, -25.00, -55.00
    ("change", False, ["globex", "initech", "acme"]),
    ("change_percent", True, ["acme", "initech", "globex"]),  # -20.00 %, -100.00 %, -110.00 %
    ("amount", True, ["acme", "initech", "globex"]),           # 80.00, 0.00, -5.00
])
def test_groups_sort_by_their_change(dataset, sort_by, descending, order):
    answer = ask(dataset, comparison.breakdown, start="2025-02-01", end="2025-02-28", compare="previous",
                 group_by="customer_account", sort_by=sort_by, descending=descending)
    assert [group.label for group in answer.groups] == order


def test_sorting_by_change_without_a_comparison_is_by_amount(dataset):
    answer = ask(dataset, comparison.breakdown, start="2025-01-01", end="2025-01-31",
                 group_by="customer_account", sort_by="change")
    assert [group.label for group in answer.groups] == ["acme", "globex", "initech"]


def test_the_group_rows_exports_write_carry_the_comparison(dataset):
    compared = ask(dataset, comparison.breakdown, start="2025-02-01", end="2025-02-28", compare="previous",
                   group_by="customer_account", top_n=1)
    assert [column.key for column in group_rows.group_columns(compared)][-5:] == [
        "previous_amount", "previous_amount_paid", "change", "change_amount_paid", "change_percent"]
    rows = group_rows.group_rows(compared)
    assert [(row["label"], row["amount"], row["previous_amount"], row["change"], row["change_percent"])
            for row in rows] == [
        ("acme", Decimal("80.00"), Decimal("100.00"), Decimal("-20.00"), Decimal("-20.00")),
        ("Others", Decimal("-5.00"), Decimal("75.00"), Decimal("-80.00"), Decimal("-106.67")),
        ("Total", Decimal("75.00"), Decimal("175.00"), Decimal("-100.00"), Decimal("-57.14"))]
    assert rows[0]["previous_amount_paid"] == Decimal("90.00") and rows[0]["change_amount_paid"] == Decimal("-10.00")
    plain = ask(dataset, comparison.breakdown, start="2025-02-01", end="2025-02-28", group_by="customer_account")
    assert group_rows.group_columns(plain) == group_rows.GROUP_COLUMNS
    assert "change" not in group_rows.group_rows(plain)[0]

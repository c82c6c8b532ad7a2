"""The month-end forecast (data_access.forecast): its properties on random histories, a case
worked out by hand on both engines, and the command line."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access import forecast
from data_access.query import ExpenditureQuery, Scope
from tests.helpers import cli_invoker, make_app
from tests.helpers.builders import load

P1 = Scope("P1")

eights = st.integers(min_value=0, max_value=10 ** 12).map(lambda n: Decimal(n).scaleb(-8))


@given(st.lists(eights, min_size=1, max_size=70), st.dates(date(2024, 1, 1), date(2026, 12, 31)))
def test_a_non_negative_history_lands_between_its_actual_and_its_range(values, up_to):
    first = up_to - timedelta(days=len(values) - 1)
    history = forecast.daily({first + timedelta(days=n): value for n, value in enumerate(values)}, first, up_to)
    landing = forecast.landing(history, up_to)
    assert landing.actual <= landing.low <= landing.forecast <= landing.high
    assert all(isinstance(value, Decimal) and value == value.quantize(forecast.PLACES)
               for value in dataclass_values(landing))
    month_to_date = [value for n, value in enumerate(values) if (first + timedelta(days=n)).month == up_to.month
                     and (first + timedelta(days=n)).year == up_to.year]
    assert landing.actual == sum(month_to_date, Decimal(0))


def dataclass_values(landing):
    return landing.actual, landing.forecast, landing.low, landing.high


@pytest.mark.parametrize("up_to", [date(2025, 2, 28), date(2024, 2, 29), date(2025, 12, 31)])
def test_on_the_months_last_day_the_forecast_is_the_actual(up_to):
    history = forecast.daily({up_to - timedelta(days=n): Decimal(n) for n in range(40)}, up_to - timedelta(39), up_to)
    landing = forecast.landing(history, up_to)
    assert landing.actual == landing.low == landing.forecast == landing.high == sum(
        (Decimal(n) for n in range(up_to.day)), Decimal(0))


def test_29_february_counts_among_the_remaining_days():
    assert forecast.remaining_days(date(2024, 2, 27)) == [date(2024, 2, 28), date(2024, 2, 29)]
    assert forecast.remaining_days(date(2025, 2, 27)) == [date(2025, 2, 28)]


@pytest.fixture
def dataset(engine):
    """acme (Li Na) spends 10.00 a day from 1 January; globex (Wang Wei) 5.00 a day, 1.00 of it
    in coupons, from 1 March; data up to 10 March 2025."""
    day = lambda n: (date(2025, 1, 1) + timedelta(days=n)).isoformat()  # noqa: E731
    records = [{"record_id": f"a{n}", "customer_id": "c1", "day": day(n), "amount": "10.00"} for n in range(69)]
    records += [{"record_id": f"g{n}", "customer_id": "c2", "day": day(n), "amount": "5.00", "cash_coupon": "1.00"}
                for n in range(59, 69)]
    load(engine, managers=[("m1", "Li Na"), ("m2", "Wang Wei")], customers=[("c1", "acme"), ("c2", "globex")],
         assignments=[("c1", "m1", "2024-01-01"), ("c2", "m2", "2024-01-01")], records=records)
    return engine


def test_the_month_forecast_by_hand(dataset):
    with dataset.connect() as conn:
        result = forecast.month_forecast(conn, ExpenditureQuery(P1, "2025-03-01", "2025-03-10",
                                                                group_by="account_manager", top_n=1))
    assert (result.month, result.data_up_to) == (date(2025, 3, 1), date(2025, 3, 10))
    # the last 30 days (9 February - 10 March): 300.00 + 50.00 (paid 300.00 + 40.00); 21 days remain
    assert (result.total.amount.actual, result.total.amount.forecast) == (Decimal("150.00"), Decimal("395.00"))
    assert (result.total.amount_paid.actual, result.total.amount_paid.forecast) == (Decimal("140.00"),
                                                                                    Decimal("378.00"))
    assert result.total.amount.high - result.total.amount.forecast == (
        result.total.amount.forecast - result.total.amount.low) > 0
    li_na, others = result.groups
    assert (li_na.label, li_na.amount) == ("Li Na", forecast.Landing(*(Decimal(v) for v in (
        "100.00", "310.00", "310.00", "310.00"))))  # a steady 10.00 a day: no range
    assert (others.label, others.amount.actual, others.amount.forecast) == ("Others", Decimal("50.00"),
                                                                           Decimal("85.00"))
    assert (others.amount_paid.actual, others.amount_paid.forecast) == (Decimal("40.00"), Decimal("68.00"))
    assert len(result.days) == 21 and result.days[0].day == date(2025, 3, 11)
    assert sum((day.amount for day in result.days), Decimal(0)) == Decimal("245.00")


def test_stats_forecast_on_the_command_line(dataset, tmp_path):
    run = cli_invoker(make_app(dataset, tmp_path))
    code, output = run("stats", "forecast", "--partner", "P1", "--group-by", "account_manager", "--format", "json")
    assert code == 0, output
    document = json.loads(output)
    assert {key: document[key] for key in ("partner", "month", "data_up_to", "group_by")} == {
        "partner": "P1", "month": "2025-03", "data_up_to": "2025-03-10", "group_by": "account_manager"}
    assert document["total"]["amount"]["forecast"] == "395.00"
    assert [(g["label"], g["amount"]["actual"], g["amount"]["forecast"], g["amount_paid"]["forecast"])
            for g in document["groups"]] == [("Li Na", "100.00", "310.00", "310.00"),
                                             ("Wang Wei", "50.00", "85.00", "68.00")]
    code, output = run("stats", "forecast", "--partner", "P1", "--from", "2025-03-01")
    assert code != 0 and "forecast takes no --from or --to" in output

"""Money and periods as the screen shows them: exact, from Decimal."""
from datetime import date
from decimal import Decimal

import pytest

from dashboard.format import amount_text, money_text, share_text
from data_access.money import share
from data_access.query import Granularity


@pytest.mark.parametrize("value, text", [
    ("1234567.89", "CNY 1,234,567.89"),
    ("0", "CNY 0.00"),
    ("-0.00", "CNY 0.00"),
    ("-1234.5", "CNY -1,234.50"),
    ("999.995", "CNY 1,000.00"),   # half up, as the database rounds
    ("12345678901234567.01", "CNY 12,345,678,901,234,567.01"),  # beyond float's exact range
    ("0.1", "CNY 0.10"),
])
def test_money_text(value, text):
    assert money_text(Decimal(value), "CNY") == text


def test_amounts_are_exact_where_float_is_not():
    # 0.1 + 0.2 in float is 0.30000000000000004; summed in Decimal and shown, it is 0.30.
    assert amount_text(Decimal("0.1") + Decimal("0.2")) == "0.30"
    assert amount_text(Decimal("9007199254740993.00")) == "9,007,199,254,740,993.00"


@pytest.mark.parametrize("part, whole, text", [
    ("41.2", "100", "41.20%"), ("1", "3", "33.33%"), ("2", "3", "66.67%"), ("5", "0", "0.00%"),
    ("100", "100", "100.00%"),
])
def test_share(part, whole, text):
    assert share_text(share(Decimal(part), Decimal(whole))) == text


def test_periods_are_written_like_the_command_line():
    assert Granularity.DAY.period_text(date(2025, 3, 7)) == "2025-03-07"
    assert Granularity.MONTH.period_text(date(2025, 3, 1)) == "2025-03"

"""Money and periods as the screen shows them: exact, from Decimal."""
from datetime import date
from decimal import Decimal

import pytest

from dashboard.format import amount_text, exact_money_text, money_text, rounded_parts_add_up, share_text
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


@pytest.mark.parametrize("value, text", [
    ("0.125", "0.13"), ("0.124999999", "0.12"), ("0.12500000", "0.13"),
    ("-0.125", "-0.13"),  # half up is away from zero, as Decimal's ROUND_HALF_UP
    ("-0.12499999", "-0.12"), ("0.005", "0.01"), ("0.00499999", "0.00"),
    ("-0.00499999", "0.00"),  # nor "-0.00"
    ("1234.83822466", "1,234.84"), ("9999999999.99500000", "10,000,000,000.00"),
    ("2.675", "2.68"),  # in float 2.675 is 2.67499999999999982236431605997495353221893310546875
])
def test_eight_decimals_round_half_up_to_the_cent(value, text):
    assert amount_text(Decimal(value)) == text


@pytest.mark.parametrize("value, text", [
    ("1234.83822466", "CNY 1,234.83822466"), ("0.10000000", "CNY 0.10"), ("-0.00000001", "CNY -0.00000001"),
    ("1234567", "CNY 1,234,567.00"), ("-0E-8", "CNY 0.00"),
])
def test_the_exact_value_for_hover(value, text):
    assert exact_money_text(Decimal(value), "CNY") == text


def test_rounded_parts_may_not_add_up_to_the_rounded_whole():
    thirds = [Decimal("0.33333333")] * 3
    assert not rounded_parts_add_up(thirds, sum(thirds))  # 0.33 * 3 = 0.99, the whole 1.00 rounded
    assert rounded_parts_add_up([Decimal("0.125"), Decimal("0.124")], Decimal("0.249"))  # 0.13 + 0.12 = 0.25
    assert rounded_parts_add_up([], Decimal("0.004"))


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

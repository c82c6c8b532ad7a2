"""Exact money: Decimal from the database to the screen and the spreadsheet, never float.

Amounts carry up to eight decimals, as the provider bills them; every sum, share and file is
made from the exact values, and only the screen rounds (dashboard.format)."""
from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DECIMALS = 8  # the provider's precision; data_access.schema.MONEY keeps as many
SHARE = Decimal("0.0001")


def to_decimal(value) -> Decimal:
    """NUMERIC sums arrive as Decimal; NULL sums of nothing arrive as None."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # a driver handing us a float would be a bug to surface
        raise TypeError("money must not pass through float")
    return Decimal(value)


def money_text(value: Decimal) -> str:
    """The exact value in plain form, with at least two decimals: '1234.50', '0.83822466'
    ('0.10000000' is '0.10'). The command line's and the .csv files' form."""
    if not value:
        return "0.00"  # nor "-0.00"
    whole, _, decimals = f"{value:f}".partition(".")
    return f"{whole}.{decimals.rstrip('0'):0<2}"


class Measure(StrEnum):
    """The amounts a chart can show (Money's properties of the same names)."""
    AMOUNT = "amount"
    AMOUNT_PAID = "amount_paid"


@dataclasses.dataclass(frozen=True)
class Money:
    amount: Decimal = ZERO
    cash_coupon: Decimal = ZERO

    @property
    def amount_paid(self) -> Decimal:
        return self.amount - self.cash_coupon

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + other.amount, self.cash_coupon + other.cash_coupon)

    @property
    def is_zero(self) -> bool:
        return not self.amount and not self.cash_coupon

    def measure(self, name: str) -> Decimal:
        """'amount', 'amount_paid' or 'cash_coupon'."""
        return getattr(self, name)

    def as_text(self) -> dict:
        return {"amount": money_text(self.amount), "cash_coupon": money_text(self.cash_coupon),
                "amount_paid": money_text(self.amount_paid)}


def share(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole to four places (0.4120 = 41.20%); zero of a zero whole."""
    return (part / whole).quantize(SHARE, rounding=ROUND_HALF_UP) if whole else SHARE * 0


def total(moneys) -> Money:
    """The sum, added up as Decimals: a Money for each partial sum cost more than the adding,
    over thousands of groups."""
    amount = cash_coupon = ZERO
    for money in moneys:
        amount += money.amount
        cash_coupon += money.cash_coupon
    return Money(amount, cash_coupon)

"""Text for the screen, made from exact values: money from Decimal, never from float."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from data_access.money import CENT

PERCENT = Decimal("0.01")


def amount_text(value: Decimal) -> str:
    """'1,234,567.89': thousands separators, two decimals, exact."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value if value else abs(value):,.2f}"  # no "-0.00"


def money_text(value: Decimal, currency: str) -> str:
    """'CNY 1,234,567.89'; a refund reads 'CNY -5.00'."""
    return f"{currency} {amount_text(value)}"


def share_text(share: Decimal) -> str:
    """0.4120 -> '41.20%'."""
    return f"{(share * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)}%"


MEASURE_LABELS = {"amount": "Amount", "amount_paid": "Amount paid", "cash_coupon": "Cash coupons used"}



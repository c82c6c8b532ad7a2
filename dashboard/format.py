"""Text for the screen, made from exact values: money from Decimal, never from float.

Amounts carry up to eight decimals; the screen shows them rounded half up to the cent, as the
provider's Expenditures page does, with the exact value on hover (`exact_money_text`)."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from dash import html

from data_access.comparison import percent
from data_access.money import CENT
from data_access.money import money_text as plain_money_text

PERCENT = Decimal("0.01")
ROUNDED_NOTE = ("Figures are rounded to the cent; rounded groups may not add up to the rounded "
                "total. Point at a figure for its exact value.")
ROUNDED_TOTALS_NOTE = ("Figures are rounded to the cent; rounded, Amount less cash coupons used may "
                       "differ from Amount paid. Point at a figure for its exact value.")


def rounded(value: Decimal) -> Decimal:
    """To the cent, half up: 0.125 -> 0.13, -0.125 -> -0.13 (away from zero), 0.124999 -> 0.12."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(value: Decimal) -> str:
    """'1,234,567.89': thousands separators, rounded to two decimals."""
    value = rounded(value)
    return f"{value if value else abs(value):,.2f}"  # no "-0.00"


def money_text(value: Decimal, currency: str) -> str:
    """'CNY 1,234,567.89'; a refund reads 'CNY -5.00'."""
    return f"{currency} {amount_text(value)}"


def exact_amount_text(value: Decimal) -> str:
    """'1,234.83822466': every decimal there is, at least two."""
    return f"{Decimal(plain_money_text(value)):,f}"


def exact_money_text(value: Decimal, currency: str) -> str:
    """'CNY 1,234.83822466': what hovering over a rounded figure shows."""
    return f"{currency} {exact_amount_text(value)}"


def rounded_parts_add_up(parts: Iterable[Decimal], whole: Decimal) -> bool:
    """Whether the rounded parts sum to the rounded whole: where they do not, the screen says
    its figures are rounded (the exact ones always add up)."""
    return sum((rounded(part) for part in parts), Decimal(0)) == rounded(whole)


def share_text(share: Decimal) -> str:
    """0.4120 -> '41.20%'."""
    return f"{(share * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)}%"


MEASURE_LABELS = {"amount": "Amount", "amount_paid": "Amount paid", "cash_coupon": "Cash coupons used"}


def signed_amount(value: Decimal) -> str:
    """'+1,234.50', '-5.00', '0.00'."""
    return ("+" if rounded(value) > 0 else "") + amount_text(value)


def percent_text(rate: Decimal | None) -> str:
    """'+12.34%', '-5.00%'; a dash where there is no percentage (a zero previous value)."""
    return "\u2014" if rate is None else f"{'+' if rate > 0 else ''}{rate}%"


def change_color(change: Decimal) -> str:
    """Green up, red down, grey unchanged."""
    return "text-success" if change > 0 else "text-danger" if change < 0 else "text-secondary"


def change_text(current: Decimal, previous: Decimal, currency: str) -> str:
    """'CNY +1,234.50 (+12.34%)'; no percentage of a zero previous value."""
    rate = percent(current, previous)
    text = signed_amount(current - previous)
    return (f"{currency} {text}" if currency else text) + ("" if rate is None else f" ({percent_text(rate)})")


def change_badge(current: Decimal, previous: Decimal, currency: str = "") -> html.Span:
    """The change as coloured text with an arrow."""
    change = current - previous
    arrow = "bi-arrow-up-right" if change > 0 else "bi-arrow-down-right" if change < 0 else "bi-arrow-right"
    return html.Span([html.I(className=f"bi {arrow} me-1"), change_text(current, previous, currency)],
                     className=f"change fw-semibold text-nowrap {change_color(change)}")

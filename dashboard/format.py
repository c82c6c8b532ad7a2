"""Text for the screen, made from exact values: money from Decimal, never from float.

Amounts carry up to eight decimals; the screen shows them rounded half up to the cent, as the
provider's Expenditures page does, with the exact value on hover (`exact_money_text`)."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from dash import html

import i18n
from data_access.comparison import percent
from data_access.money import CENT
from i18n import N_, _

ROUNDED_NOTE = N_("Figures are rounded to the cent; rounded groups may not add up to the rounded total. Point at "
                  "a figure for its exact value.")
ROUNDED_TOTALS_NOTE = N_("Figures are rounded to the cent; rounded, Amount less cash coupons used may differ from "
                         "Amount paid. Point at a figure for its exact value.")


def rounded(value: Decimal) -> Decimal:
    """To the cent, half up: 0.125 -> 0.13, -0.125 -> -0.13 (away from zero), 0.124999 -> 0.12."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(value: Decimal) -> str:
    """'1,234,567.89': thousands separators, rounded half up to two decimals, in the user's locale."""
    return i18n.decimal(value)


def money_text(value: Decimal, currency: str) -> str:
    """'CNY 1,234,567.89' / '¥1,234,567.89'; a refund reads 'CNY -5.00' / '-¥5.00'."""
    return i18n.money(value, currency)


def exact_amount_text(value: Decimal) -> str:
    """'1,234.83822466': every decimal there is, at least two."""
    return i18n.decimal(value, exact=True)


def exact_money_text(value: Decimal, currency: str) -> str:
    """'CNY 1,234.83822466' / '¥1,234.83822466': what hovering over a rounded figure shows."""
    return i18n.money(value, currency, exact=True)


def rounded_parts_add_up(parts: Iterable[Decimal], whole: Decimal) -> bool:
    """Whether the rounded parts sum to the rounded whole: where they do not, the screen says
    its figures are rounded (the exact ones always add up)."""
    return sum((rounded(part) for part in parts), Decimal(0)) == rounded(whole)


def share_text(share: Decimal) -> str:
    """0.4120 -> '41.20%'."""
    return i18n.percent(share * 100)


# Marked for the catalog; shown through `measure_label`.
MEASURE_LABELS = {"amount": N_("Amount"), "amount_paid": N_("Amount paid"), "cash_coupon": N_("Cash coupons used")}


def measure_label(measure: str) -> str:
    return _(MEASURE_LABELS[measure])


def signed_amount(value: Decimal) -> str:
    """'+1,234.50', '-5.00', '0.00'."""
    return i18n.money(value, "", signed=True)


def percent_text(rate: Decimal | None) -> str:
    """'+12.34%', '-5.00%'; a dash where there is no percentage (a zero previous value)."""
    return "\u2014" if rate is None else i18n.percent(rate, signed=True)


def change_color(change: Decimal) -> str:
    """Green up, red down, grey unchanged."""
    return "text-success" if change > 0 else "text-danger" if change < 0 else "text-secondary"


def change_text(current: Decimal, previous: Decimal, currency: str) -> str:
    """'CNY +1,234.50 (+12.34%)'; no percentage of a zero previous value."""
    rate = percent(current, previous)
    text = i18n.money(current - previous, currency, signed=True)
    return text + ("" if rate is None else f" ({percent_text(rate)})")


def change_badge(current: Decimal, previous: Decimal, currency: str = "") -> html.Span:
    """The change as coloured text with an arrow."""
    change = current - previous
    arrow = "bi-arrow-up-right" if change > 0 else "bi-arrow-down-right" if change < 0 else "bi-arrow-right"
    return html.Span([html.I(className=f"bi {arrow} me-1"), change_text(current, previous, currency)],
                     className=f"change fw-semibold text-nowrap {change_color(change)}")

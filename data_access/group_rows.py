"""The groups of a breakdown as rows of named columns, with the total last: the group-level
data the exports write and the dashboard's group table shows. With a comparison, each row
carries its previous money and change (data_access.comparison)."""
from __future__ import annotations

from data_access.breakdowns import Breakdown
from data_access.details import DetailColumn
from data_access.money import Money, share

GROUP_COLUMNS = (
    DetailColumn("label", "Group", "text"),
    DetailColumn("amount", "Amount", "money"),
    DetailColumn("cash_coupon", "Cash coupons used", "money"),
    DetailColumn("amount_paid", "Amount paid", "money"),
    DetailColumn("share", "Share", "share"),
)
COMPARISON_COLUMNS = (
    DetailColumn("previous_amount", "Previous amount", "money"),
    DetailColumn("previous_amount_paid", "Previous amount paid", "money"),
    DetailColumn("change", "Change", "money"),
    DetailColumn("change_amount_paid", "Change of amount paid", "money"),
    DetailColumn("change_percent", "Change %", "percent"),  # of Amount; None when previous is zero
)
TOTAL_LABEL = "Total"


def group_columns(breakdown: Breakdown) -> tuple[DetailColumn, ...]:
    return GROUP_COLUMNS + (COMPARISON_COLUMNS if breakdown.comparison is not None else ())


def group_rows(breakdown: Breakdown) -> list[dict]:
    """One dict per shown group, then the total, keyed by group_columns(breakdown)."""
    rows = [(group.key, group.label, group.money, group.share) for group in breakdown.groups]
    rows.append((None, TOTAL_LABEL, breakdown.total, share(breakdown.total.amount, breakdown.total.amount)))
    return [_row(breakdown, *row) for row in rows]


def _row(breakdown: Breakdown, key: str | None, label: str, money: Money, share) -> dict:
    row = {"key": key, "label": label, "amount": money.amount, "cash_coupon": money.cash_coupon,
           "amount_paid": money.amount_paid, "share": share}
    compared = breakdown.comparison
    if compared is not None:
        previous = compared.total if key is None else compared.previous(key)
        change = compared.change(money, key)
        row.update(previous_amount=previous.amount, previous_amount_paid=previous.amount_paid,
                   change=change.amount, change_amount_paid=change.amount_paid, change_percent=change.percent)
    return row

""""Export what I see": the current view's answer as tables, one sheet each in an .xlsx.

The view of every tab is one breakdown of the query (data_access.comparison.breakdown): the group
table with totals and shares (and, when the query compares, each group's previous figures and
change), and the series by period and group. The columns are built here,
in one place, from the answer: a later column (a comparison period's) is added here and every
file format carries it.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from data_access.breakdowns import Breakdown
from data_access.comparison import Comparison
from data_access.money import Money
from data_access.query import ExpenditureQuery, Granularity
from i18n import N_, _
from i18n.terms import term


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text | date | money | share (a fraction, shown as a percentage)
    width: float = 18


@dataclasses.dataclass(frozen=True)
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    totals: list | None  # the totals row, or None


# Headers and titles in English, marked for the catalog: the writers write them translated.
MONEY_COLUMNS = [Column("amount", N_("Amount"), "money"), Column("cash_coupon", N_("Cash coupons used"), "money"),
                 Column("amount_paid", N_("Amount paid"), "money")]
SHARE_COLUMN = Column("share", N_("Share of amount"), "share", 16)
COMPARISON_COLUMNS = [Column("previous_amount", N_("Previous amount"), "money"),
                      Column("previous_amount_paid", N_("Previous amount paid"), "money"),
                      Column("change_amount", N_("Change of amount"), "money"),
                      Column("change_amount_paid", N_("Change of amount paid"), "money"),
                      Column("change_percent", N_("Change of amount %"), "share", 16)]
TOTAL_LABEL = N_("Total")
GROUPS, SERIES = N_("Groups"), N_("Series")


def _money(money: Money) -> list:
    return [money.amount, money.cash_coupon, money.amount_paid]


def _compared(compared: Comparison, current: Money, key: str | None = None) -> list:
    """The comparison columns of the total (no key) or of a group."""
    previous = compared.total if key is None else compared.previous(key)
    change = compared.change(current, key)
    return [previous.amount, previous.amount_paid, change.amount, change.amount_paid,
            None if change.percent is None else change.percent / 100]


def view_tables(q: ExpenditureQuery, answer: Breakdown) -> list[Table]:
    """The group table (each group's totals and share, then the total; with a comparison, each
    one's previous figures and change) and the series (each period's totals by group, then the
    total), as the tabs show them."""
    group = Column("group", q.group_by.label, "text", 32)
    period = Column("period", N_("Day") if q.granularity is Granularity.DAY else N_("Month"), "date", 12)
    whole = Decimal(1) if answer.total.amount else Decimal(0)  # 100% of a non-zero total
    compared = answer.comparison
    # Built in the file's language (exports.builder speaks it): the groups' labels and Total.
    groups = Table(GROUPS, [group, *MONEY_COLUMNS, SHARE_COLUMN, *(COMPARISON_COLUMNS if compared else [])],
                   [[term(g.label), *_money(g.money), g.share,
                     *(_compared(compared, g.money, g.key) if compared else [])] for g in answer.groups],
                   [_(TOTAL_LABEL), *_money(answer.total), whole,
                    *(_compared(compared, answer.total) if compared else [])])
    by_period = [[point.period, term(g.label), *_money(point.money)]
                 for index, _ in enumerate(answer.series) for g in answer.groups
                 for point in (g.series[index],)]
    series = Table(SERIES, [period, group, *MONEY_COLUMNS], by_period,
                   [None, _(TOTAL_LABEL), *_money(answer.total)])
    return [groups, series]

"""Answers of an ExpenditureQuery that sum money: the overview (total and series) and the
breakdown by a grouping basis, with top N and "Others".

Reconciliation is by construction: totals are sums of the groups, and the series of "Others"
is the total series less the top groups' series, all in Decimal.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from data_access.dimensions import key_column, labelled
from data_access.facts import all_rows, matching, money_of, money_sums, period_column
from data_access.money import ZERO, Money, share, total
from data_access.query import OTHERS_KEY, OTHERS_LABEL, ExpenditureQuery, Granularity, SortKey

if TYPE_CHECKING:
    from data_access.comparison import Comparison


@dataclasses.dataclass(frozen=True)
class Point:
    period: date  # the day, or the first day of the month
    money: Money


@dataclasses.dataclass(frozen=True)
class Group:
    key: str
    label: str
    money: Money
    share: Decimal  # of the total Amount
    series: tuple[Point, ...] = ()


@dataclasses.dataclass(frozen=True)
class Overview:
    total: Money
    series: tuple[Point, ...]
    comparison: Comparison | None = None  # when the query compares (data_access.comparison)


@dataclasses.dataclass(frozen=True)
class Breakdown:
    total: Money
    series: tuple[Point, ...]  # empty when asked without series
    groups: tuple[Group, ...]  # the top N in the asked order, then "Others"
    comparison: Comparison | None = None  # when the query compares (data_access.comparison)


def periods_between(start: date, end: date, granularity: Granularity) -> list[date]:
    if granularity is Granularity.DAY:
        return [date.fromordinal(day) for day in range(start.toordinal(), end.toordinal() + 1)]
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _series(q: ExpenditureQuery, sums: dict[date, Money]) -> tuple[Point, ...]:
    """Every period of the range, zero where nothing was spent: a chart must not skip days."""
    return tuple(Point(period, sums.get(period, Money()))
                 for period in periods_between(q.start, q.end, q.granularity))


def overview(conn: sa.Connection, q: ExpenditureQuery) -> Overview:
    facts = matching(q, lambda t: [period_column(q.granularity, t).label("period")],
                     by_day=q.granularity is Granularity.DAY)
    rows = all_rows(conn, sa.select(facts.c.period, *money_sums(facts)).group_by(facts.c.period))
    series = _series(q, {_as_date(row.period): money_of(row) for row in rows})
    return Overview(total(point.money for point in series), series)


def _group_totals(conn, q: ExpenditureQuery) -> list[Group]:
    facts = matching(q, lambda t: [key_column(q.group_by, t).label("key")], bases=(q.group_by,), by_day=False)
    groups = sa.select(facts.c.key, *money_sums(facts)).group_by(facts.c.key).subquery("groups")
    rows = all_rows(conn, labelled(groups, q.group_by, q.scope.partner_id))
    return [Group(row.key, row.label, money_of(row), ZERO) for row in rows]


def _by_name(group: Group) -> tuple:
    return group.label.casefold(), group.key


def _ordered(q: ExpenditureQuery, groups: list[Group]) -> list[Group]:
    if q.sort_by is SortKey.NAME:
        return sorted(groups, key=_by_name, reverse=q.descending)
    ordered = sorted(groups, key=_by_name)  # ties in name order, whichever direction
    return sorted(ordered, key=lambda group: group.money.measure(q.sort_by.measure), reverse=q.descending)


def _top_and_others(q: ExpenditureQuery, groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """The N largest groups by the sorted measure (Amount when sorting by name or change) and
    the rest."""
    measure = q.sort_by.measure
    ranked = sorted(sorted(groups, key=_by_name), key=lambda group: group.money.measure(measure), reverse=True)
    return ranked[:q.top_n], ranked[q.top_n:]


def breakdown(conn: sa.Connection, q: ExpenditureQuery, with_series: bool = True,
              groups: list[Group] | None = None, total_series: tuple[Point, ...] | None = None) -> Breakdown:
    """`groups` and `total_series`: the query's, when they were read already (a comparison
    reads them together with the comparison period's)."""
    groups = _group_totals(conn, q) if groups is None else groups
    grand_total = total(group.money for group in groups)
    top, rest = _top_and_others(q, groups)
    shown = _ordered(q, top)
    if rest:
        shown.append(Group(OTHERS_KEY, OTHERS_LABEL, total(group.money for group in rest), ZERO))
    series_by_key = {}
    if not with_series:
        total_series = ()
    else:
        total_series = overview(conn, q).series if total_series is None else total_series
        series_by_key = _group_series(conn, q, [g.key for g in top])
        if rest:  # the total less the top groups: no need to read the others' records
            others = {point.period: point.money for point in total_series}
            for points in series_by_key.values():
                for period, money in points.items():
                    others[period] = _less(others[period], money)
            series_by_key[OTHERS_KEY] = others
    shown = [dataclasses.replace(group, share=share(group.money.amount, grand_total.amount),
                                 series=_series(q, series_by_key.get(group.key, {})) if with_series else ())
             for group in shown]
    return Breakdown(grand_total, total_series, tuple(shown))


def without_series(answer: Breakdown) -> Breakdown:
    """The totals and groups of `answer` alone (and of its comparison): what a table of the
    groups needs."""
    return dataclasses.replace(answer, series=(), groups=tuple(dataclasses.replace(group, series=())
                                                               for group in answer.groups),
                               comparison=answer.comparison and dataclasses.replace(answer.comparison, series=()))


def _less(whole: Money, part: Money) -> Money:
    return Money(whole.amount - part.amount, whole.cash_coupon - part.cash_coupon)


def _group_series(conn, q: ExpenditureQuery, keys: list[str]) -> dict:
    """{group key: {period: Money}} of the groups `keys`."""
    facts = matching(q, lambda t: [key_column(q.group_by, t).label("key"),
                                   period_column(q.granularity, t).label("period")],
                     bases=(q.group_by,), among=keys, by_day=q.granularity is Granularity.DAY)
    rows = all_rows(conn, sa.select(facts.c.key, facts.c.period, *money_sums(facts))
                    .group_by(facts.c.key, facts.c.period))
    series: dict[str, dict[date, Money]] = {}
    for row in rows:
        series.setdefault(row.key, {})[_as_date(row.period)] = money_of(row)
    return series


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value

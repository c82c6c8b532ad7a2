"""Answers with a comparison period (SPEC.md, "Comparison period"): the range's answer and the
same question over the comparison period, read together.

Where one statement can read both periods, it does: the facts of both day ranges in one read,
tagged with the period each belongs to, grouped by key and tag (the periods never overlap unless
a range longer than a year is compared with the year before; then the two are read as two parts
of one statement). The comparison is read from the same rollups as the range, since it asks the
same question. Groups are matched by key, a group absent in one period counting as zero there;
"Others" is compared as the remainder of the current period's top N groups.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from data_access import breakdowns
from data_access.breakdowns import Breakdown, Group, Overview, Point
from data_access.dimensions import key_column, labelled, source
from data_access.facts import all_rows, conditions, money_of, money_sums, parts, period_column
from data_access.money import ZERO, Money, to_decimal, total
from data_access.query import OTHERS_KEY, Basis, ExpenditureQuery, Granularity, SortKey

PERCENT = Decimal("0.01")
CURRENT, PREVIOUS = 1, 0  # the period tag of a fact
PRIOR = "prior_"  # the comparison period's sums, beside the range's


@dataclasses.dataclass(frozen=True)
class Change:
    amount: Decimal
    amount_paid: Decimal
    percent: Decimal | None  # of Amount; None when the previous Amount is zero


def percent(current: Decimal, previous: Decimal) -> Decimal | None:
    """(current − previous) ÷ previous × 100, rounded half-up to 2 decimals; None of a zero
    previous."""
    return (((current - previous) / previous * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)
            if previous else None)


def change(current: Money, previous: Money) -> Change:
    """current − previous, and the change of Amount in percent of the previous Amount."""
    return Change(current.amount - previous.amount, current.amount_paid - previous.amount_paid,
                  percent(current.amount, previous.amount))


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The comparison period's answer to the same question."""
    start: date
    end: date
    total: Money
    series: tuple[Point, ...]  # the comparison period's own periods; empty without series
    groups: Mapping[str, Money] = dataclasses.field(default_factory=dict)  # by the shown groups' keys

    def previous(self, key: str) -> Money:
        return self.groups.get(key, Money())

    def change(self, current: Money, key: str | None = None) -> Change:
        """The change of the total (no key) or of the group `key`."""
        return change(current, self.total if key is None else self.previous(key))


def _both_periods(q: ExpenditureQuery, prior: ExpenditureQuery, columns, bases: tuple[Basis, ...] = (),
                  by_day: bool = True) -> sa.Subquery:
    """The facts of both periods, projected like facts.matching, with a column `current`
    (CURRENT or PREVIOUS)."""
    overlap = prior.end >= q.start
    reads: dict[tuple, list] = {}  # one read of each facts (of each period, if they overlap)
    for tag, period in ((CURRENT, q), (PREVIOUS, prior)):
        for facts, days in parts(period, bases, by_day):
            reads.setdefault((id(facts), tag if overlap else None), []).append((facts, tag, days))
    selects = []
    for read in reads.values():
        facts, t = read[0][0], read[0][0].t
        days = [day_range for _, _, ranges in read for day_range in ranges]
        if len(read) == 1:
            current = sa.literal_column(str(read[0][1]))
        else:  # the comparison period ends before the range starts
            current = sa.case((t.c.day >= q.start, CURRENT), else_=PREVIOUS)
        selects.append(sa.select(*columns(t), current.label("current"), t.c.amount, t.c.cash_coupon)
                       .select_from(source(t, *bases))
                       .where(*conditions(q.scope, q, facts, days)))
    return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery("matching")


def _series_of_both(conn: sa.Connection, q: ExpenditureQuery, prior: ExpenditureQuery):
    """(the range's series, the comparison period's series)."""
    matching = _both_periods(q, prior, lambda t: [period_column(q.granularity, t).label("period")],
                             by_day=q.granularity is Granularity.DAY)
    rows = all_rows(conn, sa.select(matching.c.period, matching.c.current, *money_sums(matching))
                      .group_by(matching.c.period, matching.c.current))
    sums: dict[int, dict] = {CURRENT: {}, PREVIOUS: {}}
    for row in rows:
        sums[row.current][breakdowns._as_date(row.period)] = money_of(row)
    return breakdowns._series(q, sums[CURRENT]), breakdowns._series(prior, sums[PREVIOUS])


def overview(conn: sa.Connection, q: ExpenditureQuery) -> Overview:
    """breakdowns.overview, with the comparison when the query asks for one."""
    prior = q.comparison()
    if prior is None:
        return breakdowns.overview(conn, q)
    series, prior_series = _series_of_both(conn, q, prior)
    return Overview(total(point.money for point in series), series,
                          Comparison(prior.start, prior.end, total(point.money for point in prior_series),
                                     prior_series))


def _groups_of_both(conn: sa.Connection, q: ExpenditureQuery, prior: ExpenditureQuery):
    """([every group of either period, with its money in the range], {key: the row of its
    money in the comparison period}, the comparison period's total). One row per group with
    both periods' sums: the money of the comparison period is made only for the groups shown."""
    matching = _both_periods(q, prior, lambda t: [key_column(q.group_by, t).label("key")],
                             bases=(q.group_by,), by_day=False)
    now = matching.c.current == CURRENT
    groups = (sa.select(matching.c.key, *money_sums(matching, now), *money_sums(matching, ~now, PRIOR))
              .group_by(matching.c.key).subquery("groups"))
    rows = all_rows(conn, labelled(groups, q.group_by, q.scope.partner_id))
    prior_total = Money(sum((to_decimal(row.prior_amount) for row in rows), ZERO),
                        sum((to_decimal(row.prior_cash_coupon) for row in rows), ZERO))
    return [Group(row.key, row.label, money_of(row), ZERO) for row in rows], {row.key: row for row in rows}, prior_total


def breakdown(conn: sa.Connection, q: ExpenditureQuery, with_series: bool = True) -> Breakdown:
    """breakdowns.breakdown, with the comparison when the query asks for one: each shown group's
    money in the comparison period, "Others" as the comparison total less the top groups'."""
    prior = q.comparison()
    if prior is None:
        return breakdowns.breakdown(conn, q, with_series)
    groups, prior_rows, prior_total = _groups_of_both(conn, q, prior)
    series, prior_series = _series_of_both(conn, q, prior) if with_series else ((), ())
    answer = breakdowns.breakdown(conn, q, with_series, groups=groups, total_series=series)
    shown = {group.key: money_of(prior_rows[group.key], PRIOR) for group in answer.groups if group.key != OTHERS_KEY}
    if any(group.key == OTHERS_KEY for group in answer.groups):
        shown[OTHERS_KEY] = breakdowns._less(prior_total, total(shown.values()))
    compared = Comparison(prior.start, prior.end, prior_total, prior_series, shown)
    return dataclasses.replace(answer, comparison=compared, groups=_by_change(q, answer.groups, compared))


def _by_change(q: ExpenditureQuery, groups: tuple[Group, ...], compared: Comparison):
    """The groups in order of their change, when sorted by it ("Others" stays last; a group
    without a percentage, after those with one)."""
    if q.sort_by not in (SortKey.CHANGE, SortKey.CHANGE_PERCENT):
        return groups
    top = [group for group in groups if group.key != OTHERS_KEY]

    def change_of(group):
        change = compared.change(group.money, group.key)
        return change.amount if q.sort_by is SortKey.CHANGE else change.percent

    known = sorted(sorted(top, key=lambda group: (group.label.casefold(), group.key)),
                   key=lambda group: change_of(group) if change_of(group) is not None else 0,
                   reverse=q.descending)
    ordered = ([group for group in known if change_of(group) is not None]
               + [group for group in known if change_of(group) is None])
    return (*ordered, *(group for group in groups if group.key == OTHERS_KEY))

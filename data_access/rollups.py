"""Daily rollups of the expenditure records, kept equal to them.

A rollup row sums the records of one partner, day and combination of the rollup's dimensions
(amount, cash coupons, how many records, how many of them not zero). The dashboard's totals,
series, breakdowns and counts read the smallest rollup that has every column a question uses
(data_access.facts): from 200 to 3 times fewer rows than the records (see data_access.schema),
the difference between a one-year breakdown in milliseconds and in seconds.

The rollups are derived, never written on their own: every write of records (insertion, and
re-attribution by data_access.attribution) rebuilds the rollups' rows of the days it touched
from the records, in the writer's transaction. So a rollup equals the aggregation of the
records by construction, whatever the write.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa

from data_access.schema import (
    daily_by_manager,
    daily_by_manager_customer,
    daily_by_manager_mode,
    daily_by_manager_service_mode,
    daily_by_service_mode,
    expenditures,
    monthly_by_manager_customer,
)


@dataclasses.dataclass(frozen=True)
class Rollup:
    table: sa.Table
    dimensions: frozenset[str]  # the record columns it keeps, besides partner and day
    monthly: bool  # one row per month, on the month's first day: for questions without days

    @classmethod
    def of(cls, table: sa.Table, monthly: bool = False) -> Rollup:
        sums = {"partner_id", "day", "amount", "cash_coupon", "records", "nonzero_records"}
        return cls(table, frozenset(table.c.keys()) - sums, monthly)


# Smallest first: the first that has every column of a question answers it.
ROLLUPS = (Rollup.of(daily_by_manager), Rollup.of(daily_by_manager_mode), Rollup.of(daily_by_service_mode),
           Rollup.of(monthly_by_manager_customer, monthly=True),
           Rollup.of(daily_by_manager_service_mode), Rollup.of(daily_by_manager_customer))
SIGNATURE = " ".join(rollup.table.name for rollup in ROLLUPS)  # which rollups a database holds


def month_of(day):
    """The first day of the day's month. The unit is a literal: a bound parameter would make
    a GROUP BY differ from its SELECT."""
    return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), day), sa.Date)


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted runs of consecutive days, as (first, last): a write touches one run, usually."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + timedelta(days=1) >= day:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], day))
        else:
            ranges.append((day, day))
    return ranges


def _whole_months(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    def month_end(day: date) -> date:
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    merged: list[tuple[date, date]] = []
    for first, last in ranges:
        first, last = first.replace(day=1), month_end(last)
        if merged and merged[-1][1] + timedelta(days=1) >= first:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def rebuild(conn: sa.Connection, partner_id: str, days: Iterable[date] | None = None) -> None:
    """Recompute the rollups' rows of the partner's `days` (all days when None; a monthly
    rollup's whole months) from its records."""
    touched = None if days is None else day_ranges(days)
    if touched == []:
        return
    e = expenditures
    nonzero = sa.or_(e.c.amount != 0, e.c.cash_coupon != 0)
    for rollup in ROLLUPS:
        table = rollup.table
        ranges = _whole_months(touched) if rollup.monthly and touched else touched
        conn.execute(sa.delete(table).where(table.c.partner_id == partner_id, *_within(table.c.day, ranges)))
        period = month_of(e.c.day) if rollup.monthly else e.c.day
        keys = [e.c.partner_id, period, *(e.c[name] for name in sorted(rollup.dimensions))]
        sums = sa.select(
            *keys, sa.func.sum(e.c.amount), sa.func.sum(e.c.cash_coupon), sa.func.count(),
            sa.func.sum(sa.case((nonzero, 1), else_=0)),
        ).where(e.c.partner_id == partner_id, *_within(e.c.day, ranges)).group_by(*keys).order_by(period)
        conn.execute(sa.insert(table).from_select(
            ["partner_id", "day", *sorted(rollup.dimensions), "amount", "cash_coupon", "records",
             "nonzero_records"], sums))


def _within(day, ranges: list[tuple[date, date]] | None) -> tuple:
    return () if ranges is None else (sa.or_(*(day.between(first, last) for first, last in ranges)),)

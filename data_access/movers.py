"""Movers (SPEC.md, "Movers"): the customers whose spend changed most between the comparison
period and the range, with their status (new, lost, growing, shrinking, steady).

Both periods are read in one statement, from the smallest facts with the customer (a
customer-level rollup; its monthly one for whole months), with the query's scope, search,
filters and hide-zero setting; the sums are compared in Decimal. The account manager shown is
the one the attribution rule gives for the range's last day.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa

from data_access import attribution
from data_access.money import Money, to_decimal
from data_access.periods import Compare
from data_access.query import UNASSIGNED_KEY, UNASSIGNED_LABEL, Basis, ExpenditureQuery
from data_access.schema import customers, managers
from data_access.stats import _all, _conditions, _parts


class Status(StrEnum):
    NEW = "new"
    LOST = "lost"
    GROWING = "growing"
    SHRINKING = "shrinking"
    STEADY = "steady"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def of(cls, current: Decimal, previous: Decimal) -> Status:
        if not previous:
            return cls.NEW
        if not current:
            return cls.LOST
        change = current - previous
        return cls.GROWING if change > 0 else cls.SHRINKING if change < 0 else cls.STEADY


@dataclasses.dataclass(frozen=True)
class Mover:
    customer_id: str
    account_name: str
    manager_key: str  # the manager's id, or UNASSIGNED_KEY
    account_manager: str  # the manager's name, or Unassigned
    current: Money
    previous: Money

    @property
    def change(self) -> Decimal:
        """Change of the Amount: current − previous."""
        return self.current.amount - self.previous.amount

    @property
    def status(self) -> Status:
        return Status.of(self.current.amount, self.previous.amount)


@dataclasses.dataclass(frozen=True)
class Movers:
    compare_start: date
    compare_end: date
    movers: tuple[Mover, ...]  # every customer with an Amount in either period, in SPEC's order

    @property
    def counts(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for mover in self.movers:
            counts[mover.status] += 1
        return counts

    def of(self, status: Status) -> list[Mover]:
        return [mover for mover in self.movers if mover.status is status]


def with_comparison(q: ExpenditureQuery) -> ExpenditureQuery:
    """The query movers answer: its comparison period, the previous period by default."""
    return q if q.compare is not Compare.NONE else q.replace(compare=Compare.PREVIOUS)


def _both_periods(q: ExpenditureQuery, previous: ExpenditureQuery) -> sa.Subquery:
    """Per customer, the sums of the range (`current` 1) and of the comparison period (0)."""
    selects = []
    for period, current in ((q, 1), (previous, 0)):
        for facts, days in _parts(period, (Basis.CUSTOMER_ACCOUNT,), by_day=False):
            t = facts.t
            selects.append(sa.select(t.c.customer_id, sa.literal(current, sa.Integer).label("current"),
                                     t.c.amount, t.c.cash_coupon)
                           .where(*_conditions(period.scope, period, facts, days)))
    facts = sa.union_all(*selects).subquery("facts")

    def sums(current: int, name: str) -> list:
        return [sa.func.sum(sa.case((facts.c.current == current, facts.c[column]), else_=0))
                .label(f"{name}_{column}") for column in ("amount", "cash_coupon")]
    return (sa.select(facts.c.customer_id, *sums(1, "now"), *sums(0, "before"))
            .group_by(facts.c.customer_id).subquery("sums"))


def movers(conn: sa.Connection, q: ExpenditureQuery) -> Movers:
    """Every customer with a non-zero Amount in the range or its comparison period (the
    previous period when the query has none), sorted by the absolute change of the Amount,
    descending, then by account name."""
    q = with_comparison(q)
    previous = q.comparison()
    sums = _both_periods(q, previous)
    partner_id = q.scope.partner_id
    period = attribution.periods(partner_id)
    last_day = sa.literal(q.end, sa.Date)
    statement = (
        sa.select(sums, customers.c.account_name, period.c.manager_id, managers.c.name.label("manager_name"))
        .select_from(sums.outerjoin(customers, sa.and_(customers.c.partner_id == partner_id,
                                                        customers.c.customer_id == sums.c.customer_id))
                     .outerjoin(period, sa.and_(period.c.customer_id == sums.c.customer_id,
                                                attribution.covers(period, last_day)))
                     .outerjoin(managers, sa.and_(managers.c.partner_id == partner_id,
                                                  managers.c.manager_id == period.c.manager_id))))
    found = []
    for row in _all(conn, statement):
        current = Money(to_decimal(row.now_amount), to_decimal(row.now_cash_coupon))
        before = Money(to_decimal(row.before_amount), to_decimal(row.before_cash_coupon))
        if not current.amount and not before.amount:
            continue
        found.append(Mover(row.customer_id, row.account_name or row.customer_id,
                           row.manager_id or UNASSIGNED_KEY, row.manager_name or UNASSIGNED_LABEL,
                           current, before))
    found.sort(key=lambda mover: (mover.account_name.casefold(), mover.customer_id))
    found.sort(key=lambda mover: abs(mover.change), reverse=True)
    return Movers(previous.start, previous.end, tuple(found))


"""Movers (SPEC.md, "Movers"): the customers whose spend changed most between the comparison
period and the range, with their status (new, lost, growing, shrinking, steady).

Both periods are read in one statement, from the smallest facts with the customer (a
customer-level rollup; its monthly one for whole months), with the query's scope, search,
filters and hide-zero setting; the sums are compared in Decimal. The account manager shown is
the one the attribution rule gives for the range's last day (to an account manager's sign-in,
another manager is not named).
"""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa

from data_access import attribution
from data_access.comparison import percent
from data_access.facts import all_rows, matching, money_of, money_sums
from data_access.money import Money
from data_access.periods import Compare
from data_access.query import UNASSIGNED_KEY, UNASSIGNED_LABEL, Basis, ExpenditureQuery, Scope
from data_access.schema import customers, managers


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


def _both_periods(q: ExpenditureQuery, previous: ExpenditureQuery, by: tuple[str, ...]) -> sa.Subquery:
    """Per combination of the record columns `by`, the sums of the range (`now_`) and of the
    comparison period (`before_`)."""
    periods = [sa.select(facts) for facts in (
        matching(period, lambda t, in_range=in_range: [*(t.c[column] for column in by),
                                                       sa.literal(in_range, sa.Integer).label("in_range")],
                 (Basis.ACCOUNT_MANAGER, Basis.CUSTOMER_ACCOUNT), by_day=False)
        for period, in_range in ((q, 1), (previous, 0)))]
    both = sa.union_all(*periods).subquery("both")

    in_range = both.c.in_range == 1
    keys = [both.c[column] for column in by]
    return (sa.select(*keys, *money_sums(both, in_range, "now_"), *money_sums(both, ~in_range, "before_"))
            .group_by(*keys).subquery("sums"))


def _moneys(row) -> tuple[Money, Money]:
    return money_of(row, "now_"), money_of(row, "before_")


OTHER_MANAGER_KEY = "__other__"
OTHER_MANAGER_LABEL = "Another account manager"


def _manager(scope: Scope, manager_id: str | None, name: str | None) -> tuple[str, str]:
    """(key, label) of the manager shown. An account manager's sign-in never sees another
    manager's name (as nowhere else): a customer moved on to one shows "Another account manager"."""
    if manager_id is None:
        return UNASSIGNED_KEY, UNASSIGNED_LABEL
    if scope.manager_id is not None and manager_id != scope.manager_id:
        return OTHER_MANAGER_KEY, OTHER_MANAGER_LABEL
    return manager_id, name or manager_id


def movers_statement(q: ExpenditureQuery) -> sa.Select:
    """Per customer: both periods' sums, account name and the manager of the range's last day
    (`q` with its comparison period)."""
    sums = _both_periods(q, q.comparison(), ("customer_id",))
    partner_id = q.scope.partner_id
    period = attribution.periods(partner_id)
    last_day = sa.literal(q.end, sa.Date)
    return (
        sa.select(sums, customers.c.account_name, period.c.manager_id, managers.c.name.label("manager_name"))
        .select_from(sums.outerjoin(customers, sa.and_(customers.c.partner_id == partner_id,
                                                        customers.c.customer_id == sums.c.customer_id))
                     .outerjoin(period, sa.and_(period.c.customer_id == sums.c.customer_id,
                                                attribution.covers(period, last_day)))
                     .outerjoin(managers, sa.and_(managers.c.partner_id == partner_id,
                                                  managers.c.manager_id == period.c.manager_id))))


def movers(conn: sa.Connection, q: ExpenditureQuery) -> Movers:
    """Every customer with a non-zero Amount in the range or its comparison period (the
    previous period when the query has none), sorted by the absolute change of the Amount,
    descending, then by account name."""
    q = with_comparison(q)
    found = []
    for row in all_rows(conn, movers_statement(q)):
        current, before = _moneys(row)
        if not current.amount and not before.amount:
            continue
        found.append(Mover(row.customer_id, row.account_name or row.customer_id,
                           *_manager(q.scope, row.manager_id, row.manager_name), current, before))
    found.sort(key=lambda mover: (mover.account_name.casefold(), mover.customer_id))
    found.sort(key=lambda mover: abs(mover.change), reverse=True)
    previous = q.comparison()
    return Movers(previous.start, previous.end, tuple(found))


@dataclasses.dataclass(frozen=True)
class ManagerCard:
    """One account manager's line of the scorecard: only the spend attributed to the manager
    counts, in both periods (as for the manager's own sign-in)."""
    manager_key: str
    account_manager: str
    customers: int  # with a non-zero Amount in the range
    new: int
    lost: int
    current: Money
    previous: Money

    @property
    def change(self) -> Decimal:
        return self.current.amount - self.previous.amount

    @property
    def change_percent(self) -> Decimal | None:
        """change ÷ previous × 100, half-up to 2 decimals; None when previous is zero."""
        return percent(self.current.amount, self.previous.amount)


@dataclasses.dataclass(frozen=True)
class Scorecard:
    compare_start: date
    compare_end: date
    managers: tuple[ManagerCard, ...]  # by current Amount, descending, then name


def scorecard(conn: sa.Connection, q: ExpenditureQuery) -> Scorecard:
    """Per account manager (and Unassigned) with an Amount in either period: customers with
    spend, new and lost customers, and the change of the Amount against the comparison period
    (the previous period when the query has none)."""
    q = with_comparison(q)
    previous = q.comparison()
    sums = _both_periods(q, previous, ("manager_id", "customer_id"))
    statement = (sa.select(sums, managers.c.name.label("manager_name"))
                 .select_from(sums.outerjoin(managers, sa.and_(managers.c.partner_id == q.scope.partner_id,
                                                               managers.c.manager_id == sums.c.manager_id))))
    cards: dict[str, dict] = {}
    for row in all_rows(conn, statement):
        current, before = _moneys(row)
        if not current.amount and not before.amount:
            continue
        key = row.manager_id or UNASSIGNED_KEY
        card = cards.setdefault(key, {"name": row.manager_name or UNASSIGNED_LABEL, "current": Money(),
                                      "previous": Money(), "statuses": []})
        card["current"] += current
        card["previous"] += before
        card["statuses"].append(Status.of(current.amount, before.amount))
    lines = [ManagerCard(key, card["name"], sum(status is not Status.LOST for status in card["statuses"]),
                         card["statuses"].count(Status.NEW), card["statuses"].count(Status.LOST),
                         card["current"], card["previous"]) for key, card in cards.items()]
    lines.sort(key=lambda line: (line.account_manager.casefold(), line.manager_key))
    lines.sort(key=lambda line: line.current.amount, reverse=True)
    return Scorecard(previous.start, previous.end, tuple(lines))

"""The meaning of an ExpenditureQuery as SQL: which facts answer it (the records, or the
smallest rollup of them that can: data_access.rollups), the conditions of its scope, range,
search and filters, and the matching facts the answers sum. All SQL is built with SQLAlchemy
Core, so every value is a bound parameter; the same statements run on DuckDB and PostgreSQL.
docs/PERFORMANCE.md has the measurements behind each choice.
"""
from __future__ import annotations

import collections
import dataclasses
import warnings
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import sqlalchemy as sa

from data_access.db import is_duckdb
from data_access.dimensions import DIMENSIONS, customers_where, e, filter_condition, key_column, source
from data_access.money import Money, to_decimal
from data_access.query import Basis, ExpenditureQuery, Granularity, Scope
from data_access.rollups import ROLLUPS, month_of
from data_access.schema import customers, managers


@dataclasses.dataclass(frozen=True)
class Facts:
    """Where a question's money is read: the records, or a daily rollup of them. A rollup
    row sums records, so sums are the same; a count is the sum of the rows' record counts;
    and hiding zero expenditures keeps the rows with a record that is not zero (the zero
    ones add nothing to the sums)."""
    t: sa.FromClause
    rolled_up: bool
    monthly: bool = False

    def count(self, hide_zero: bool):
        if not self.rolled_up:
            return sa.func.count()
        return sa.func.sum(self.t.c.nonzero_records if hide_zero else self.t.c.records)

    def nonzero(self):
        if self.rolled_up:
            return self.t.c.nonzero_records > 0
        return sa.or_(self.t.c.amount != 0, self.t.c.cash_coupon != 0)


RECORDS = Facts(e, rolled_up=False)
_ROLLED_UP = tuple((rollup, Facts(rollup.table.alias("r"), rolled_up=True, monthly=rollup.monthly))
                   for rollup in ROLLUPS)


def facts_for(scope: Scope, q: ExpenditureQuery | None = None, *bases: Basis, by_day: bool = True) -> Facts:
    """The smallest rollup with every column the question uses (its scope, filters, search
    and the grouping `bases`), else the records. A monthly rollup only answers questions
    about no day (`by_day` False)."""
    used = {"manager_id"} if scope.manager_id is not None else set()
    if q is not None:
        bases = (*bases, *(basis for basis, _ in q.include), *(basis for basis, _ in q.exclude))
        if q.search:
            used |= {"manager_id", "customer_id"}
    used |= {DIMENSIONS[basis].column for basis in bases}
    return next((facts for rollup, facts in _ROLLED_UP
                 if used <= rollup.dimensions and not (rollup.monthly and by_day)), RECORDS)


def period_column(granularity: Granularity, t):
    return t.c.day if granularity is Granularity.DAY else month_of(t.c.day)


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(scope: Scope, q: ExpenditureQuery | None = None, facts: Facts = RECORDS,
               days: list[tuple[date, date]] | None = None) -> list:
    """The scope's (and the query's) conditions on `facts`. `days`: the (first, last) ranges
    read, the query's by default."""
    t = facts.t
    where = [t.c.partner_id == scope.partner_id]
    if scope.manager_id is not None:
        where.append(t.c.manager_id == scope.manager_id)
    if q is None:
        return where
    where.append(sa.or_(*(t.c.day.between(first, last) for first, last in days or [(q.start, q.end)])))
    if q.search:
        pattern = like_pattern(q.search)
        named = sa.select(managers.c.manager_id).where(managers.c.partner_id == scope.partner_id,
                                                       managers.c.name.ilike(pattern, escape="\\"))
        where.append(sa.or_(
            t.c.manager_id.in_(named),
            t.c.customer_id.in_(customers_where(scope, customers.c.account_name.ilike(pattern, escape="\\")))))
    for basis, keys in q.include:
        where.append(filter_condition(scope, basis, keys, t, include=True))
    for basis, keys in q.exclude:
        where.append(filter_condition(scope, basis, keys, t, include=False))
    if q.hide_zero:
        where.append(facts.nonzero())
    return where


def parts(q: ExpenditureQuery, bases: tuple[Basis, ...], by_day: bool) -> list:
    """[(facts, day ranges)] that together hold the query's days: the range from daily facts
    or, for a question not by day, its whole months from a monthly rollup (when one has the
    question's columns) and the days around them from daily facts."""
    daily = facts_for(q.scope, q, *bases)
    monthly = facts_for(q.scope, q, *bases, by_day=False)
    first = q.start if q.start.day == 1 else (q.start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = (q.end + timedelta(days=1)).replace(day=1)  # the month after the last whole month
    if by_day or not monthly.monthly or first >= after:
        return [(daily, [(q.start, q.end)])]
    around = [(a, b) for a, b in ((q.start, first - timedelta(days=1)), (after, q.end)) if a <= b]
    return [(monthly, [(first, after - timedelta(days=1))]), *([(daily, around)] if around else [])]


def matching(q: ExpenditureQuery, columns, bases: tuple[Basis, ...] = (), among: list[str] | None = None,
             by_day: bool = True) -> sa.Subquery:
    """The matching facts, projected to `columns(t)` (t: the facts' table) and their money;
    only those of the groups `among` of the first basis, if given. `by_day`: the question
    needs the facts by day."""
    selects = []
    for facts, days in parts(q, bases, by_day):
        where = conditions(q.scope, q, facts, days)
        if among is not None:
            where.append(key_column(bases[0], facts.t).in_(among))
        selects.append(sa.select(*columns(facts.t), facts.t.c.amount, facts.t.c.cash_coupon)
                       .select_from(source(facts.t, *bases)).where(*where))
    return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery("matching")


def all_rows(conn: sa.Connection, statement) -> list:
    """The rows at once. DuckDB's through Arrow: its client makes the Python dates and decimals
    of a row in about 7 µs, Arrow a value in under 1 µs."""
    result = conn.execute(statement)
    if not is_duckdb(conn.engine) or conn.get_execution_options().get("stream_results"):
        return result.all()  # (a streaming result may hold rows already fetched)
    with warnings.catch_warnings():  # "makes an extra copy of the rows": of a few thousand
        warnings.simplefilter("ignore", UserWarning)
        table = result.cursor.to_arrow_table()
    result.close()
    row = collections.namedtuple("Row", result.keys())
    return [row(*values) for values in zip(*(_python_values(column) for column in table.columns), strict=True)]


_EPOCH = date(1970, 1, 1).toordinal()


def _python_values(column) -> list:
    """An Arrow column's values; dates by their numbers and decimals by their text, as Arrow
    makes them 5x and 2x slower."""
    if pa.types.is_date32(column.type):
        return [None if n is None else date.fromordinal(_EPOCH + n) for n in column.cast(pa.int32()).to_pylist()]
    if pa.types.is_decimal(column.type):
        return [None if text is None else Decimal(text) for text in column.cast(pa.string()).to_pylist()]
    return column.to_pylist()


def money_sums(source, where=None, prefix: str = ""):
    """The sums of amount and cash coupons, named `prefix`amount and `prefix`cash_coupon; of the
    rows meeting `where` alone, if given (one period of facts tagged with theirs)."""
    sums = sa.func.sum(source.c.amount), sa.func.sum(source.c.cash_coupon)
    if where is not None:
        sums = tuple(column.filter(where) for column in sums)
    return sums[0].label(f"{prefix}amount"), sums[1].label(f"{prefix}cash_coupon")


def money_of(row, prefix: str = "") -> Money:
    """The Money of a row of money_sums (named with `prefix`)."""
    return Money(to_decimal(getattr(row, f"{prefix}amount")), to_decimal(getattr(row, f"{prefix}cash_coupon")))
